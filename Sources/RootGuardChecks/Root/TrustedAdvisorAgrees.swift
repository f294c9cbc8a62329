import RootGuardModel

/// ROOT-BP 01, a second opinion: Trusted Advisor's "MFA on Root Account" check against rootguard's own verdict
/// (`root-mfa-enabled`). A disagreement is a finding (one of the two is wrong or stale: Trusted Advisor refreshes on
/// its own schedule); without Business or Enterprise support the check does not apply, and nothing fails because of
/// it.
public struct TrustedAdvisorAgrees: Check {
    public static let metadata = CheckMetadata(
        id: "trusted-advisor-root-mfa-agrees", title: "Trusted Advisor agrees about root MFA", practices: ["01"],
        severity: .low,
        risk:
            "A disagreement means one view of root's MFA is wrong or stale; the one people read may be the wrong one.",
        remediation:
            "Refresh Trusted Advisor's \"MFA on Root Account\" check (support:RefreshTrustedAdvisorCheck) and compare with the root user's security credentials page."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            guard let collected = snapshot.trustedAdvisor else {
                throw need.missing(
                    Unavailable(kind: .missing, reason: "the snapshot was taken before Trusted Advisor was read"))
            }
            let advisor = try need(collected)
            guard let status = advisor.status else {
                return [
                    m.finding(
                        snapshot, .notApplicable,
                        "The account's support plan has no Trusted Advisor API (SubscriptionRequiredException); rootguard's own verdict stands alone."
                    )
                ]
            }
            let ours = RootHasMFA().evaluate(snapshot, context).first
            let evidence: [String: JSONValue] = [
                "trustedAdvisor": .string(status), "rootguard": .string(ours?.status.rawValue ?? "none"),
                "refreshedAt": JSONValue(advisor.refreshedAt),
            ]
            guard let ours, ours.status == .pass || ours.status == .fail, status == "ok" || status == "error" else {
                return [
                    m.finding(
                        snapshot, .notApplicable,
                        "Nothing to compare: Trusted Advisor says \(status), rootguard \(ours?.status.rawValue ?? "has no verdict").",
                        evidence: evidence)
                ]
            }
            let advisorHasMFA = status == "ok"
            let rootguardHasMFA = ours.status == .pass
            if advisorHasMFA == rootguardHasMFA {
                return [
                    m.finding(
                        snapshot, .pass,
                        "Trusted Advisor agrees: root \(advisorHasMFA ? "has" : "has no") MFA.", evidence: evidence)
                ]
            }
            return [
                m.finding(
                    snapshot, .fail,
                    "Trusted Advisor says root \(advisorHasMFA ? "has" : "has no") MFA (status \(status)\(advisor.refreshedAt.map { ", refreshed \($0)" } ?? "")); rootguard's own verdict is \(ours.status.rawValue): \(ours.message)",
                    evidence: evidence)
            ]
        }
    }
}
