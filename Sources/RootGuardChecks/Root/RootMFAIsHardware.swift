import RootGuardModel

/// ROOT-BP 02: virtual root MFA found by the exact root ARN over every page (never by substring or serial
/// name); a hardware device with a virtual fallback is reported as exactly that.
public struct RootMFAIsHardware: Check {
    public static let metadata = CheckMetadata(
        id: "root-mfa-hardware", title: "Root MFA is hardware-bound, without a virtual fallback", practices: ["02"],
        severity: .critical,
        risk:
            "A virtual (TOTP app) device can be cloned or phished with its seed; hardware keys and passkeys bound to a device cannot.",
        remediation:
            "Register FIDO2 security keys (or a hardware TOTP token) for root, then deactivate and delete every virtual MFA device assigned to root."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        if let early = m.rootMFAPrelude(snapshot, noMFA: "Root has no MFA device at all.") { return [early] }
        let virtual: [VirtualMFADevice]
        switch snapshot.rootVirtualMFADevices {
        case .value(let devices): virtual = devices
        case .unavailable(let reason): return [m.notEvaluated(snapshot, reason)]
        }
        var evidence: [String: JSONValue] = [
            "mfaEnabled": true, "rootVirtualMFADevices": JSONValue(virtual.map(\.serialNumber)),
            "allVirtualMFADevices": .number(Double(snapshot.virtualMFADevices.value?.count ?? 0)),
        ]
        if virtual.isEmpty {
            return [
                m.finding(
                    snapshot, .pass,
                    "Root MFA is enabled and no virtual MFA device is assigned to root (hardware key, hardware TOTP or passkey).",
                    evidence: evidence)
            ]
        }
        let names = virtual.map(\.serialNumber).joined(separator: ", ")
        let attestedHardware =
            context.attestations?.custody.map { plan in
                plan.mfaDevices.filter { ["hardware", "passkey"].contains($0.type.lowercased()) }.map(\.name)
            } ?? []
        if !attestedHardware.isEmpty, let plan = context.attestations?.custody, plan.evidence.expires > context.now {
            evidence["attestedHardwareDevices"] = JSONValue(attestedHardware)
            return [
                m.finding(
                    snapshot, .fail,
                    "Root has hardware MFA (\(attestedHardware.joined(separator: ", ")), attested) but a virtual fallback also exists: \(names). Anyone with that device's seed can sign in without the hardware key.",
                    severity: .medium, evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .fail,
                "Root MFA includes \(Describe.plural(virtual.count, "virtual device")) (\(names)); whether a hardware device also exists is not visible to this caller (list it in the custody attestation).",
                evidence: evidence)
        ]
    }
}
