import Foundation
import RootGuardModel

/// A kind of root activity, with an id that never changes between releases.
public struct DetectionKind: Sendable, Hashable {
    public let id: String
    public let severity: Severity
    public let title: String
}

/// Every detection `rootguard trail` can report.
public enum DetectionCatalog {
    public static let consoleLoginNoMFA = kind("root-console-login-no-mfa", .high, "Root console sign-in without MFA")
    public static let consoleLoginMFA = kind("root-console-login-mfa", .medium, "Root console sign-in with MFA")
    public static let consoleLoginFailure = kind("root-console-login-failure", .medium, "Failed root console sign-in")
    public static let consoleLoginFailureBurst = kind(
        "root-console-login-failure-burst", .high, "Burst of failed root console sign-ins")
    public static let signInOther = kind("root-sign-in-other", .medium, "Other root sign-in event")
    public static let apiCallAccessKey = kind(
        "root-api-call-access-key", .critical, "Root API call with a long-term access key")
    public static let apiCallConsoleSession = kind(
        "root-api-call-console-session", .high, "Root API call from a console session")
    public static let apiCallSession = kind(
        "root-api-call-session", .high, "Root API call with temporary credentials (no AssumeRoot call seen)")
    public static let consoleAction = kind("root-console-action", .high, "Root console action")
    public static let passwordChanged = kind("root-password-changed", .high, "Root password changed")
    public static let passwordRecoveryRequested = kind(
        "root-password-recovery-requested", .high, "Root password recovery requested")
    public static let passwordRecoveryCompleted = kind(
        "root-password-recovery-completed", .critical, "Root password recovery completed")
    public static let emailChanged = kind("root-email-changed", .critical, "Root e-mail address changed")
    public static let mfaCreated = kind("root-mfa-created", .medium, "Root MFA device created")
    public static let mfaEnabled = kind("root-mfa-enabled", .medium, "Root MFA device enabled")
    public static let mfaDeactivated = kind("root-mfa-deactivated", .critical, "Root MFA device deactivated")
    public static let mfaDeleted = kind("root-mfa-deleted", .high, "Root MFA device deleted")
    public static let accessKeyCreated = kind("root-access-key-created", .critical, "Root access key created")
    public static let accessKeyUpdated = kind("root-access-key-updated", .high, "Root access key updated")
    public static let accessKeyDeleted = kind("root-access-key-deleted", .medium, "Root access key deleted")
    public static let signingCertificateUploaded = kind(
        "root-signing-certificate-uploaded", .critical, "Root signing certificate uploaded")
    public static let loginProfileCreated = kind(
        "root-login-profile-created", .critical, "Root password (login profile) created")
    public static let loginProfileDeleted = kind(
        "root-login-profile-deleted", .medium, "Root password (login profile) deleted")
    public static let assumeRootRequested = kind(
        "assume-root-requested", .medium, "sts:AssumeRoot privileged root session requested")
    public static let assumeRootSessionAction = kind(
        "assume-root-session-action", .low, "Action inside an AssumeRoot privileged root session")
    public static let unneededTask = kind(
        "root-unneeded-task", .low, "Root performed a task that does not require root")
    public static let persistence = kind(
        "root-persistence", .critical, "Root created persistence (identities, keys, trust or permissions)")
    public static let serviceEvent = kind(
        "root-service-event", .info, "AWS service event or call made by a service on root's behalf")

    public static let all: [DetectionKind] = [
        consoleLoginNoMFA, consoleLoginMFA, consoleLoginFailure, consoleLoginFailureBurst, signInOther,
        apiCallAccessKey, apiCallConsoleSession, apiCallSession, consoleAction, passwordChanged,
        passwordRecoveryRequested, passwordRecoveryCompleted, emailChanged, mfaCreated, mfaEnabled, mfaDeactivated,
        mfaDeleted, accessKeyCreated, accessKeyUpdated, accessKeyDeleted, signingCertificateUploaded,
        loginProfileCreated, loginProfileDeleted, assumeRootRequested, assumeRootSessionAction, unneededTask,
        persistence, serviceEvent,
    ]

    private static func kind(_ id: String, _ severity: Severity, _ title: String) -> DetectionKind {
        DetectionKind(id: id, severity: severity, title: title)
    }
}

/// The credential behind a detection's event.
public enum CredentialKind: String, Codable, Sendable, Hashable, CaseIterable {
    case signIn = "sign-in"
    case accessKey = "access-key"
    case consoleSession = "console-session"
    case session
    case assumeRootSession = "assume-root-session"
    case service
    case other
}

/// Whether the event's call or sign-in succeeded.
public enum Outcome: String, Codable, Sendable, Hashable, CaseIterable {
    case success, failure
}

