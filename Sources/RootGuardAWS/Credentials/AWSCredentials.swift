import Foundation
import RootGuardSigV4

/// Credentials with their expiry and where they came from. The secret and token are never printed.
public struct AWSCredentials: Sendable, Hashable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?
    public let expiration: Date?
    /// The account, when the source says (credential_process `AccountId`, `aws_account_id`).
    public let accountID: String?
    /// Which provider produced them (`environment`, `profile audit (assume role …)`, `imds`).
    public let source: String

    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil,
        accountID: String? = nil, source: String
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = (sessionToken?.isEmpty ?? true) ? nil : sessionToken
        self.expiration = expiration
        self.accountID = accountID
        self.source = source
    }

    public var sigV4: SigV4Credentials {
        SigV4Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var text = "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(ISO8601.format(expiration))" }
        return text + ", source: \(source))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["accessKeyID": accessKeyID, "secretAccessKey": "<redacted>", "source": source],
            displayStyle: .struct)
    }
}

/// Produces credentials. Implementations are cheap to call repeatedly (wrap expiring ones in
/// ``CachingCredentialProvider``).
public protocol CredentialProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials.
public struct StaticCredentialProvider: CredentialProvider {
    let value: AWSCredentials
    public init(_ credentials: AWSCredentials) { value = credentials }
    public func credentials() async throws -> AWSCredentials { value }
}

/// Caches expiring credentials and refreshes them before they expire, with one refresh in flight at a time.
///
/// Inside the advisory window (15 min) a failed refresh keeps the still-valid credentials; inside the
/// mandatory window (5 min) callers wait for the refresh.
public actor CachingCredentialProvider: CredentialProvider {
    let base: any CredentialProvider
    let advisory: TimeInterval
    let mandatory: TimeInterval
    let now: @Sendable () -> Date
    var cached: AWSCredentials?
    /// When `cached` was fetched: a session shorter than the advisory window (an assumed role's 15 minutes) is
    /// refreshed after two thirds of its life, not on every call.
    var fetched: Date?
    var inFlight: Task<AWSCredentials, any Error>?
    /// How many times the base provider was asked (for tests and `--debug`).
    public private(set) var refreshCount = 0

    public init(
        _ base: any CredentialProvider, advisory: TimeInterval = 15 * 60, mandatory: TimeInterval = 5 * 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.base = base
        self.advisory = advisory
        self.mandatory = mandatory
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached {
            guard let expiration = cached.expiration else { return cached }
            let remaining = expiration.timeIntervalSince(now())
            let lifetime = fetched.map { expiration.timeIntervalSince($0) } ?? .infinity
            if remaining > min(advisory, lifetime / 3) { return cached }
            if remaining > min(mandatory, lifetime / 6) {
                // Advisory: try to refresh, keep the old ones if that fails.
                return (try? await refresh()) ?? cached
            }
        }
        return try await refresh()
    }

    func refresh() async throws -> AWSCredentials {
        if let inFlight { return try await inFlight.value }
        let base = self.base
        let task = Task { try await base.credentials() }
        inFlight = task
        defer { inFlight = nil }
        refreshCount += 1
        let asked = now()
        let fresh = try await task.value
        cached = fresh
        fetched = asked
        return fresh
    }
}

/// A provider that failed to produce credentials, with the reason in one line.
extension AWSCredentials {
    /// AWS credentials are printable ASCII without spaces (key ids and secrets are base62/base64, tokens base64):
    /// anything else (a control character, a line break pasted in) would end up in request headers. The error
    /// names the credential and where it came from, never its value.
    public func validate() throws {
        func clean(_ text: String) -> Bool { !text.isEmpty && text.utf8.allSatisfy { (0x21...0x7E).contains($0) } }
        let bad =
            !clean(accessKeyID)
            ? "access key id"
            : !clean(secretAccessKey) ? "secret access key" : sessionToken.map(clean) == false ? "session token" : nil
        if let bad {
            throw CredentialError(
                "the \(bad) from \(source) holds a character AWS credentials never contain (a space, line break or control character); fix the credentials"
            )
        }
    }
}

public struct CredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
