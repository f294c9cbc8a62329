import RootGuardModel
import RootGuardPolicy

/// A check over the whole organization; findings name the member account they are about.
public protocol OrganizationCheck: Sendable {
    static var metadata: CheckMetadata { get }
    func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding]
}

extension CheckMetadata {
    func memberFinding(
        _ organization: OrganizationSnapshot, account: String, _ status: Status, _ message: String,
        severity: Severity? = nil,
        evidence: [String: JSONValue] = [:]
    ) -> Finding {
        Finding(
            checkId: id, status: status, severity: severity ?? self.severity, accountId: account,
            resource: "arn:\(organization.management.account.partition):iam::\(account):root", message: message,
            compliance: compliance, evidence: evidence, remediation: remediation)
    }
}

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
            guard let facts = member.scpLevels.value else {
                findings.append(
                    m.memberFinding(
                        organization, account: member.accountID, .notEvaluated,
                        "Not evaluated: \(member.scpLevels.unavailable!)."))
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

/// ROOT-BP 09 across the organization: every root e-mail unique, none on a free-mail domain.
public struct OrganizationRootEmailsUnique: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "org-root-emails-unique", title: "Every account's root e-mail is unique, company-owned and a group address",
        practices: ["09"],
        severity: .medium,
        risk: "A shared root inbox lets one mailbox reset many accounts; a free-mail one is outside your control.",
        remediation: "Give every account its own group address on a company domain (aws-<account>-root@example.com).")

    public init() {}

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        let emails = organization.members.compactMap { member in
            member.email.map { (member.accountID, $0.lowercased()) }
        }
        // ListAccounts always names an e-mail; if it ever does not, say so rather than skip the member.
        var findings: [Finding] = organization.members.filter { $0.email == nil }.map { member in
            m.memberFinding(
                organization, account: member.accountID, .notEvaluated,
                "Not evaluated: organizations:ListAccounts returned no root e-mail for this account.")
        }
        let grouped = Dictionary(grouping: emails, by: \.1)
        for (account, email) in emails {
            if let others = grouped[email], others.count > 1 {
                findings.append(
                    m.memberFinding(
                        organization, account: account, .fail,
                        "Root e-mail \(email) is shared with \(others.map(\.0).filter { $0 != account }.joined(separator: ", ")).",
                        evidence: ["email": .string(email)]))
                continue
            }
            // Unique: then judged as the single-account check judges it (company domain, group address).
            let verdict = RootEmailClassification.judge(email, policy: context.emailPolicy)
            var evidence = verdict.evidence
            evidence["email"] = .string(email)
            findings.append(
                m.memberFinding(
                    organization, account: account, verdict.status,
                    verdict.status == .pass ? "Unique. " + verdict.message : verdict.message,
                    severity: verdict.severity, evidence: evidence))
        }
        return findings
    }
}

public enum OrganizationCheckRegistry {
    public static let all: [any OrganizationCheck] = [
        MemberRootCredentialsRemoved(), MemberRootDeniedBySCP(), OrganizationRootEmailsUnique(),
        ManagementRootHigherBar(), MemberRootActivityMonitored(),
    ]
    public static var metadata: [CheckMetadata] { all.map { type(of: $0).metadata } }
}

/// The management account's root is outside every SCP and centralised root access, so it is held to a higher bar:
/// hardware-only MFA, no access keys or certificates, and a root-activity alarm that reaches a person.
public struct ManagementRootHigherBar: OrganizationCheck {
    public static let metadata = CheckMetadata(
        id: "management-root-higher-bar", title: "The management account's root meets the higher bar",
        practices: ["15"],
        severity: .critical,
        risk:
            "No SCP or central control restrains the management account's root; it can change every guardrail of the organization.",
        remediation:
            "Management root: hardware keys only (two or more), no access keys or certificates, and a proven root-activity alarm with a confirmed subscriber."
    )

    public init() {}

    static let required: [(check: String, what: String)] = [
        ("root-mfa-hardware", "hardware-only MFA"), ("root-no-access-keys", "no access keys"),
        ("root-no-signing-certificates", "no signing certificates"),
        ("root-activity-alarm-chain", "a root-activity alarm reaching a person"),
    ]

    public func evaluate(_ organization: OrganizationSnapshot, _ context: EvaluationContext) -> [Finding] {
        let m = Self.metadata
        let account = organization.management.account.accountID
        let findings = CheckRegistry.all.filter { check in
            Self.required.contains { $0.check == type(of: check).metadata.id }
        }
        .flatMap { $0.evaluate(organization.management, context) }
        var missing: [String] = []
        var unknown: [String] = []
        for (check, what) in Self.required {
            switch findings.first(where: { $0.checkId == check })?.status {
            case .pass?: continue
            case .fail?: missing.append(what)
            default: unknown.append(what)
            }
        }
        if !missing.isEmpty {
            return [
                m.memberFinding(
                    organization, account: account, .fail,
                    "The management account's root lacks: \(missing.joined(separator: ", ")).")
            ]
        }
        if !unknown.isEmpty {
            return [
                m.memberFinding(
                    organization, account: account, .notEvaluated,
                    "Not evaluated: could not confirm \(unknown.joined(separator: ", ")) for the management account's root."
                )
            ]
        }
        return [
            m.memberFinding(
                organization, account: account, .pass,
                "The management account's root has hardware-only MFA, no keys or certificates, and a working root-activity alarm."
            )
        ]
    }
}
