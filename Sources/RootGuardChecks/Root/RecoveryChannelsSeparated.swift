import RootGuardModel

/// ROOT-BP 11: the root e-mail inbox and the phone number (the two recovery channels) are held by different groups.
public struct RecoveryChannelsSeparated: Check {
    public static let metadata = CheckMetadata(
        id: "recovery-channels-separated", title: "Root recovery channels are held by different groups",
        practices: ["11"], severity: .high,
        risk:
            "Whoever controls both the root inbox and the phone number can reset the password and remove MFA through account recovery.",
        remediation:
            "Give the root inbox and the account phone number to different teams; record both in the custody attestation."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        var evidence: [String: JSONValue] = [:]
        if let phone = snapshot.contactInformation.value??.phoneNumber { evidence["accountPhone"] = .string(phone) }
        guard let plan = context.attestations?.custody else {
            return [
                m.finding(
                    snapshot, .manual,
                    "Attest who controls the root e-mail inbox and the account phone number (custody plan).",
                    evidence: evidence)
            ]
        }
        evidence["emailInbox"] = .object([
            "group": .string(plan.emailInbox.group), "holders": JSONValue(plan.emailInbox.holders),
        ])
        evidence["phone"] = .object(["group": .string(plan.phone.group), "holders": JSONValue(plan.phone.holders)])
        evidence["securityQuestions"] = JSONValue(plan.securityQuestions)
        if plan.evidence.expires <= context.now {
            return [
                m.finding(
                    snapshot, .fail, "The custody attestation expired on \(Describe.day(plan.evidence.expires)).",
                    evidence: evidence)
            ]
        }
        // "Nobody reaches both" needs to know who reaches each.
        let named = { (holders: [String]) in holders.contains { !RootCustodyIsSplit.normalise($0).isEmpty } }
        if !named(plan.emailInbox.holders) || !named(plan.phone.holders) {
            return [
                m.finding(
                    snapshot, .fail,
                    "The custody plan must name who can read the root inbox and who holds the phone number; without them the channels cannot be shown to be separate.",
                    evidence: evidence)
            ]
        }
        let inbox = Set(plan.emailInbox.holders.map(RootCustodyIsSplit.normalise))
        let shared = plan.phone.holders.filter { inbox.contains(RootCustodyIsSplit.normalise($0)) }
        if RootCustodyIsSplit.normalise(plan.emailInbox.group) == RootCustodyIsSplit.normalise(plan.phone.group) {
            return [
                m.finding(
                    snapshot, .fail, "The root inbox and the phone number are both held by \(plan.emailInbox.group).",
                    evidence: evidence)
            ]
        }
        if !shared.isEmpty {
            return [
                m.finding(
                    snapshot, .fail,
                    "\(shared.joined(separator: ", ")) can reach both the root inbox and the phone number.",
                    evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .pass,
                "Root inbox held by \(plan.emailInbox.group), phone by \(plan.phone.group) (attested by \(plan.evidence.attestedBy)).",
                evidence: evidence)
        ]
    }
}
