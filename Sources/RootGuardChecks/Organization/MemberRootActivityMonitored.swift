import RootGuardModel

/// ROOT-BP 16 and 17 for member accounts: an organization trail in the management account records every
/// member's events, so when that trail's chain (multi-region, logging, management events, metric filter that
/// provably matches root, alarm, confirmed subscriber) holds, each member's root activity raises the alarm too.
/// Members' own trails are not collected by `--org`, so a broken or missing organization chain leaves a member
/// NOT_EVALUATED (it may have its own), never FAIL.
public struct MemberRootActivityMonitored: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-root-activity-monitored", title: "Member accounts' root activity reaches the organization alarm",
        practices: ["16", "17"],
        severity: .high,
        risk: "Root activity in a member that no trail and alarm cover goes unnoticed.",
        remediation:
            "Create an organization trail in the management account (multi-region, management events read and write) delivering to CloudWatch Logs, with the CIS root-usage metric filter, an alarm and a confirmed SNS subscription."
    )

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        let verdict = organizationChain(organization.management, context)
        return organization.members.map { member in
            m.memberFinding(
                organization, account: member.accountID, verdict.status, verdict.message, evidence: verdict.evidence)
        }
    }

    /// The management account's chain, through organization trails only.
    func organizationChain(
        _ management: Snapshot, _ context: EvaluationContext
    ) -> (
        status: Status, message: String, evidence: [String: JSONValue]
    ) {
        guard case .value(var facts)? = management.monitoring else {
            return (
                .notEvaluated,
                "Not evaluated: the management account's monitoring was not collected (--no-monitoring); members' own trails are not collected by --org.",
                [:]
            )
        }
        guard let trails = facts.trails.value else {
            return (.notEvaluated, "Not evaluated: the management account's trails could not be read.", [:])
        }
        let organizationTrails = trails.filter(\.isOrganizationTrail)
        guard !organizationTrails.isEmpty else {
            return (
                .notEvaluated,
                "Not evaluated: the management account has no organization trail, and members' own trails are not collected by --org (audit the member itself).",
                [:]
            )
        }
        facts.trails = .value(organizationTrails)
        var view = management
        view.monitoring = .value(facts)
        let logging = MultiRegionTrailLogging().evaluate(view, context).first
        let chain = RootActivityAlarmChain().evaluate(view, context).first
        let names = JSONValue(organizationTrails.map(\.name))
        if logging?.status == .pass, chain?.status == .pass {
            return (
                .pass,
                "Covered by the organization trail in the management account: \(chain?.message ?? "")",
                ["organizationTrails": names]
            )
        }
        let broken = [logging, chain].compactMap { $0 }.first { $0.status != .pass }
        return (
            .notEvaluated,
            "Not shown to be monitored: the organization trail's chain does not hold (\(broken?.message ?? "unknown")); members' own trails are not collected by --org.",
            ["organizationTrails": names]
        )
    }
}
