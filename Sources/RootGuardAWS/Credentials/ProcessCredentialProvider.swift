import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `credential_process`: runs the command (split shell-style, no shell) in a process group of its own and reads
/// its JSON from stdout. Bounded: at most `maxOutput` bytes are read (64 KiB; a credential document is a few
/// hundred bytes), and a command still running after `timeout` is killed with its whole process group.
public struct ProcessCredentialProvider: CredentialProvider {
    public let command: String
    let profile: String
    let timeout: Duration
    static let maxOutput = 64 << 10

    public init(command: String, profile: String, timeout: Duration = .seconds(30)) {
        self.command = command
        self.profile = profile
        self.timeout = timeout
    }

    public func credentials() async throws -> AWSCredentials {
        let arguments = try Self.split(command)
        guard !arguments.isEmpty else {
            throw CredentialError("profile `\(profile)`: credential_process is empty")
        }
        let profile = self.profile
        let timeout = self.timeout
        // Blocking waits belong on a thread of their own, not on the cooperative pool.
        let outcome = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.run(arguments, timeout: timeout, profile: profile) })
            }
        }
        guard outcome.status == 0 else {
            let detail = String(decoding: outcome.errors.prefix(400), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            throw CredentialError(
                "profile `\(profile)`: credential_process exited with status \(outcome.status)"
                    + (detail.isEmpty ? "" : ": \(AWSError.oneLine(detail))"))
        }
        return try Self.parse(outcome.output, profile: profile)
    }

    struct Outcome {
        var status: Int32
        var output: Data
        var errors: Data
    }

    /// Spawns `arguments` (PATH lookup for a bare name) as the leader of a new process group, reads both pipes
    /// with a deadline and a size cap, and kills the group when either is exceeded.
    static func run(_ arguments: [String], timeout: Duration, profile: String) throws -> Outcome {
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else {
            throw CredentialError("profile `\(profile)`: credential_process: cannot create a pipe")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addclose(&actions, out[0])
        posix_spawn_file_actions_addclose(&actions, err[0])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        close(out[1])
        close(err[1])
        defer {
            close(out[0])
            close(err[0])
        }
        guard spawned == 0 else {
            throw CredentialError(
                "profile `\(profile)`: credential_process could not start \(arguments[0]): \(String(cString: strerror(spawned)))"
            )
        }
        let deadline = ContinuousClock.now + timeout
        var output = Data()
        var errors = Data()
        var open = [out[0], err[0]]
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var problem: String?
        while !open.isEmpty {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                problem = "did not finish within \(Int(timeout.components.seconds)) s (--timeout); stopped"
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let millis = Int32(
                min(
                    remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000, 1000
                ))
            let ready = poll(&fds, nfds_t(fds.count), max(millis, 1))
            if ready < 0 && errno != EINTR { break }
            for fd in fds where fd.revents != 0 {
                let n = read(fd.fd, &buffer, buffer.count)
                if n <= 0 {
                    open.removeAll { $0 == fd.fd }
                } else if fd.fd == out[0] {
                    output.append(contentsOf: buffer[0..<n])
                } else if errors.count < maxOutput {
                    errors.append(contentsOf: buffer[0..<n])
                }
            }
            if output.count > maxOutput {
                problem = "printed more than \(maxOutput / 1024) KiB; stopped"
                break
            }
        }
        if let problem {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            throw CredentialError("profile `\(profile)`: credential_process \(problem)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited normally: the exit code; killed by a signal: 128 + the signal, as shells report it.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: code, output: output, errors: errors)
    }

    static func parse(_ output: Data, profile: String) throws -> AWSCredentials {
        guard let object = (try? JSONSerialization.jsonObject(with: output)) as? [String: Any] else {
            throw CredentialError("profile `\(profile)`: credential_process did not print a JSON object")
        }
        guard (object["Version"] as? NSNumber)?.intValue == 1 else {
            throw CredentialError("profile `\(profile)`: credential_process JSON must have \"Version\": 1")
        }
        guard let id = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String else {
            throw CredentialError("profile `\(profile)`: credential_process JSON lacks AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = ISO8601.parse(text) else {
                throw CredentialError("profile `\(profile)`: credential_process Expiration '\(text)' is not ISO 8601")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: object["SessionToken"] as? String,
            expiration: expiration, accountID: object["AccountId"] as? String, source: "credential_process (\(profile))"
        )
    }

    /// POSIX-shell-like splitting: whitespace separates, single quotes are literal, double quotes allow `\"`.
    static func split(_ command: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in command {
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            switch (quote, c) {
            case ("'", "'"), ("\"", "\""): quote = nil
            case ("'", _): current.append(c)
            case ("\"", "\\"): escaped = true
            case ("\"", _): current.append(c)
            case (nil, "'"), (nil, "\""): quote = c; inWord = true
            case (nil, "\\"): escaped = true; inWord = true
            case (nil, " "), (nil, "\t"), (nil, "\n"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(c)
                inWord = true
            }
        }
        if quote != nil { throw CredentialError("credential_process has an unterminated quote") }
        if inWord { words.append(current) }
        return words
    }
}
