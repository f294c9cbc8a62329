import ArgumentParser
import Foundation
import Logging
import RootGuard
import RootGuardAWS

/// Options every AWS-facing subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The named profile from ~/.aws/config or ~/.aws/credentials (default: AWS_PROFILE, then 'default').")
    var profile: String?

    @Option(
        help: "Region for regional services (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1)."
    )
    var region: String?

    @Option(help: "Send every AWS request to this URL (e.g. http://127.0.0.1:5000 for moto or LocalStack).")
    var endpointURL: String?

    @Option(
        help: "Attempts per AWS call, the first included (default: AWS_MAX_ATTEMPTS, the profile's max_attempts, 3).")
    var maxAttempts: Int?

    @Option(help: "Seconds to wait for each AWS response (default 30).")
    var timeout: Double?

    @Flag(help: "Log every AWS request and response to stderr (credentials and signatures redacted).")
    var debug = false

    func validate() throws {
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if let endpointURL, URL(string: endpointURL)?.host == nil {
            throw ValidationError("--endpoint-url must be an http(s) URL with a host, e.g. http://127.0.0.1:5000")
        }
    }

    var commandLine: AWSCommandLineOptions {
        AWSCommandLineOptions(
            profile: profile, region: region, endpointURL: endpointURL, maxAttempts: maxAttempts,
            timeoutSeconds: timeout)
    }

    /// Configures logging once and builds the AWS client from the options, environment and config files.
    func makeClient() throws -> AWSClient { try Self.makeClient(commandLine, debug: debug) }

    static func makeClient(_ options: AWSCommandLineOptions, debug: Bool) throws -> AWSClient {
        Logging.bootstrapOnce(debug: debug)
        var logger = Logger(label: "rootguard.aws")
        logger.logLevel = debug ? .debug : .warning
        let settings = try AWSSettings.load(options: options)
        return try settings.makeClient(logger: logger)
    }
}

extension GlobalOptions {
    /// Runs `body` with a client and always shuts the client down afterwards.
    func withClient<T>(_ body: (AWSClient) async throws -> T) async throws -> T {
        try await Self.withClient(commandLine, debug: debug, body)
    }

    /// The same for commands whose options differ (`trail`, where `--region` filters records).
    static func withClient<T>(
        _ options: AWSCommandLineOptions, debug: Bool, _ body: (AWSClient) async throws -> T
    ) async throws -> T {
        let client = try makeClient(options, debug: debug)
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

enum Logging {
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

/// Prints `error: <one line>` to stderr and exits 1: no stack traces for expected failures.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as AWSError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    } catch let error as CredentialError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    } catch let error as SnapshotFile.LoadError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    } catch let error as AttestationsFile.LoadError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}
