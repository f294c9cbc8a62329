import RootGuardModel

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
        if case .unavailable(let reason) = snapshot.contactInformation {
            return [m.notEvaluated(snapshot, reason, evidence: evidence)]
        }
        return [
            m.finding(
                snapshot, .pass, "Operations and billing contacts and the primary phone are set.", evidence: evidence)
        ]
    }
}
