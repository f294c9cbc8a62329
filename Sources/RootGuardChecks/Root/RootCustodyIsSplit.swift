import Foundation
import RootGuardModel

/// ROOT-BP 12: nobody holds both the root password and an MFA device.
public struct RootCustodyIsSplit: Check {
    public static let metadata = CheckMetadata(
        id: "root-custody-split", title: "No single person holds both the root password and an MFA device",
        practices: ["12"], severity: .high,
        risk: "One person (or one compromised laptop) holding every factor can use root alone, unseen.",
        remediation:
            "Split custody: password holders and MFA-device holders are different people; record it in the custody attestation."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let plan = context.attestations?.custody else {
            return [
                m.finding(
                    snapshot, .manual,
                    "Attest the custody plan: who holds the root password, each MFA device, the root e-mail inbox and the phone number."
                )
            ]
        }
        let passwordHolders = Set(plan.passwordHolders.map(Self.normalise))
        let both = plan.mfaDevices.flatMap { device in
            device.holders.filter { passwordHolders.contains(Self.normalise($0)) }.map {
                "\($0) (password and \(device.name))"
            }
        }
        let evidence: [String: JSONValue] = [
            "passwordHolders": JSONValue(plan.passwordHolders),
            "mfaDevices": .array(
                plan.mfaDevices.map {
                    .object(["name": .string($0.name), "type": .string($0.type), "holders": JSONValue($0.holders)])
                }),
            "attestedBy": .string(plan.evidence.attestedBy), "expires": .string(Describe.day(plan.evidence.expires)),
        ]
        if plan.evidence.expires <= context.now {
            return [
                m.finding(
                    snapshot, .fail, "The custody attestation expired on \(Describe.day(plan.evidence.expires)).",
                    evidence: evidence)
            ]
        }
        if plan.passwordHolders.isEmpty || plan.mfaDevices.isEmpty {
            return [
                m.finding(
                    snapshot, .fail, "The custody plan must name the password holders and every MFA device's holders.",
                    evidence: evidence)
            ]
        }
        if !both.isEmpty {
            return [
                m.finding(
                    snapshot, .fail, "Separation of duties violated: \(both.joined(separator: "; ")).",
                    evidence: evidence)
            ]
        }
        // The plan speaks of MFA devices; the account must have them, or there is no custody to split.
        if let noDevice = m.rootMFAPrelude(
            snapshot,
            noMFA:
                "Root has no MFA device, so the attested split of password and MFA custody does not exist: whoever holds the password holds root."
        ) {
            return [noDevice]
        }
        if plan.passwordHolders.contains(where: { Self.normalise($0).isEmpty })
            || plan.mfaDevices.contains(where: { $0.holders.allSatisfy { Self.normalise($0).isEmpty } })
        {
            return [
                m.finding(
                    snapshot, .fail, "The custody plan leaves a password holder or an MFA device's holders unnamed.",
                    evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .pass,
                "Password held by \(plan.passwordHolders.joined(separator: ", ")); MFA devices held by others (attested by \(plan.evidence.attestedBy)).",
                evidence: evidence)
        ]
    }

    static func normalise(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }
}
