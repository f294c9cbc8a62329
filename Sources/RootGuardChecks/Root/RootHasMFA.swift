import RootGuardModel

/// ROOT-BP 01: MFA judged on `AccountMFAEnabled` gated on `AccountPasswordPresent`, not on the credential
/// report's `password_enabled` (documented `not_supported` for root: Prowler's gate misses the common case).
public struct RootHasMFA: Check {
    public static let metadata = CheckMetadata(
        id: "root-mfa-enabled", title: "Root user has MFA", practices: ["01"], severity: .critical,
        risk: "Anyone with the root password (or control of the root e-mail inbox) can take over the account.",
        remediation:
            "Sign in as root, open Security credentials and assign at least two MFA devices (hardware keys or passkeys preferred)."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        if let notApplicable = m.notApplicableInGovCloud(
            snapshot, note: "; the MFA of the associated standard account's root applies")
        {
            return [notApplicable]
        }
        guard let mfa = snapshot.rootMFAEnabled, let password = snapshot.rootPasswordPresent else {
            return [m.notEvaluated(snapshot, snapshot.rootSourcesUnavailable)]
        }
        var evidence: [String: JSONValue] = [
            "mfaEnabled": .bool(mfa.value), "mfaSource": .string(mfa.source), "passwordPresent": .bool(password.value),
            "passwordSource": .string(password.source),
        ]
        if let devices = snapshot.rootVirtualMFADevices.value {
            evidence["rootVirtualMFADevices"] = JSONValue(devices.map(\.serialNumber))
        }
        // Trusted Advisor's opinion, as evidence only: nothing passes or fails because of it.
        switch snapshot.trustedAdvisor {
        case .value(let advisor)?:
            evidence["trustedAdvisor"] = .string(
                advisor.status ?? "not available (the support plan has no Trusted Advisor API)")
        case .unavailable(let reason)?:
            evidence["trustedAdvisor"] = .string("not read: \(reason.reason)")
        case nil:
            break
        }
        if mfa.value {
            return [m.finding(snapshot, .pass, "Root has MFA enabled.", evidence: evidence)]
        }
        if snapshot.rootHasNoCredentials == true {
            return [
                m.finding(
                    snapshot, .notApplicable,
                    "Root has no password, access key or signing certificate (removed, e.g. by centralised root access); MFA does not apply.",
                    evidence: evidence)
            ]
        }
        if password.value {
            return [m.finding(snapshot, .fail, "Root has a console password and no MFA device.", evidence: evidence)]
        }
        return [
            m.finding(
                snapshot, .fail,
                "Root has no MFA device. It has no password now, but it still holds other credentials and a password can be set through the root e-mail's recovery flow.",
                severity: .high, evidence: evidence)
        ]
    }
}
