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

    /// A practice about the root password: NOT_APPLICABLE when root has no console password, else attested.
    static func passwordPractice(
        _ metadata: CheckMetadata, practice: String, what: String, snapshot: Snapshot, context: EvaluationContext
    ) -> [Finding] {
        if snapshot.rootPasswordPresent?.value == false {
            return [metadata.finding(snapshot, .notApplicable, "Root has no console password.")]
        }
        return [evaluate(metadata, practice: practice, what: what, snapshot: snapshot, context: context)]
    }
}

extension CheckMetadata {
    /// The common start of the checks about root's MFA devices: NOT_APPLICABLE in GovCloud, NOT_EVALUATED when
    /// MFA cannot be told, and when root has no MFA: NOT_APPLICABLE if root has no credentials at all, else FAIL
    /// with `noMFA`. Nil when root has MFA and the check goes on.
    func rootMFAPrelude(_ snapshot: Snapshot, noMFA: String) -> Finding? {
        if let notApplicable = notApplicableInGovCloud(snapshot) { return notApplicable }
        guard let mfa = snapshot.rootMFAEnabled else { return notEvaluated(snapshot, snapshot.rootSourcesUnavailable) }
        guard !mfa.value else { return nil }
        if snapshot.rootHasNoCredentials == true {
            return finding(
                snapshot, .notApplicable, "Root has no credentials; MFA does not apply.",
                evidence: ["mfaEnabled": false])
        }
        return finding(snapshot, .fail, noMFA, evidence: ["mfaEnabled": false, "mfaSource": .string(mfa.source)])
    }

    /// NOT_APPLICABLE in AWS GovCloud (US), whose accounts have no root console sign-in; nil elsewhere.
    func notApplicableInGovCloud(_ snapshot: Snapshot, note: String = "") -> Finding? {
        guard snapshot.account.partition == "aws-us-gov" else { return nil }
        return finding(
            snapshot, .notApplicable, "AWS GovCloud (US) accounts have no root console sign-in\(note).",
            evidence: ["partition": "aws-us-gov"])
    }
}
