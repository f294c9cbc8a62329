import RootGuardModel
import RootGuardPolicy

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
                        "Root e-mail \(email) is shared with \(others.map(\.0).filter { $0 != account }.map(\.rawValue).joined(separator: ", ")).",
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
