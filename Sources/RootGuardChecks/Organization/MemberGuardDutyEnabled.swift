import RootGuardModel

/// ROOT-BP 19 for member accounts, from GuardDuty's organization view (the delegated administrator's member list,
/// region by region): a member whose status is not `Enabled` in an examined region has no GuardDuty watching root
/// there. A region whose view cannot be read, or where the member is not on the list, leaves the member
/// NOT_EVALUATED with the reason, never PASS.
public struct MemberGuardDutyEnabled: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-guardduty-enabled", title: "GuardDuty watches every member account in every region",
        practices: ["19"],
        severity: .medium,
        risk:
            "GuardDuty reports root credential use (Policy:IAMUser/RootCredentialUsage) only where a member's detector is enabled.",
        remediation:
            "From GuardDuty's delegated administrator, enable GuardDuty for all organization members (auto-enable ALL) in every region, and re-enable suspended members."
    )

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        guard let facts = organization.monitoring else {
            return organization.members.map {
                m.memberFinding(
                    organization, account: $0.accountID, .notEvaluated,
                    "Not evaluated: the organization's monitoring views were not collected (--no-monitoring, or a snapshot from before they were).",
                    evidence: [:])
            }
        }
        return organization.members.map { member in
            var gaps: [String] = []
            var unknown: [String] = []
            var evidence: [String: JSONValue] = [:]
            var sources = Set<String>()
            for region in facts.regions {
                switch facts.guardDuty[region] {
                case .value(let view)?:
                    sources.insert(view.administrator.rawValue)
                    let status = view.members[member.accountID.rawValue]
                    evidence[region] = .string(status ?? "not a member")
                    if let status {
                        if status != "Enabled" { gaps.append("\(region) (member status \(status))") }
                    } else {
                        unknown.append(
                            "\(region): not on the member list of the GuardDuty administrator \(view.administrator)")
                    }
                case .unavailable(let reason)?:
                    evidence[region] = .string("unavailable")
                    unknown.append("\(region): \(reason.reason)")
                case nil:
                    unknown.append("\(region): not collected")
                }
            }
            let source =
                "source: GuardDuty's organization view (administrator \(sources.sorted().joined(separator: ", ")))"
            if !gaps.isEmpty {
                return m.memberFinding(
                    organization, account: member.accountID, .fail,
                    "GuardDuty is not enabled in \(gaps.joined(separator: ", ")); \(source).", evidence: evidence)
            }
            if !unknown.isEmpty {
                return m.memberFinding(
                    organization, account: member.accountID, .notEvaluated,
                    "Not evaluated: \(unknown.joined(separator: "; ")).", evidence: evidence)
            }
            guard MonitoringFacts.regionsAreComplete(source: facts.regionsSource) else {
                return m.memberFinding(
                    organization, account: member.accountID, .notEvaluated,
                    "Not evaluated: GuardDuty is enabled in \(facts.regions.joined(separator: ", ")), but the enabled regions could not be listed (\(facts.regionsSource)).",
                    evidence: evidence)
            }
            return m.memberFinding(
                organization, account: member.accountID, .pass,
                "GuardDuty is enabled in all \(facts.regions.count) examined regions; \(source).", evidence: evidence)
        }
    }
}
