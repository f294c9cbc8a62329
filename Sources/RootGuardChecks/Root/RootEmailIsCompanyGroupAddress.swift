import Foundation
import RootGuardModel

/// ROOT-BP 09: the root e-mail is on a company-owned domain and is a group address, not a person's mailbox.
public struct RootEmailIsCompanyGroupAddress: Check {
    public static let metadata = CheckMetadata(
        id: "root-email-company-group", title: "Root e-mail is a company-owned group address", practices: ["09"],
        severity: .high,
        risk:
            "The root e-mail resets the root password: a personal or free-mail inbox leaves the account with one person, or with a consumer provider's recovery process.",
        remediation:
            "Change the root e-mail (as root, Account settings) to a distribution list on a company domain, e.g. aws-prod-root@example.com, unique to this account."
    )

    public init() {}

    /// Reported facts win: `--root-email` fills in the address only where no API shows it. Where AWS reports one,
    /// AWS's address is judged; a different `--root-email` is shown beside it and never makes the finding PASS.
    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        let email: String
        var evidence: [String: JSONValue] = [:]
        var disagreement: String?
        switch (snapshot.rootEmail, context.rootEmailOverride) {
        case (.value(let reported), let given?):
            email = reported
            evidence["source"] = "AWS"
            evidence["given"] = .string(given)
            if given.lowercased() != reported.lowercased() {
                disagreement =
                    "AWS reports the root e-mail as \(reported), not \(given) (--root-email): AWS's address is the one judged"
            }
        case (.value(let reported), nil):
            email = reported
            evidence["source"] = "AWS"
        case (.unavailable, let given?):
            email = given
            evidence["source"] = "--root-email (no API shows it)"
        case (.unavailable(var reason), nil):
            reason.reason += "; pass --root-email to judge it"
            return [m.notEvaluated(snapshot, reason)]
        }
        evidence["email"] = .string(email)
        let verdict = RootEmailClassification.judge(email, policy: context.emailPolicy)
        evidence.merge(verdict.evidence) { $1 }
        guard let disagreement else {
            return [
                m.finding(snapshot, verdict.status, verdict.message, severity: verdict.severity, evidence: evidence)
            ]
        }
        evidence["disagreement"] = .string(disagreement)
        // A disagreement is never PASS: FAIL when AWS's address fails on its own, else not evaluated until resolved.
        if verdict.status == .fail {
            return [
                m.finding(
                    snapshot, .fail, "\(disagreement). \(verdict.message)", severity: verdict.severity,
                    evidence: evidence)
            ]
        }
        return [
            m.notEvaluated(
                snapshot,
                Unavailable(
                    kind: .error,
                    reason:
                        "\(disagreement); on its own it would be \(verdict.status.rawValue) (\(verdict.message)) — resolve the disagreement: correct --root-email, or the account's root e-mail"
                ), evidence: evidence)
        ]
    }
}
