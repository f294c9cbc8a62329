import RootGuardModel
import RootGuardPatterns

/// `--prove`: AWS's own evaluation (TestMetricFilter, TestEventPattern) agrees with rootguard's engine on every
/// canonical event, for every metric filter and rule examined.
public struct PatternProofsAgree: Check {
    public static let metadata = CheckMetadata(
        id: "pattern-proofs-agree", title: "AWS agrees with rootguard's reading of the root patterns",
        practices: ["17", "18"],
        severity: .low,
        risk:
            "A disagreement means a pattern behaves differently in AWS than rootguard judged it; its verdict cannot be trusted.",
        remediation:
            "Report the disagreement (pattern and event) to the rootguard project; meanwhile judge that pattern by AWS's answer."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let facts = snapshot.monitoring?.value, let proofs = facts.proofs else { return [] }  // only with --prove
        if proofs.isEmpty { return [m.finding(snapshot, .notApplicable, "No metric filter or rule to prove.")] }
        var findings: [Finding] = []
        for proof in proofs {
            let resource = "\(proof.kind) \(proof.name) (\(proof.region))"
            let answers: [String: Bool]
            switch proof.awsMatches {
            case .value(let value): answers = value
            case .unavailable(let reason):
                var finding = m.notEvaluated(snapshot, reason, resource: resource)
                finding.region = proof.region
                findings.append(finding)
                continue
            }
            var disagreements: [String] = []
            let local: (CanonicalEvent) -> Bool
            if proof.kind == "metricFilter", let parsed = try? LogFilterPattern.parse(proof.pattern) {
                local = { parsed.matches($0.record) }
            } else if let parsed = try? EventPattern.parse(proof.pattern) {
                local = { parsed.matches($0.eventBridgeEnvelope) }
            } else {
                local = { _ in false }
            }
            for event in CanonicalEvent.all {
                guard let aws = answers[event.id] else { continue }
                let ours = local(event)
                if aws != ours {
                    disagreements.append(
                        "\(event.title): AWS \(aws ? "matches" : "does not match"), rootguard \(ours ? "matches" : "does not")"
                    )
                }
            }
            var finding = m.finding(
                snapshot, disagreements.isEmpty ? .pass : .fail,
                disagreements.isEmpty
                    ? "AWS and rootguard agree on all \(answers.count) canonical events for \(resource)."
                    : "AWS and rootguard disagree for \(resource): \(disagreements.joined(separator: "; ")).",
                evidence: ["pattern": .string(proof.pattern)], resource: resource)
            finding.region = proof.region
            findings.append(finding)
        }
        return findings
    }
}
