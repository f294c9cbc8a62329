import RootGuardModel

/// ROOT-BP 03: inactive root keys fail too (CIS: delete, not deactivate); Prowler and ScoutSuite ignore them.
public struct RootHasNoAccessKeys: Check {
    public static let metadata = CheckMetadata(
        id: "root-no-access-keys", title: "Root has no access keys", practices: ["03"], severity: .critical,
        risk: "A root access key is a permanent, unrestrictable credential for the whole account.",
        remediation:
            "Sign in as root and delete every root access key (deactivating is not enough); use IAM roles instead.")

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let present = snapshot.rootAccessKeysPresent else {
            return [m.notEvaluated(snapshot, snapshot.rootSourcesUnavailable)]
        }
        var evidence: [String: JSONValue] = [
            "accessKeysPresent": .bool(present.value), "source": .string(present.source),
        ]
        let keys = snapshot.credentialReport.value?.root?.accessKeys.filter(\.exists) ?? []
        evidence["keys"] = .array(
            keys.map { key in
                .object([
                    "slot": .number(Double(key.slot)), "active": JSONValue(key.active),
                    "lastRotated": Describe.timestamp(key.lastRotated),
                    "lastUsed": Describe.timestamp(key.lastUsed), "lastUsedRegion": JSONValue(key.lastUsedRegion),
                    "lastUsedService": JSONValue(key.lastUsedService),
                ])
            })
        guard present.value else { return [m.finding(snapshot, .pass, "Root has no access keys.", evidence: evidence)] }
        let active = keys.filter { $0.active == true }.count
        let inactive = keys.filter { $0.active == false }.count
        var detail = "Root has access keys"
        if !keys.isEmpty {
            detail = "Root has \(Describe.plural(keys.count, "access key"))"
            if inactive > 0 {
                detail += " (\(active) active, \(inactive) inactive: inactive keys can be re-activated and still count)"
            }
        }
        return [m.finding(snapshot, .fail, detail + ".", evidence: evidence)]
    }
}
