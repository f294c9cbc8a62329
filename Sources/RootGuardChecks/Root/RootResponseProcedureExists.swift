import RootGuardModel

/// ROOT-BP 21.
public struct RootResponseProcedureExists: Check {
    public static let metadata = CheckMetadata(
        id: "root-response-procedure", title: "A response procedure for root alerts exists", practices: ["21"],
        severity: .medium,
        risk: "Root alerts nobody validates are noise; an attacker's root session looks like any other.",
        remediation:
            "Write a runbook: who validates a root alert, how approved break-glass windows are recorded (rootguard trail --approvals), and the escalation path."
    )
    public init() {}
    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard let runbook = context.attestations?.runbook else {
            return [
                m.finding(
                    snapshot, .manual,
                    "Attest the runbook for root alerts (location, validators, escalation, approvals file) in the attestations file."
                )
            ]
        }
        let evidence: [String: JSONValue] = [
            "location": .string(runbook.location), "validators": JSONValue(runbook.validators),
            "escalation": .string(runbook.escalation), "approvalsFile": JSONValue(runbook.approvalsFile),
            "attestedBy": .string(runbook.evidence.attestedBy),
            "expires": .string(Describe.day(runbook.evidence.expires)),
        ]
        if runbook.evidence.expires <= context.now {
            return [
                m.finding(
                    snapshot, .fail, "The runbook attestation expired on \(Describe.day(runbook.evidence.expires)).",
                    evidence: evidence)
            ]
        }
        if runbook.validators.isEmpty {
            return [
                m.finding(snapshot, .fail, "The runbook names nobody who validates root alerts.", evidence: evidence)
            ]
        }
        if runbook.approvalsFile == nil {
            return [
                m.finding(
                    snapshot, .fail,
                    "The runbook has no approvals file for break-glass windows, so expected and unexpected root use cannot be told apart.",
                    severity: .low, evidence: evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .pass,
                "Runbook at \(runbook.location); validated by \(runbook.validators.joined(separator: ", ")); approvals in \(runbook.approvalsFile!).",
                evidence: evidence)
        ]
    }
}
