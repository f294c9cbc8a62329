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
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            guard let collected = snapshot.alternateContacts["SECURITY"] else {
                return [
                    m.notEvaluated(
                        snapshot, Unavailable(kind: .missing, reason: "the security contact was not collected"))
                ]
            }
            let contact = try need(collected)
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
}
