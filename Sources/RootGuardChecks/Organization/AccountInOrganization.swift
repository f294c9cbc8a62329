import RootGuardModel

/// Account.2 / CIS: the account belongs to an organization (a prerequisite for centralised root access, ROOT-BP 13).
public struct AccountInOrganization: Check {
    public static let metadata = CheckMetadata(
        id: "account-in-organization", title: "The account is part of an AWS Organizations organization",
        practices: ["13"],
        severity: .medium,
        risk: "A standalone account cannot use centralised root access or SCPs that restrain root.",
        remediation:
            "Invite the account into your organization (or create it from the management account), then enable centralised root access."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let membership = try need(snapshot.organization)
            let evidence: [String: JSONValue] = [
                "role": .string(membership.role.rawValue), "organizationId": JSONValue(membership.organizationID),
                "managementAccountId": JSONValue(membership.managementAccountID),
                "featureSet": JSONValue(membership.featureSet),
            ]
            switch membership.role {
            case .standalone:
                return [m.finding(snapshot, .fail, "The account is not in an organization.", evidence: evidence)]
            case .management:
                return [
                    m.finding(
                        snapshot, .pass,
                        "This is the management account of \(membership.organizationID ?? "its organization"); SCPs never restrain its root user, so it needs the strictest root hygiene.",
                        evidence: evidence)
                ]
            case .member:
                return [
                    m.finding(
                        snapshot, .pass,
                        "Member of \(membership.organizationID ?? "an organization") (management account \(membership.managementAccountID ?? "unknown")).",
                        evidence: evidence)
                ]
            }
        }
    }
}
