import RootGuardModel

extension Needs {
    /// The monitoring facts, or NOT_EVALUATED when the snapshot was taken without them or their collection failed.
    func monitoring() throws(NotEvaluated) -> MonitoringFacts {
        guard let collected = snapshot.monitoring else {
            throw missing(
                Unavailable(kind: .skipped, reason: "the snapshot was taken without monitoring facts (ROOT-BP 16–20)"))
        }
        return try self(collected)
    }
}

extension CheckMetadata {
    func regional(
        _ snapshot: Snapshot, region: String, _ status: Status, _ message: String, severity: Severity? = nil,
        evidence: [String: JSONValue] = [:]
    ) -> Finding {
        var finding = self.finding(snapshot, status, message, severity: severity, evidence: evidence)
        finding.region = region
        return finding
    }
}
