import RootGuardModel

/// ROOT-BP 20 for member accounts, from AWS Config's organization rules: the three root rules deployed to the member
/// (status `CREATE_SUCCESSFUL` or `UPDATE_SUCCESSFUL`) in at least one examined region, which also shows the member
/// records with Config there (AWS cannot deploy them without a recorder). Unreadable views leave the member
/// NOT_EVALUATED, never PASS.
public struct MemberConfigRootRules: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-config-root-rules", title: "AWS Config evaluates the root rules in every member account",
        practices: ["20"],
        severity: .low,
        risk:
            "Without the rules in a member, a new root key or a removed MFA device there is not flagged between audits.",
        remediation:
            "Deploy ROOT_ACCOUNT_MFA_ENABLED, ROOT_ACCOUNT_HARDWARE_MFA_ENABLED and IAM_ROOT_ACCESS_KEY_CHECK as organization config rules (PutOrganizationConfigRule) and run a configuration recorder in every member."
    )

    static let required = [
        "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
    ]

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        guard let facts = organization.monitoring else {
            return organization.members.map {
                m.memberFinding(
                    organization, account: $0.accountID, .notEvaluated,
                    "Not evaluated: the organization's monitoring views were not collected (--no-monitoring, or a snapshot from before they were)."
                )
            }
        }
        return organization.members.map { member in
            let account = member.accountID.rawValue
            var best: (region: String, problems: [String])?
            var unknown: [String] = []
            var administrators = Set<String>()
            for region in facts.regions {
                guard let view = facts.config[region]?.value else {
                    unknown.append(
                        "\(region): \(facts.config[region]?.unavailable?.reason ?? "not collected")")
                    continue
                }
                administrators.insert(view.administrator.rawValue)
                var problems: [String] = []
                for identifier in Self.required {
                    guard let statuses = view.rules[identifier] else {
                        problems.append("\(identifier) is not an organization rule")
                        continue
                    }
                    if view.excluded[identifier]?.contains(account) == true {
                        problems.append("\(identifier) excludes this account")
                    } else if let status = statuses[account] {
                        if !status.hasSuffix("_SUCCESSFUL") { problems.append("\(identifier) \(status)") }
                    } else {
                        problems.append("\(identifier) has no status for this account")
                    }
                }
                let source =
                    "source: AWS Config's organization rules (administrator \(view.administrator))"
                if problems.isEmpty {
                    return m.memberFinding(
                        organization, account: member.accountID, .pass,
                        "The three root rules run in \(region); \(source).", evidence: ["region": .string(region)])
                }
                if best == nil || problems.count < best!.problems.count { best = (region, problems) }
            }
            if !unknown.isEmpty {
                return m.memberFinding(
                    organization, account: member.accountID, .notEvaluated,
                    "Not evaluated: \(unknown.joined(separator: "; "))"
                        + (best.map { "; best region read, \($0.region): \($0.problems.joined(separator: ", "))" } ?? "")
                        + ".")
            }
            guard let best else {
                return m.memberFinding(organization, account: member.accountID, .fail, "No region was examined.")
            }
            return m.memberFinding(
                organization, account: member.accountID, .fail,
                "AWS Config (best region \(best.region)): \(best.problems.joined(separator: "; ")); source: AWS Config's organization rules (administrator \(administrators.sorted().joined(separator: ", "))).",
                evidence: ["region": .string(best.region)])
        }
    }
}
