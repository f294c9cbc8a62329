import Crypto
import Foundation

/// Where the MFA code of a profile with `mfa_serial` comes from: `--mfa-code` or `AWS_MFA_CODE`, else a prompt on
/// the terminal (the command line supplies it), else a clear error. Never logged.
public struct MFATokenSource: Sendable {
    /// The code given up front.
    public var code: String?
    /// Asks a person (serial, profile) → code; nil when there is no terminal.
    public var prompt: (@Sendable (_ serial: String, _ profile: String) throws -> String)?

    public init(
        code: String? = nil, prompt: (@Sendable (_ serial: String, _ profile: String) throws -> String)? = nil
    ) {
        self.code = code
        self.prompt = prompt
    }

    func token(serial: String, profile: String) throws -> String {
        let raw: String
        if let code {
            raw = code
        } else if let prompt {
            raw = try prompt(serial, profile)
        } else {
            throw CredentialError(
                "profile `\(profile)` needs an MFA code for \(serial) (mfa_serial) and there is no terminal to ask: "
                    + "pass --mfa-code or set AWS_MFA_CODE")
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count == 6, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw CredentialError("profile `\(profile)`: the MFA code must be 6 digits")
        }
        return trimmed
    }
}

/// The AWS CLI's cache of assumed-role sessions (`~/.aws/cli/cache/<sha1>.json`): a role assumed with MFA by either
/// tool is reused by both until it expires, so the code is asked once per session, as the AWS CLI does.
struct AssumeRoleCache {
    let directory: String

    /// botocore's key: the SHA-1 of the AssumeRole arguments as sorted, compact JSON.
    static func key(
        roleARN: String, sessionName: String?, externalID: String?, serial: String?, duration: Int?
    )
        -> String
    {
        var arguments: [String: Any] = ["RoleArn": roleARN]
        if let sessionName { arguments["RoleSessionName"] = sessionName }
        if let externalID { arguments["ExternalId"] = externalID }
        if let serial { arguments["SerialNumber"] = serial }
        if let duration { arguments["DurationSeconds"] = duration }
        let data = (try? JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys])) ?? Data()
        // JSONSerialization writes "a":"b" without spaces, as json.dumps(separators=(',', ':')) does.
        let digest = Insecure.SHA1.hash(data: data)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    func path(_ key: String) -> String { directory + "/" + key + ".json" }

    /// Cached credentials that stay valid for at least `margin` more.
    func read(_ key: String, now: Date, margin: TimeInterval = 300) -> AWSCredentials? {
        guard let data = FileManager.default.contents(atPath: path(key)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let credentials = object["Credentials"] as? [String: Any],
            let id = credentials["AccessKeyId"] as? String, let secret = credentials["SecretAccessKey"] as? String,
            let expirationText = credentials["Expiration"] as? String,
            let expiration = Self.parse(expirationText), expiration.timeIntervalSince(now) > margin
        else { return nil }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: credentials["SessionToken"] as? String,
            expiration: expiration, source: "AWS CLI cache (\(path(key)))")
    }

    /// Written owner-only, atomically; a failure to cache is not an error.
    func write(_ key: String, _ credentials: AWSCredentials) {
        guard let expiration = credentials.expiration else { return }
        let formatter = ISO8601DateFormatter()
        let object: [String: Any] = [
            "Credentials": [
                "AccessKeyId": credentials.accessKeyID, "SecretAccessKey": credentials.secretAccessKey,
                "SessionToken": credentials.sessionToken ?? "", "Expiration": formatter.string(from: expiration),
            ]
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path(key) + ".\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, path(key)) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return date }
        // botocore writes "2026-12-04T10:00:00+00:00" or "…Z"; also accept a space for the T.
        return plain.date(from: text.replacingOccurrences(of: " ", with: "T"))
    }
}
