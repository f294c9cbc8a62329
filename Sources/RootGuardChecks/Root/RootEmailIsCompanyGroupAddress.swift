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

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        let email: String
        var evidence: [String: JSONValue] = [:]
        if let override = context.rootEmailOverride {
            email = override
            evidence["source"] = "--root-email"
        } else {
            switch snapshot.rootEmail {
            case .value(let collected):
                email = collected
                evidence["source"] = "AWS"
            case .unavailable(var reason):
                reason.reason += "; pass --root-email to judge it"
                return [m.notEvaluated(snapshot, reason)]
            }
        }
        evidence["email"] = .string(email)
        let verdict = RootEmailClassification.judge(email, policy: context.emailPolicy)
        evidence.merge(verdict.evidence) { $1 }
        return [m.finding(snapshot, verdict.status, verdict.message, severity: verdict.severity, evidence: evidence)]
    }
}
