/// A fact about the root user and where it came from.
public struct RootFact<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    /// `GetAccountSummary`, `credential report`, …
    public var source: String
}

/// Root-user facts derived once from the snapshot, so checks do not each re-decide which source to trust.
///
/// `GetAccountSummary` is preferred (it sees inactive keys and is current); the credential report is the
/// fallback (its root `password_enabled` is documented as `not_supported`, so it is used only when it says
/// `true`/`false`).
extension Snapshot {
    func summaryFlag(_ key: String) -> Bool? {
        accountSummary.value?[key].map { $0 > 0 }
    }

    /// Why neither source is available.
    public var rootSourcesUnavailable: Unavailable {
        accountSummary.unavailable ?? credentialReport.unavailable
            ?? Unavailable(kind: .missing, reason: "the credential report has no <root_account> row")
    }

    public var rootPasswordPresent: RootFact<Bool>? {
        if let flag = summaryFlag("AccountPasswordPresent") {
            return RootFact(value: flag, source: "GetAccountSummary")
        }
        if let enabled = credentialReport.value?.root?.passwordEnabled {
            return RootFact(value: enabled, source: "credential report")
        }
        return nil
    }

    public var rootMFAEnabled: RootFact<Bool>? {
        if let flag = summaryFlag("AccountMFAEnabled") { return RootFact(value: flag, source: "GetAccountSummary") }
        if let active = credentialReport.value?.root?.mfaActive {
            return RootFact(value: active, source: "credential report")
        }
        return nil
    }

    public var rootAccessKeysPresent: RootFact<Bool>? {
        if let flag = summaryFlag("AccountAccessKeysPresent") {
            return RootFact(value: flag, source: "GetAccountSummary")
        }
        if let keys = credentialReport.value?.root?.accessKeys {
            return RootFact(value: keys.contains { $0.exists }, source: "credential report")
        }
        return nil
    }

    public var rootSigningCertificatesPresent: RootFact<Bool>? {
        if let flag = summaryFlag("AccountSigningCertificatesPresent") {
            return RootFact(value: flag, source: "GetAccountSummary")
        }
        if let certificates = credentialReport.value?.root?.certificates {
            return RootFact(value: certificates.contains { $0.exists }, source: "credential report")
        }
        return nil
    }

    /// Root has no password, no access key and no signing certificate (e.g. removed centrally). nil if unknown.
    public var rootHasNoCredentials: Bool? {
        guard let password = rootPasswordPresent, let keys = rootAccessKeysPresent,
            let certificates = rootSigningCertificatesPresent
        else { return nil }
        return !password.value && !keys.value && !certificates.value
    }

    /// Virtual MFA devices assigned to this account's root, matched by the exact root ARN.
    public var rootVirtualMFADevices: Collected<[VirtualMFADevice]> {
        let rootARN = account.rootARN
        return virtualMFADevices.map { devices in devices.filter { $0.userARN == rootARN } }
    }
}

extension RootCredentialRow.AccessKey {
    /// A key exists if it is active, or inactive but has a rotation date (an `N/A` slot is empty).
    public var exists: Bool { active == true || lastRotated.date != nil }
}

extension RootCredentialRow.Certificate {
    public var exists: Bool { active == true || lastRotated.date != nil }
}
