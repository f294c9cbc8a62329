import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

/// Runs the built `rootguard` binary as a user would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL {
        // The test bundle sits in the same build folder as the executable.
        var folder = Bundle.main.bundleURL
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("rootguard")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                return candidate
            }
            folder.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/rootguard")
    }

    /// Runs rootguard with a pseudo-terminal as its standard streams (it sees a TTY); everything it wrote to the
    /// terminal comes back as stdout. With `answer`, the line is typed once `prompt` has appeared.
    static func runOnTerminal(
        _ arguments: [String], environment: [String: String], prompt: String? = nil, answer: String = ""
    ) throws -> Result {
        let driver = """
            import os, pty, sys, time
            prompt = os.environ.get("RG_PROMPT", "").encode()
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out = b""
            deadline = time.time() + 30
            while prompt and prompt not in out and time.time() < deadline:
                out += os.read(fd, 1024)
            if prompt:
                os.write(fd, os.environ["RG_ANSWER"].encode() + b"\\n")
            while True:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            _, status = os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-tty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent("drive_tty.py")
        try Data(driver.utf8).write(to: script)
        let quoted = ([script.path, binary.path] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        var variables = environment
        variables["RG_PROMPT"] = prompt ?? ""
        variables["RG_ANSWER"] = answer
        return try run(["-c", "python3 " + quoted.joined(separator: " ")], environment: variables, shell: true)
    }

    static func run(
        _ arguments: [String], environment: [String: String], input: Data? = nil, shell: Bool = false
    ) throws -> Result {
        let process = Process()
        process.executableURL = shell ? URL(fileURLWithPath: "/bin/sh") : binary
        process.arguments = arguments
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("rg-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "AWS_EC2_METADATA_DISABLED": "true"]
            .merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            // Write from another thread: a large input must not block reading the output. The program may stop
            // reading early (that is what some tests prove): a closed pipe is an error here, not a signal.
            signal(SIGPIPE, SIG_IGN)
            let handle = stdin.fileHandleForWriting
            Thread.detachNewThread {
                try? handle.write(contentsOf: input)
                try? handle.close()
            }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("rootguard whoami", .motoServer, .serialized)
struct WhoamiCLITests {
    /// An IAM user's real key pair, with moto's signature checking on.
    func motoKeys(_ moto: MotoServer) async throws -> (String, String) {
        let client = try moto.client()
        _ = try await client.iam().createUser(.init(userName: "auditor"))
        let key = try await client.iam().createAccessKey(.init(userName: "auditor")).accessKey
        try await client.shutdown()
        try await moto.setAuthentication(true)
        return (key!.accessKeyId!, key!.secretAccessKey!)
    }

    @Test func printsTheAccountAsJSONWithRealSignatures() async throws {
        let moto = try await MotoServer.fresh()
        let (id, secret) = try await motoKeys(moto)
        let result = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint, "--output", "json"],
            environment: ["AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String]
        #expect(object?["Account"] == MotoServer.defaultAccount)
        #expect(object?["Arn"] == "arn:aws:iam::\(MotoServer.defaultAccount):user/auditor")
        #expect(object?.keys.sorted() == ["Account", "Arn", "UserId"])
        #expect(result.stderr.isEmpty)
        let text = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint],
            environment: ["AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret])
        #expect(text.stdout.contains("Account      \(MotoServer.defaultAccount)"))
        #expect(text.stdout.contains("Credentials  environment"))
        try await moto.setAuthentication(false)
    }

    @Test func aWrongSecretFailsWithOneLineAndExitOne() async throws {
        let moto = try await MotoServer.fresh()
        let (id, _) = try await motoKeys(moto)
        let result = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint, "--max-attempts", "1"],
            environment: ["AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": "wrong-secret"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("error: sts GetCallerIdentity: SignatureDoesNotMatch: ") == true)
        let unknown = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAUNKNOWN000000000", "AWS_SECRET_ACCESS_KEY": "x"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "error: sts GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.\n"
        )
        try await moto.setAuthentication(false)
    }

    @Test func debugOutputNeverContainsASecret() async throws {
        let moto = try await MotoServer.fresh()
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
        let token = "IQoJb3JpZ2luX2VjSESSIONTOKENMUSTNOTLEAK"
        let result = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint, "--debug", "--output", "json"],
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_SESSION_TOKEN": token,
            ])
        #expect(result.status == 0)
        #expect(result.stderr.contains("→ POST"))
        #expect(result.stderr.contains("Authorization: <redacted>"))
        #expect(result.stderr.contains("X-Amz-Security-Token: <redacted>"))
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains(secret))
            #expect(!output.contains(token))
            #expect(!output.contains("Signature="))
        }
    }

    @Test func badOptionsAndConfigurationAreClearErrors() async throws {
        let badFlag = try CLI.run(["whoami", "--max-attempts", "0"], environment: [:])
        #expect(badFlag.status != 0)
        #expect(badFlag.stderr.contains("--max-attempts must be at least 1"))
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("rg-config-\(UUID().uuidString)")
        try "[profile broken\n".write(to: config, atomically: true, encoding: .utf8)
        let malformed = try CLI.run(["whoami"], environment: ["AWS_CONFIG_FILE": config.path])
        #expect(malformed.status == 1)
        #expect(
            malformed.stderr
                == "error: config load: MalformedConfig: \(config.path):1: Profile definition must end with ']'\n")
        let missing = try CLI.run(["whoami", "--profile", "nope"], environment: [:])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: config load: ProfileNotFound: profile 'nope' is not in "))
        let none = try CLI.run(["whoami"], environment: [:])
        #expect(none.status == 1)
        #expect(none.stderr.hasPrefix("error: credentials resolve: NoCredentials: no AWS credentials found"))
    }
}

extension CLI {
    static func runWithInput(_ arguments: [String], input: String) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
