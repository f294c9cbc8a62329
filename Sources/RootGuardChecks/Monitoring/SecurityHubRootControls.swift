import RootGuardModel
import RootGuardPatterns

/// ROOT-BP 20: Security Hub enabled with FSBP or CIS (which carry IAM.4, IAM.6, IAM.9, CloudWatch.1, Account.1).
public struct SecurityHubRootControls: Check {
    public static let metadata = CheckMetadata(
        id: "securityhub-root-controls", title: "Security Hub runs a standard with the root controls",
        practices: ["20"],
        severity: .low,
        risk: "Security Hub's root controls give a second, continuous opinion; without a standard they do not run.",
        remediation:
            "Enable Security Hub with AWS Foundational Security Best Practices or the CIS AWS Foundations Benchmark in the account's main region."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let facts = try need.monitoring()
            let region = snapshot.account.region
            let examined = facts.regions.contains(region) ? region : (facts.regions.first ?? region)
            guard let hub = facts.securityHub[examined] else {
                return [
                    m.notEvaluated(
                        snapshot, Unavailable(kind: .missing, reason: "Security Hub not collected for \(examined)"))
                ]
            }
            let hubFacts = try need(hub)
            guard hubFacts.enabled else {
                return [m.regional(snapshot, region: examined, .fail, "Security Hub is not enabled in \(examined).")]
            }
            let standards: [String]
            switch hubFacts.standards {
            case .value(let value): standards = value
            case .unavailable(var reason):
                reason.reason =
                    "Security Hub is enabled in \(examined), but its standards could not be read: " + reason.reason
                var finding = m.notEvaluated(snapshot, reason)
                finding.region = examined
                return [finding]
            }
            let names = standards.filter {
                $0.contains("aws-foundational-security-best-practices") || $0.contains("cis-aws-foundations-benchmark")
            }
            if names.isEmpty {
                return [
                    m.regional(
                        snapshot, region: examined, .fail,
                        "Security Hub is enabled in \(examined) without FSBP or CIS (enabled: \(standards.isEmpty ? "none" : standards.joined(separator: ", ")))."
                    )
                ]
            }
            return [
                m.regional(
                    snapshot, region: examined, .pass,
                    "Security Hub in \(examined) runs \(names.map { $0.split(separator: "/").dropFirst().joined(separator: "/") }.joined(separator: ", ")).",
                    evidence: ["standards": JSONValue(standards)])
            ]
        }
    }
}
