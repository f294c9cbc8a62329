import RootGuardModel

/// ROOT-BP 13: Organizations' centralised root access is on (`RootCredentialsManagement` and `RootSessions`),
/// with IAM trusted access. Judged from the management account (or IAM's delegated administrator).
public struct CentralizedRootAccessEnabled: Check {
    public static let metadata = CheckMetadata(
        id: "centralized-root-access", title: "Centralised root access is enabled for the organization",
        practices: ["13"],
        severity: .high,
        risk: "Without it every member account keeps a full root user (password, keys, MFA) that someone must guard.",
        remediation:
            "From the management account: enable IAM trusted access, then `aws iam enable-organizations-root-credentials-management` and `aws iam enable-organizations-root-sessions`; optionally delegate IAM administration to a security account."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let membership = try need(snapshot.organization)
            switch membership.role {
            case .standalone:
                return [
                    m.finding(
                        snapshot, .notApplicable, "The account is not in an organization (see account-in-organization)."
                    )
                ]
            case .member:
                if case .value(let features) = snapshot.organizationFeatures {
                    // A delegated administrator for IAM can read the features.
                    return [verdict(snapshot, features: features, membership: membership)]
                }
                return [
                    m.finding(
                        snapshot, .notApplicable,
                        "Judged from the management account or IAM's delegated administrator; run the audit there.")
                ]
            case .management:
                let features = try need(snapshot.organizationFeatures)
                return [verdict(snapshot, features: features, membership: membership)]
            }
        }
    }

    func verdict(_ snapshot: Snapshot, features: [String], membership: OrganizationMembership) -> Finding {
        let m = metadata
        var evidence: [String: JSONValue] = [
            "enabledFeatures": JSONValue(features),
            "trustedServices": membership.trustedServices.map { JSONValue($0) } ?? .null,
            "iamDelegatedAdministrators": membership.iamDelegatedAdministrators.map { JSONValue($0) } ?? .null,
        ]
        var missing = ["RootCredentialsManagement", "RootSessions"].filter { !features.contains($0) }
        if let trusted = membership.trustedServices, !trusted.contains("iam.amazonaws.com") {
            missing.append("IAM trusted access (iam.amazonaws.com)")
        }
        if !missing.isEmpty {
            return m.finding(
                snapshot, .fail, "Centralised root access is incomplete: missing \(missing.joined(separator: ", ")).",
                evidence: evidence)
        }
        var note = ""
        if let delegated = membership.iamDelegatedAdministrators {
            note =
                delegated.isEmpty
                ? " No delegated administrator for IAM: root tasks run from the management account."
                : " IAM is delegated to \(delegated.joined(separator: ", "))."
        } else {
            evidence["delegatedAdministratorsUnread"] = true
        }
        return m.finding(
            snapshot, .pass, "RootCredentialsManagement and RootSessions are enabled.\(note)", evidence: evidence)
    }
}