/// One detection: a kind of root activity seen in one CloudTrail record (or, for bursts, several).
public struct Detection: Sendable, Codable, Equatable {
    public var eventID: String
    /// When the event happened (encoded as `2026-11-01T10:00:00Z`).
    public var eventTime: Date
    /// The account as the record names it (`recipientAccountId`); logs are untrusted, so this is kept as read.
    public var accountId: String
    /// Not covered by an approval and above informational: what `trail` exits 3 for.
    public var isUnexpected: Bool { !expected && severity > .info }
    public var region: String
    public var eventName: String
    public var eventSource: String
    public var detection: String
    public var severity: Severity
    public var title: String
    /// Covered by an approval (`--approvals`); false when none matched.
    public var expected: Bool
    /// The approval that covered it: its ticket, else who approved it.
    public var approval: String?
    public var source: String
    public var sourceIPAddress: String?
    public var userAgent: String?
    /// MFA on the sign-in or the session; nil when the record does not say.
    public var mfaUsed: Bool?
    public var credential: CredentialKind
    public var accessKeyId: String?
    public var outcome: Outcome
    public var errorCode: String?
    /// Facts specific to the detection (target account, task policy, user created, burst size…).
    public var details: [String: String]

    enum CodingKeys: String, CodingKey {
        case eventID, eventTime, accountId, region, eventName, eventSource, detection, severity, title, expected
        case approval, source, sourceIPAddress, userAgent, mfaUsed, credential, accessKeyId, outcome, errorCode
        case details
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        eventID = try c.decode(String.self, forKey: .eventID)
        let time = try c.decode(String.self, forKey: .eventTime)
        guard let date = TimeArgument.parseTimestamp(time) else {
            throw DecodingError.dataCorruptedError(forKey: .eventTime, in: c, debugDescription: "not an ISO 8601 time")
        }
        eventTime = date
        accountId = try c.decode(String.self, forKey: .accountId)
        region = try c.decode(String.self, forKey: .region)
        eventName = try c.decode(String.self, forKey: .eventName)
        eventSource = try c.decode(String.self, forKey: .eventSource)
        detection = try c.decode(String.self, forKey: .detection)
        severity = try c.decode(Severity.self, forKey: .severity)
        title = try c.decode(String.self, forKey: .title)
        expected = try c.decode(Bool.self, forKey: .expected)
        approval = try c.decodeIfPresent(String.self, forKey: .approval)
        source = try c.decode(String.self, forKey: .source)
        sourceIPAddress = try c.decodeIfPresent(String.self, forKey: .sourceIPAddress)
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent)
        mfaUsed = try c.decodeIfPresent(Bool.self, forKey: .mfaUsed)
        credential = try c.decode(CredentialKind.self, forKey: .credential)
        accessKeyId = try c.decodeIfPresent(String.self, forKey: .accessKeyId)
        outcome = try c.decode(Outcome.self, forKey: .outcome)
        errorCode = try c.decodeIfPresent(String.self, forKey: .errorCode)
        details = try c.decode([String: String].self, forKey: .details)
    }

    public init(
        eventID: String, eventTime: Date, accountId: String, region: String, eventName: String, eventSource: String,
        detection: String, severity: Severity, title: String, expected: Bool, approval: String?, source: String,
        sourceIPAddress: String?, userAgent: String?, mfaUsed: Bool?, credential: CredentialKind,
        accessKeyId: String?, outcome: Outcome, errorCode: String?, details: [String: String]
    ) {
        self.eventID = eventID
        self.eventTime = eventTime
        self.accountId = accountId
        self.region = region
        self.eventName = eventName
        self.eventSource = eventSource
        self.detection = detection
        self.severity = severity
        self.title = title
        self.expected = expected
        self.approval = approval
        self.source = source
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.mfaUsed = mfaUsed
        self.credential = credential
        self.accessKeyId = accessKeyId
        self.outcome = outcome
        self.errorCode = errorCode
        self.details = details
    }

    /// Every key is written, `null` where there is no value (the jsonl contract in the README).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventID, forKey: .eventID)
        try c.encode(TimeArgument.format(eventTime), forKey: .eventTime)
        try c.encode(accountId, forKey: .accountId)
        try c.encode(region, forKey: .region)
        try c.encode(eventName, forKey: .eventName)
        try c.encode(eventSource, forKey: .eventSource)
        try c.encode(detection, forKey: .detection)
        try c.encode(severity, forKey: .severity)
        try c.encode(title, forKey: .title)
        try c.encode(expected, forKey: .expected)
        try c.encode(approval, forKey: .approval)
        try c.encode(source, forKey: .source)
        try c.encode(sourceIPAddress, forKey: .sourceIPAddress)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(mfaUsed, forKey: .mfaUsed)
        try c.encode(credential, forKey: .credential)
        try c.encode(accessKeyId, forKey: .accessKeyId)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(details, forKey: .details)
    }
}
