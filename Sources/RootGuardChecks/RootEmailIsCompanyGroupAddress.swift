import Foundation
import RootGuardModel

/// ROOT-BP 09: the root e-mail is on a company-owned domain and is a group address, not a person's mailbox.
public struct RootEmailIsCompanyGroupAddress: Check {
    public static let metadata = CheckMetadata(
        id: "root-email-company-group", title: "Root e-mail is a company-owned group address", practices: ["09"],
        severity: .high,
        risk:
            "The root e-mail resets the root password: a personal or free-mail inbox leaves the account with one person, or with a consumer provider's recovery process.",
        remediation:
            "Change the root e-mail (as root, Account settings) to a distribution list on a company domain, e.g. aws-prod-root@example.com, unique to this account."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        let email: String
        var evidence: [String: JSONValue] = [:]
        if let override = context.rootEmailOverride {
            email = override
            evidence["source"] = "--root-email"
        } else if let collected = snapshot.rootEmail.value {
            email = collected
            evidence["source"] = "AWS"
        } else {
            var reason = snapshot.rootEmail.unavailable!
            reason.reason += "; pass --root-email to judge it"
            return [m.notEvaluated(snapshot, reason)]
        }
        evidence["email"] = .string(email)
        guard let at = email.lastIndex(of: "@"), at != email.startIndex else {
            return [
                m.finding(snapshot, .fail, "The root e-mail '\(email)' is not an e-mail address.", evidence: evidence)
            ]
        }
        let domain = email[email.index(after: at)...].lowercased()
        let fullLocal = email[..<at].lowercased()
        let plus = fullLocal.firstIndex(of: "+")
        let local = plus.map { String(fullLocal[..<$0]) } ?? fullLocal
        var notes: [String] = []
        if plus != nil {
            notes.append("plus-addressing: mail is delivered to \(local)@\(domain)")
            evidence["deliveredTo"] = .string("\(local)@\(domain)")
        }
        let policy = context.emailPolicy
        if policy.freeMailDomains.contains(domain) || FreeMailDomains.all.contains(domain) {
            return [
                m.finding(snapshot, .fail, "The root e-mail is on the consumer domain \(domain).", evidence: evidence)
            ]
        }
        let isCompany = policy.companyDomains.contains { company in
            let company = company.lowercased()
            return domain == company || domain.hasSuffix("." + company)
        }
        if !policy.companyDomains.isEmpty && !isCompany {
            evidence["companyDomains"] = JSONValue(policy.companyDomains)
            return [
                m.finding(
                    snapshot, .fail,
                    "The root e-mail's domain \(domain) is not one of the company domains (\(policy.companyDomains.joined(separator: ", "))).",
                    evidence: evidence)
            ]
        }
        let tokens = local.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        let isGroup = tokens.contains { policy.groupKeywords.contains($0) }
        let looksPersonal = policy.personalPatterns.contains { pattern in
            local.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil
        }
        evidence["classification"] = .string(isGroup ? "group" : (looksPersonal ? "personal" : "unknown"))
        let suffix = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
        if !isGroup && looksPersonal {
            return [
                m.finding(
                    snapshot, .fail,
                    "The root e-mail \(email) looks like a person's mailbox, not a group address\(suffix).",
                    severity: .medium, evidence: evidence)
            ]
        }
        if policy.companyDomains.isEmpty {
            return [
                m.finding(
                    snapshot, .manual,
                    "\(domain) is not a known free-mail domain; confirm it is company-owned (or pass --company-domain \(domain))\(isGroup ? "" : " and that \(local)@ is a group address")\(suffix).",
                    evidence: evidence)
            ]
        }
        if !isGroup {
            return [
                m.finding(
                    snapshot, .manual,
                    "\(email) is on a company domain; confirm '\(local)' is a distribution list, not a person\(suffix).",
                    evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .pass, "The root e-mail \(email) is a group address on a company domain\(suffix).",
                evidence: evidence)
        ]
    }
}
