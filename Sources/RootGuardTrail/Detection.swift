/// How urgent a detection is.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

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

/// One detection: a kind of root activity seen in one CloudTrail record (or, for bursts, several).
public struct Detection: Sendable, Codable, Equatable {
    public var eventID: String
    public var eventTime: String
    public var accountId: String
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
    /// sign-in, access-key, console-session, session, assume-root-session, service, or other.
    public var credential: String
    public var accessKeyId: String?
    public var outcome: String
    public var errorCode: String?
    /// Facts specific to the detection (target account, task policy, user created, burst size…).
    public var details: [String: String]
}
