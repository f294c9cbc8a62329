import RootGuardModel

/// ROOT-BP 02 (second half): more than one MFA device, so losing one does not lock the account.
public struct RootHasMultipleMFADevices: Check {
    public static let metadata = CheckMetadata(
        id: "root-mfa-multiple-devices", title: "Root has more than one MFA device", practices: ["02"],
        severity: .medium,
        risk: "With a single device, its loss forces the slow AWS account-recovery process.",
        remediation:
            "Register a second (and third) MFA device for root (up to 8), kept by different custodians in different places."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        if let early = m.rootMFAPrelude(snapshot, noMFA: "Root has no MFA device.") { return [early] }
        let virtualCount = snapshot.rootVirtualMFADevices.value?.count ?? 0
        if virtualCount >= 2 {
            return [
                m.finding(
                    snapshot, .pass, "Root has \(virtualCount) virtual MFA devices.",
                    evidence: ["rootVirtualMFADevices": .number(Double(virtualCount))])
            ]
        }
        if let plan = context.attestations?.custody {
            let evidence: [String: JSONValue] = [
                "attestedDevices": JSONValue(plan.mfaDevices.map { "\($0.name) (\($0.type))" }),
                "attestedBy": .string(plan.evidence.attestedBy),
                "expires": .string(Describe.day(plan.evidence.expires)),
            ]
            if plan.evidence.expires <= context.now {
                return [
                    m.finding(
                        snapshot, .fail,
                        "The custody attestation listing root's MFA devices expired on \(Describe.day(plan.evidence.expires)).",
                        evidence: evidence)
                ]
            }
            let count = max(plan.mfaDevices.count, virtualCount)
            return [
                m.finding(
                    snapshot, count >= 2 ? .pass : .fail,
                    "Root has \(Describe.plural(count, "MFA device")) (attested by \(plan.evidence.attestedBy)).",
                    evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .manual,
                "MFA is on, but the number of non-virtual devices is not visible to this caller: list root's MFA devices and their custodians in the custody attestation.",
                evidence: ["rootVirtualMFADevices": .number(Double(virtualCount))])
        ]
    }
}
