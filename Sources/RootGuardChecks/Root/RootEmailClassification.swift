import Foundation
import RootGuardModel

/// How a root e-mail address is judged (ROOT-BP 09), for one account and for every account of an
/// organization alike: an address at all, not free mail, on a company domain when those are given, and a
/// group address rather than a person's mailbox.
enum RootEmailClassification {
    struct Verdict {
        var status: Status
        var message: String
        var severity: Severity?
        var evidence: [String: JSONValue]
    }

    static func judge(_ email: String, policy: EmailPolicy) -> Verdict {
        var evidence: [String: JSONValue] = [:]
        func verdict(_ status: Status, _ message: String, severity: Severity? = nil) -> Verdict {
            Verdict(status: status, message: message, severity: severity, evidence: evidence)
        }
        guard let at = email.lastIndex(of: "@"), at != email.startIndex else {
            return verdict(.fail, "The root e-mail '\(email)' is not an e-mail address.")
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
        if policy.freeMailDomains.contains(domain) || FreeMailDomains.all.contains(domain) {
            return verdict(.fail, "The root e-mail \(email) is on the consumer domain \(domain).")
        }
        let isCompany = policy.companyDomains.contains { company in
            let company = company.lowercased()
            return domain == company || domain.hasSuffix("." + company)
        }
        if !policy.companyDomains.isEmpty && !isCompany {
            evidence["companyDomains"] = JSONValue(policy.companyDomains)
            return verdict(
                .fail,
                "The root e-mail's domain \(domain) is not one of the company domains (\(policy.companyDomains.joined(separator: ", ")))."
            )
        }
        let tokens = local.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        let isGroup = tokens.contains { policy.groupKeywords.contains($0) }
        let looksPersonal = policy.personalPatterns.contains { pattern in
            local.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil
        }
        evidence["classification"] = .string(isGroup ? "group" : (looksPersonal ? "personal" : "unknown"))
        let suffix = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
        if !isGroup && looksPersonal {
            return verdict(
                .fail, "The root e-mail \(email) looks like a person's mailbox, not a group address\(suffix).",
                severity: .medium)
        }
        if policy.companyDomains.isEmpty {
            return verdict(
                .manual,
                "\(domain) is not a known free-mail domain; confirm it is company-owned (or pass --company-domain \(domain))\(isGroup ? "" : " and that \(local)@ is a group address")\(suffix)."
            )
        }
        if !isGroup {
            return verdict(
                .manual,
                "\(email) is on a company domain; confirm '\(local)' is a distribution list, not a person\(suffix).")
        }
        return verdict(.pass, "The root e-mail \(email) is a group address on a company domain\(suffix).")
    }
}
