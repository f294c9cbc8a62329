import Foundation

/// `credential_process`: runs the command (split shell-style, no shell) and reads its JSON from stdout.
public struct ProcessCredentialProvider: CredentialProvider {
    public let command: String
    let profile: String

    public init(command: String, profile: String) {
        self.command = command
        self.profile = profile
    }

    public func credentials() async throws -> AWSCredentials {
        let arguments = try Self.split(command)
        guard let executable = arguments.first else {
            throw CredentialError("profile `\(profile)`: credential_process is empty")
        }
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CredentialError(
                "profile `\(profile)`: credential_process could not start \(executable): \(error.localizedDescription)")
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = String(decoding: errors.prefix(400), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            throw CredentialError(
                "profile `\(profile)`: credential_process exited with status \(process.terminationStatus)"
                    + (detail.isEmpty ? "" : ": \(AWSError.oneLine(detail))"))
        }
        return try Self.parse(output, profile: profile)
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
