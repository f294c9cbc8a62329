import RootGuardModel

extension CheckMetadata {
    /// The monitoring facts, or the finding to return when they are missing.
    func monitoring(_ snapshot: Snapshot) -> Result<MonitoringFacts, FindingBox> {
        guard let collected = snapshot.monitoring else {
            return .failure(
                FindingBox(
                    notEvaluated(
                        snapshot,
                        Unavailable(
                            kind: "missing", reason: "the snapshot was taken without monitoring facts (ROOT-BP 16–20)"))
                ))
        }
        switch collected {
        case .value(let facts): return .success(facts)
        case .unavailable(let reason): return .failure(FindingBox(notEvaluated(snapshot, reason)))
        }
    }

    /// The NOT_EVALUATED finding for a snapshot without monitoring facts (or whose collection failed).
    func monitoringMissing(_ snapshot: Snapshot) -> Finding {
        switch monitoring(snapshot) {
        case .success: return notEvaluated(snapshot, Unavailable(kind: "missing", reason: "no monitoring facts"))
        case .failure(let box): return box.finding
        }
    }

    func regional(
        _ snapshot: Snapshot, region: String, _ status: Status, _ message: String, severity: Severity? = nil,
        evidence: [String: JSONValue] = [:]
    ) -> Finding {
        var finding = self.finding(snapshot, status, message, severity: severity, evidence: evidence)
        finding.region = region
        return finding
    }
}

/// A finding carried through `Result`.
struct FindingBox: Error {
    let finding: Finding
    init(_ finding: Finding) { self.finding = finding }
}
