import RootGuardModel
import RootGuardPolicy

/// ROOT-BP 14: every member's root has no password, key, certificate or MFA device (read through AssumeRoot).
public struct MemberRootCredentialsRemoved: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-root-credentials-removed", title: "Member accounts' root credentials are removed",
        practices: ["14"],
        severity: .high,
        risk: "A member root with a password or keys is a full administrator outside every IAM policy.",
        remediation: "rootguard harden remove-root-credentials --account <id> --apply (needs RootSessions).")

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        return organization.members.map { member in
            switch member.rootCredentials {
            case .unavailable(let reason):
                return m.memberFinding(
                    organization, account: member.accountID, .notEvaluated, "Not evaluated: \(reason).")
            case .value(let inventory):
                if inventory.isEmpty {
                    return m.memberFinding(
                        organization, account: member.accountID, .pass, "Root of \(member.name) has no credentials.")
                }
                return m.memberFinding(
                    organization, account: member.accountID, .fail,
                    "Root of \(member.name) still has: \(inventory.lines.joined(separator: "; ")).",
                    evidence: ["credentials": JSONValue(inventory.lines)])
            }
        }
    }
}
