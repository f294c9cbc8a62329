import RootGuardModel

/// Evaluation of a practice that only people can vouch for: MANUAL until attested, FAIL when the attestation
/// expired or records a failure, PASS with the attestation as evidence.
enum Attested {
    static func evaluate(
        _ metadata: CheckMetadata, practice: String, what: String, snapshot: Snapshot, context: EvaluationContext
    ) -> Finding {
        guard let attestation = context.attestations?.latest(practice: practice) else {
            return metadata.finding(snapshot, .manual, "Attest: \(what)", evidence: ["attestation": .null])
        }
        let evidence: [String: JSONValue] = [
            "statement": .string(attestation.statement), "attestedBy": .string(attestation.evidence.attestedBy),
            "attestedAt": .string(Describe.day(attestation.evidence.attestedAt)),
            "verification": .string(attestation.evidence.verification),
            "expires": .string(Describe.day(attestation.evidence.expires)), "satisfied": .bool(attestation.satisfied),
        ]
        if attestation.evidence.expires <= context.now {
            return metadata.finding(
                snapshot, .fail,
                "The attestation by \(attestation.evidence.attestedBy) expired on \(Describe.day(attestation.evidence.expires)); attest again: \(what)",
                evidence: evidence)
        }
        if !attestation.satisfied {
            return metadata.finding(
                snapshot, .fail, "Attested as not met by \(attestation.evidence.attestedBy): \(attestation.statement)",
                evidence: evidence)
        }
        return metadata.finding(
            snapshot, .pass,
            "Attested by \(attestation.evidence.attestedBy) on \(Describe.day(attestation.evidence.attestedAt)): \(attestation.statement)",
            evidence: evidence)
    }
}

/// ROOT-BP 06.
public struct RootPasswordIsStrong: Check {
    public static let metadata = CheckMetadata(
        id: "root-password-strong", title: "Root password is long and random", practices: ["06"], severity: .high,
        risk: "A guessable or reused root password is the first step of an account takeover.",
        remediation:
            "Generate one with `rootguard password generate` (128 characters, AWS's maximum) and store it in the password manager."
    )
    public init() {}
    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        if snapshot.rootPasswordPresent?.value == false {
            return [metadata.finding(snapshot, .notApplicable, "Root has no console password.")]
        }
        return [
            Attested.evaluate(
                metadata, practice: "06",
                what:
                    "the root password meets AWS's rules (8–128 characters, 3 of 4 character classes, not the account name or e-mail), is randomly generated and not reused; `rootguard password check` verifies one.",
                snapshot: snapshot, context: context)
        ]
    }
}

/// ROOT-BP 07.
public struct RootPasswordInPasswordManager: Check {
    public static let metadata = CheckMetadata(
        id: "root-password-in-password-manager", title: "Root password kept in a password manager", practices: ["07"],
        severity: .medium,
        risk: "A password kept in a tool that depends on this AWS account is lost exactly when it is needed.",
        remediation:
            "Store the root password in a password manager (or sealed vault) that does not run on or depend on this AWS account."
    )
    public init() {}
    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        if snapshot.rootPasswordPresent?.value == false {
            return [metadata.finding(snapshot, .notApplicable, "Root has no console password.")]
        }
        return [
            Attested.evaluate(
                metadata, practice: "07",
                what: "the root password is kept in a password manager that does not depend on this AWS account.",
                snapshot: snapshot, context: context)
        ]
    }
}

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
