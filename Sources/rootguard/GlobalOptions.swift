import ArgumentParser
import Foundation
import Logging
import RootGuard
import RootGuardAWS
import RootGuardModel

/// How to reach AWS: every AWS-facing subcommand takes these (`trail` names its client region `--client-region`,
/// since its `--region` filters records).
struct AWSConnectionOptions: ParsableArguments {
    @Option(help: "The named profile from ~/.aws/config or ~/.aws/credentials (default: AWS_PROFILE, then 'default').")
    var profile: String?

    @Option(help: "Send every AWS request to this URL (e.g. http://127.0.0.1:5000 for moto or LocalStack).")
    var endpointURL: String?

    @Option(
        help: "Attempts per AWS call, the first included (default: AWS_MAX_ATTEMPTS, the profile's max_attempts, 3).")
    var maxAttempts: Int?

    @Option(help: "Seconds to wait for each AWS response (default 30).")
    var timeout: Double?

    @Flag(help: "Log every AWS request and response to stderr (credentials and signatures redacted).")
    var debug = false

    @Option(
        help: ArgumentHelp(
            "The 6-digit code for a profile with mfa_serial (default: AWS_MFA_CODE, else asked on the terminal).",
            valueName: "code"))
    var mfaCode: String?

    func validate() throws {
        if let mfaCode, mfaCode.count != 6 || !mfaCode.allSatisfy(\.isASCII) || !mfaCode.allSatisfy(\.isNumber) {
            throw ValidationError("--mfa-code must be 6 digits")
        }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if let timeout, timeout <= 0 || !timeout.isFinite { throw ValidationError("--timeout must be positive") }
        if let endpointURL, URL(string: endpointURL)?.host == nil {
            throw ValidationError("--endpoint-url must be an http(s) URL with a host, e.g. http://127.0.0.1:5000")
        }
    }

    func commandLine(region: String?) -> AWSCommandLineOptions {
        AWSCommandLineOptions(
            profile: profile, region: region, endpointURL: endpointURL, maxAttempts: maxAttempts,
            timeoutSeconds: timeout, mfaCode: mfaCode)
    }

    /// The region the AWS client uses (the option, the environment, the profile, us-east-1): the one resolver for
    /// clients and for the region reports name. A configuration that cannot be read leaves the option or us-east-1
    /// (the client itself then reports the configuration error).
    func resolvedRegion(_ region: String?) -> AWSRegion {
        (try? AWSSettings.load(options: commandLine(region: region)))?.region ?? AWSRegion(region ?? "us-east-1")
    }

    /// A function that configures logging once and builds the AWS client for `region` (nil: the usual chain).
    func clientFactory(region: String?) -> @Sendable () throws -> AWSClient {
        let options = commandLine(region: region)
        let debug = self.debug
        return {
            LogSetup.bootstrapOnce(debug: debug)
            var logger = Logger(label: "rootguard.aws")
            logger.logLevel = debug ? .debug : .warning
            var settings = try AWSSettings.load(options: options)
            if settings.mfa.code == nil && MFAPrompt.terminalAvailable { settings.mfa.prompt = MFAPrompt.ask }
            return try settings.makeClient(logger: logger)
        }
    }
}

/// Asks for an MFA code on the controlling terminal (`/dev/tty`), as the AWS CLI does; the code is not echoed
/// back anywhere else and never logged.
enum MFAPrompt {
    static var terminalAvailable: Bool {
        isatty(STDIN_FILENO) != 0 && FileManager.default.isReadableFile(atPath: "/dev/tty")
    }

    /// One prompt at a time, also when several clients ask at once.
    private static let lock = NSLock()

    @Sendable static func ask(serial: String, profile: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            throw ValidationError(
                "profile \(profile) needs an MFA code and the terminal cannot be opened: pass --mfa-code")
        }
        defer { try? tty.close() }
        tty.write(Data("Enter MFA code for \(TerminalSafe.escape(serial)): ".utf8))
        var line = Data()
        while true {
            guard let byte = try tty.read(upToCount: 1), let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
            if line.count > 64 { break }
        }
        return String(decoding: line, as: UTF8.self)
    }
}

