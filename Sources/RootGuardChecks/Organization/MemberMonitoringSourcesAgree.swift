import RootGuardModel

/// With `--via assume-role`, each member's own monitoring is read in the member too: where GuardDuty's organization
/// view and the member's own detectors disagree (the administrator lists the member `Enabled` in a region where the
/// member has no enabled detector, or the reverse), one of the two sources is wrong or stale, and that is a finding.
public struct MemberMonitoringSourcesAgree: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-monitoring-sources-agree",
        title: "The organization's view of member monitoring matches the members' own", practices: ["19"],
        severity: .medium,
        risk: "An administrator view that disagrees with the member hides a gap from whoever reads only the view.",
        remediation:
            "Compare the member's detectors with GuardDuty's member list in the administrator account; re-associate or re-enable the member."
    )

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        guard let facts = organization.monitoring else { return [] }
        return organization.members.compactMap { member -> Finding? in
            // Only where both sources were read: the member's own snapshot (assume-role) and the view.
            guard case .value(let snapshot)? = member.snapshot, case .value(let own)? = snapshot.monitoring else {
                return nil
            }
            var disagreements: [String] = []
            var compared: [String] = []
            for region in facts.regions {
                guard let view = facts.guardDuty[region]?.value,
                    let status = view.members[member.accountID.rawValue],
                    let detectors = own.guardDuty[region]?.value
                else { continue }
                compared.append(region)
                let viewSaysEnabled = status == "Enabled"
                let memberHasEnabled = detectors.contains { $0.status == "ENABLED" }
                if viewSaysEnabled != memberHasEnabled {
                    disagreements.append(
                        "\(region): the administrator \(view.administrator) lists it \(status), the member \(memberHasEnabled ? "has an enabled detector" : "has no enabled detector")"
                    )
                }
            }
            guard !compared.isEmpty else {
                return m.memberFinding(
                    organization, account: member.accountID, .notEvaluated,
                    "Not evaluated: GuardDuty could not be read both in the administrator's view and in the member.")
            }
            if disagreements.isEmpty {
                return m.memberFinding(
                    organization, account: member.accountID, .pass,
                    "GuardDuty's organization view and the member's own detectors agree in \(compared.joined(separator: ", "))."
                )
            }
            return m.memberFinding(
                organization, account: member.accountID, .fail,
                "GuardDuty's sources disagree: \(disagreements.joined(separator: "; ")).")
        }
    }
}
