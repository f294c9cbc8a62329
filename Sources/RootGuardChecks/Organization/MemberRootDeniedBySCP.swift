import RootGuardModel
import RootGuardPolicy

/// ROOT-BP 15: the SCPs on each member's path deny its root user (through root → OU → account inheritance).
public struct MemberRootDeniedBySCP: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "member-root-denied-by-scp", title: "An SCP denies the root user in every member account",
        practices: ["15"],
        severity: .high,
        risk: "Without a deny-root SCP, anyone who recovers a member's root password acts outside every guardrail.",
        remediation:
            "Attach an SCP denying all actions when aws:PrincipalArn is arn:aws:iam::*:root (exempting aws:AssumedRoot sessions) at the organization root or every OU."
    )

    /// Representative actions: if root may do any of them, it is not denied.
    public static let probeActions = [
        "iam:CreateAccessKey", "iam:CreateUser", "iam:CreateLoginProfile", "s3:ListAllMyBuckets", "ec2:RunInstances",
        "cloudtrail:StopLogging", "organizations:LeaveOrganization", "kms:ScheduleKeyDeletion",
    ]

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        var findings = [
            m.memberFinding(
                organization, account: organization.management.account.accountID, .notApplicable,
                "SCPs never apply to the management account: its root is restrained only by its own credentials and MFA (see its findings)."
            )
        ]
        let partition = organization.management.account.partition
        for member in organization.members {
            let facts: [SCPLevelFacts]
            switch member.scpLevels {
            case .value(let value): facts = value
            case .unavailable(let reason):
                findings.append(
                    m.memberFinding(
                        organization, account: member.accountID, .notEvaluated, "Not evaluated: \(reason)."))
                continue
            }
            let levels: [SCPEvaluator.Level]
            do {
                levels = try facts.map(SCPEvaluator.Level.init)
            } catch {
                findings.append(
                    m.memberFinding(organization, account: member.accountID, .notEvaluated, "Not evaluated: \(error)."))
                continue
            }
            var allowed: [String] = []
            var denials: [String] = []
            for action in Self.probeActions {
                let result = SCPEvaluator.evaluate(
                    levels: levels, .root(account: member.accountID, partition: partition, action: action))
                if result.permitted { allowed.append(action) } else { denials.append(result.explanation) }
            }
            let exempt = SCPEvaluator.evaluate(
                levels: levels,
                .root(
                    account: member.accountID, partition: partition, action: "iam:DeleteLoginProfile", assumedRoot: true
                )
            ).permitted
            let evidence: [String: JSONValue] = [
                "path": JSONValue(facts.map(\.target)), "rootMayStill": JSONValue(allowed),
                "assumeRootSessionsExempt": .bool(exempt),
            ]
            if allowed.isEmpty {
                findings.append(
                    m.memberFinding(
                        organization, account: member.accountID, .pass,
                        "Root of \(member.name) is denied (\(denials.first ?? "")); AssumeRoot sessions are \(exempt ? "exempted" : "also denied").",
                        evidence: evidence))
            } else {
                findings.append(
                    m.memberFinding(
                        organization, account: member.accountID, .fail,
                        "Root of \(member.name) may still \(allowed.joined(separator: ", ")) (path \(facts.map(\.target).joined(separator: " → "))).",
                        evidence: evidence))
            }
        }
        return findings
    }
}