/// The AWS options plus the client's region.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var connection: AWSConnectionOptions

    @Option(
        help: "Region for regional services (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1)."
    )
    var region: String?

    var makeClient: @Sendable () throws -> AWSClient { connection.clientFactory(region: region) }

    /// A region that is no region of its partition is refused before any work, endpoint or not: it had been accepted
    /// with an endpoint, and a service judged "not enabled in" some other region.
    func validate() throws {
        if let region, let problem = Self.regionProblem(region) { throw ValidationError("--region: \(problem)") }
    }

    /// Why `region` is not a region rootguard can address, nil when it is.
    static func regionProblem(_ region: String) -> String? {
        let safe = TerminalSafe.escape(region)
        guard !region.isEmpty,
            region.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
        else { return "'\(safe)' is not a region name (lower-case letters, digits and hyphens)" }
        let partition = AWSRegion(region).partition
        return partition.problem(with: [region])
    }

    /// Runs `body` with a client and always shuts the client down afterwards.
    func withClient<T>(_ body: (AWSClient) async throws -> T) async throws -> T {
        try await Auditor.withClient(makeClient, body)
    }
}

/// swift-log set up once for the process: stderr, debug only with `--debug`.
enum LogSetup {
    nonisolated(unsafe) private static var done = false

    static func bootstrapOnce(debug: Bool) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug ? .debug : .warning
            return handler
        }
    }
}

/// Prints `error: <one line>` to stderr and exits 1: no stack traces, and text from AWS or files escaped.
/// Exit codes and argument errors pass through to ArgumentParser; a reader that went away (EPIPE, `| head`)
/// ends the command quietly with 141, as other command-line tools do after SIGPIPE.
/// Runs a command's body: one `error:` line for what fails. A denied AWS call says "access denied", the IAM action it
/// needed, and the `rootguard policy` command that prints every permission the command needs (`policy`).
func runReportingErrors(policy: String = "rootguard policy", _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch is CleanExit {
        throw ExitCode.success
    } catch is Output.BrokenPipe {
        throw ExitCode(141)
    } catch let error as AWSError where error.kind == .accessDenied {
        Output.error(
            "access denied: \(error) (needs \(error.iamAction); `\(policy)` prints every permission this needs)")
        throw ExitCode.failure
    } catch {
        Output.error("\(error)")
        throw ExitCode.failure
    }
}

/// Where commands print: reports to stdout, diagnostics to stderr. Every write is checked: a full disk or a
/// closed pipe is an error, never a silent success.
enum Output {
    struct WriteFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// The reader of standard output went away.
    struct BrokenPipe: Error {}

    /// Writes the report (or part of it) to standard output.
    static func stdout(_ text: String) throws {
        try write(STDOUT_FILENO, text, what: "standard output")
    }

    /// Diagnostics: a failure to write them is not worth failing the command for.
    static func stderr(_ text: String) {
        try? write(STDERR_FILENO, text, what: "standard error")
    }

    /// `error: …` on one line.
    static func error(_ message: String) {
        stderr("error: \(TerminalSafe.escape(message))\n")
    }

    static func write(_ descriptor: Int32, _ text: String, what: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw BrokenPipe() }
                throw WriteFailure(description: "cannot write to \(what): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Colour only on a terminal that can show it: not when TERM is `dumb`, and not when NO_COLOR is set to a
    /// non-empty value (no-color.org: an empty NO_COLOR does not count).
    static var useColor: Bool {
        let environment = ProcessInfo.processInfo.environment
        return isatty(STDOUT_FILENO) != 0 && environment["TERM"] != "dumb" && (environment["NO_COLOR"] ?? "").isEmpty
    }
}

extension AccountID {
    /// Parses `--account`: twelve digits, or a usage error that says so.
    static func argument(_ text: String) throws -> AccountID {
        guard let id = AccountID(rawValue: text) else {
            throw ValidationError(
                "--account must be a 12-digit account id, not '\(TerminalSafe.escape(String(text.prefix(40))))'")
        }
        return id
    }
}

extension Severity: ExpressibleByArgument {}
