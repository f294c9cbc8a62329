import RootGuardModel

/// ROOT-BP 04: root X.509 signing certificates (only ScoutSuite checks them among the anchors).
public struct RootHasNoSigningCertificates: Check {
    public static let metadata = CheckMetadata(
        id: "root-no-signing-certificates", title: "Root has no X.509 signing certificates", practices: ["04"],
        severity: .high,
        risk: "A root signing certificate authenticates SOAP-era APIs as root and is easily forgotten.",
        remediation: "Sign in as root, open Security credentials, and delete every X.509 certificate.")

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let present = snapshot.rootSigningCertificatesPresent else {
            return [m.notEvaluated(snapshot, snapshot.rootSourcesUnavailable)]
        }
        let certificates = snapshot.credentialReport.value?.root?.certificates.filter(\.exists) ?? []
        let evidence: [String: JSONValue] = [
            "signingCertificatesPresent": .bool(present.value), "source": .string(present.source),
            "certificates": .array(
                certificates.map { .object(["slot": .number(Double($0.slot)), "active": JSONValue($0.active)]) }),
        ]
        if present.value {
            let count =
                certificates.isEmpty
                ? "signing certificates" : Describe.plural(certificates.count, "signing certificate")
            return [m.finding(snapshot, .fail, "Root has \(count).", evidence: evidence)]
        }
        return [m.finding(snapshot, .pass, "Root has no signing certificates.", evidence: evidence)]
    }
}
