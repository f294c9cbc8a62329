import Foundation

/// A member account's root credentials, read inside an `sts:AssumeRoot` session (ROOT-BP 14).
public struct RootCredentialInventory: Codable, Sendable, Hashable {
    public struct AccessKey: Codable, Sendable, Hashable {
        public var id: String
        public var status: String
        public var created: Date?
        public init(id: String, status: String, created: Date?) {
            self.id = id
            self.status = status
            self.created = created
        }
    }

    public struct Certificate: Codable, Sendable, Hashable {
        public var id: String
        public var status: String
        public init(id: String, status: String) {
            self.id = id
            self.status = status
        }
    }

    public struct MFADevice: Codable, Sendable, Hashable {
        public var serialNumber: String
        public var enabled: Date?
        /// `virtual` (`…:mfa/…`), `passkey or security key` (`…:u2f/…`), `hardware TOTP` (a vendor serial).
        public var kind: String {
            if serialNumber.contains(":u2f/") { return "passkey or security key" }
            if serialNumber.contains(":mfa/") { return "virtual" }
            return "hardware TOTP"
        }
        public init(serialNumber: String, enabled: Date?) {
            self.serialNumber = serialNumber
            self.enabled = enabled
        }
    }

    public var account: AccountID
    public var loginProfile: Bool
    public var accessKeys: [AccessKey]
    public var signingCertificates: [Certificate]
    public var mfaDevices: [MFADevice]

    public init(
        account: AccountID, loginProfile: Bool, accessKeys: [AccessKey], signingCertificates: [Certificate],
        mfaDevices: [MFADevice]
    ) {
        self.account = account
        self.loginProfile = loginProfile
        self.accessKeys = accessKeys
        self.signingCertificates = signingCertificates
        self.mfaDevices = mfaDevices
    }

    /// No password, key, certificate or MFA device: the root credentials are removed.
    public var isEmpty: Bool {
        !loginProfile && accessKeys.isEmpty && signingCertificates.isEmpty && mfaDevices.isEmpty
    }

    /// One line per credential, for reports and dry runs.
    public var lines: [String] {
        var lines: [String] = []
        if loginProfile { lines.append("console password (login profile)") }
        lines += accessKeys.map { "access key \($0.id) (\($0.status))" }
        lines += signingCertificates.map { "signing certificate \($0.id) (\($0.status))" }
        lines += mfaDevices.map { "MFA device \($0.serialNumber) (\($0.kind))" }
        return lines
    }
}

/// What one removal of a root credential did.
public struct CredentialRemoval: Sendable, Hashable {
    public var credential: String
    /// nil when it worked; otherwise the one-line error.
    public var error: String?

    public init(credential: String, error: String?) {
        self.credential = credential
        self.error = error
    }
}

/// What `harden remove-root-credentials` did in one account.
public enum RootCredentialRemovalOutcome: Sendable, Hashable {
    /// The credentials could not be read; nothing was changed.
    case unreadable(AccountID, error: String)
    /// Root has no credentials.
    case nothingToRemove(AccountID)
    /// Dry run: what `--apply` would remove.
    case wouldRemove(AccountID, [String])
    /// Applied: each removal, then what the re-audit still found (nil when it could not read).
    case applied(AccountID, removals: [CredentialRemoval], remaining: [String]?, reauditError: String?)
}
