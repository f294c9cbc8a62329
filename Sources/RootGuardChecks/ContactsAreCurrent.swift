import RootGuardModel

/// ROOT-BP 10: the SECURITY alternate contact (Account.1, CIS 1.2).
public struct SecurityContactRegistered: Check {
    public static let metadata = CheckMetadata(
        id: "security-contact-registered", title: "Security contact is registered", practices: ["10"],
        severity: .medium,
        risk:
            "AWS sends security notices (exposed keys, abuse reports) to the security contact; without one they reach the root inbox or nobody.",
        remediation:
            "aws account put-alternate-contact --alternate-contact-type SECURITY --email-address security@example.com --name 'Security team' --phone-number +1-555-0100 --title 'Security'"
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let collected = snapshot.alternateContacts["SECURITY"] else {
            return [
                m.notEvaluated(snapshot, Unavailable(kind: "missing", reason: "the security contact was not collected"))
            ]
        }
        guard case .value(let contact) = collected else { return [m.notEvaluated(snapshot, collected.unavailable!)] }
        guard let contact, let email = contact.emailAddress, !email.isEmpty else {
            return [m.finding(snapshot, .fail, "No SECURITY alternate contact is registered.")]
        }
        return [
            m.finding(
                snapshot, .pass, "Security contact: \(contact.name ?? "unnamed") <\(email)>.",
                evidence: ["email": .string(email), "name": JSONValue(contact.name)])
        ]
    }
}

/// ROOT-BP 10: operations and billing contacts, the primary phone, and distinct contacts.
public struct AlternateContactsComplete: Check {
    public static let metadata = CheckMetadata(
        id: "alternate-contacts-complete",
        title: "Operations and billing contacts and the primary phone are set and distinct",
        practices: ["10"], severity: .low,
        risk:
            "AWS cannot reach the right people about operational or billing problems, and recovery calls go to a stale number.",
        remediation:
            "Set the OPERATIONS and BILLING alternate contacts to team addresses and keep the primary contact's phone number current."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        var missing: [String] = []
        var evidence: [String: JSONValue] = [:]
        var emails: [String: String] = [:]
        for type in ["OPERATIONS", "BILLING", "SECURITY"] {
            guard let collected = snapshot.alternateContacts[type] else { continue }
            switch collected {
            case .unavailable(let reason):
                if type != "SECURITY" { return [m.notEvaluated(snapshot, reason)] }
            case .value(let contact):
                if let email = contact?.emailAddress, !email.isEmpty {
                    emails[type] = email.lowercased()
                    evidence[type.lowercased()] = .string(email)
                } else if type != "SECURITY" {
                    missing.append("\(type.lowercased()) contact")
                }
            }
        }
        switch snapshot.contactInformation {
        case .unavailable(let reason):
            evidence["primaryContact"] = .string("not evaluated: \(reason)")
        case .value(let contact):
            if let phone = contact?.phoneNumber, !phone.isEmpty {
                evidence["primaryPhone"] = .string(phone)
            } else {
                missing.append("primary contact phone number")
            }
        }
        if !missing.isEmpty {
            return [m.finding(snapshot, .fail, "Missing: \(missing.joined(separator: ", ")).", evidence: evidence)]
        }
        let duplicates = Dictionary(grouping: emails, by: \.value).filter { $0.value.count > 1 }
        if let (email, types) = duplicates.first {
            return [
                m.finding(
                    snapshot, .fail,
                    "The \(types.map { $0.key.lowercased() }.sorted().joined(separator: " and ")) contacts are the same address (\(email)); use distinct team addresses.",
                    severity: .low, evidence: evidence)
            ]
        }
        if snapshot.contactInformation.unavailable != nil {
            return [m.notEvaluated(snapshot, snapshot.contactInformation.unavailable!, evidence: evidence)]
        }
        return [
            m.finding(
                snapshot, .pass, "Operations and billing contacts and the primary phone are set.", evidence: evidence)
        ]
    }
}

/// Account.2 / CIS: the account belongs to an organization (a prerequisite for centralised root access, ROOT-BP 13).
public struct AccountInOrganization: Check {
    public static let metadata = CheckMetadata(
        id: "account-in-organization", title: "The account is part of an AWS Organizations organization",
        practices: ["13"],
        severity: .medium,
        risk: "A standalone account cannot use centralised root access or SCPs that restrain root.",
        remediation:
            "Invite the account into your organization (or create it from the management account), then enable centralised root access."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let membership = snapshot.organization.value else {
            return [m.notEvaluated(snapshot, snapshot.organization.unavailable!)]
        }
        let evidence: [String: JSONValue] = [
            "role": .string(membership.role.rawValue), "organizationId": JSONValue(membership.organizationID),
            "managementAccountId": JSONValue(membership.managementAccountID),
            "featureSet": JSONValue(membership.featureSet),
        ]
        switch membership.role {
        case .standalone:
            return [m.finding(snapshot, .fail, "The account is not in an organization.", evidence: evidence)]
        case .management:
            return [
                m.finding(
                    snapshot, .pass,
                    "This is the management account of \(membership.organizationID ?? "its organization"); SCPs never restrain its root user, so it needs the strictest root hygiene.",
                    evidence: evidence)
            ]
        case .member:
            return [
                m.finding(
                    snapshot, .pass,
                    "Member of \(membership.organizationID ?? "an organization") (management account \(membership.managementAccountID ?? "unknown")).",
                    evidence: evidence)
            ]
        }
    }
}
