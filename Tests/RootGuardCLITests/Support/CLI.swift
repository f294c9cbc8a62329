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
