import RootGuardModel

/// ROOT-BP 20 for member accounts, from Security Hub's organization view: each member `ENABLED` in the
/// administrator's member list, in the region `audit` judges Security Hub in (the management account's). The
/// members' standards are not visible to the administrator: `--via assume-role` judges them in each member.
public struct MemberSecurityHubEnabled: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-securityhub-enabled", title: "Security Hub runs in every member account", practices: ["20"],
        severity: .low,
        risk: "Security Hub's root controls (IAM.4, IAM.6, IAM.9) give no opinion on a member where it is off.",
        remediation:
            "From Security Hub's delegated administrator, turn on auto-enable for the organization and re-enable removed members."
    )

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        guard let collected = organization.monitoring?.securityHub else {
            return organization.members.map {
                m.memberFinding(
                    organization, account: $0.accountID, .notEvaluated,
                    "Not evaluated: Security Hub's organization view was not collected (--no-monitoring, or an older snapshot)."
                )
            }
        }
        return organization.members.map { member in
            switch collected {
            case .unavailable(let reason):
                return m.memberFinding(
                    organization, account: member.accountID, .notEvaluated, "Not evaluated: \(reason.reason).")
            case .value(let view):
                let source =
                    "source: Security Hub's organization view (administrator \(view.administrator), \(view.region))"
                guard let status = view.members[member.accountID.rawValue] else {
                    return m.memberFinding(
                        organization, account: member.accountID, .notEvaluated,
                        "Not evaluated: not on Security Hub's member list; \(source).")
                }
                return status == "ENABLED"
                    ? m.memberFinding(
                        organization, account: member.accountID, .pass,
                        "Security Hub is enabled as a member in \(view.region); \(source).")
                    : m.memberFinding(
                        organization, account: member.accountID, .fail,
                        "Security Hub is not enabled in \(view.region) (member status \(status)); \(source).")
            }
        }
    }
}
