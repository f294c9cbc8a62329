import RootGuardModel
import RootGuardPatterns

/// ROOT-BP 18: an enabled EventBridge rule with a target whose pattern provably matches root sign-in (in
/// us-east-1, where sign-in events arrive) and one matching root API calls in every examined region.
public struct RootEventBridgeRules: Check {
    public static let metadata = CheckMetadata(
        id: "root-eventbridge-rules", title: "EventBridge rules alert on root sign-in and root API calls",
        practices: ["18"],
        severity: .medium,
        risk: "Without a real-time rule, root sign-in is only noticed in a later log review.",
        remediation:
            "In us-east-1 add an enabled rule {\"detail-type\":[\"AWS Console Sign In via CloudTrail\"],\"detail\":{\"userIdentity\":{\"type\":[\"Root\"]}}} with a target; in every region a rule {\"detail-type\":[\"AWS API Call via CloudTrail\"],\"detail\":{\"userIdentity\":{\"type\":[\"Root\"]}}}."
    )

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let facts = try need.monitoring()
            var signInCovered = false
            var apiMissing: [String] = []
            var evidence: [String: JSONValue] = [:]
            for region in facts.regions {
                guard let rules = facts.eventRules[region]?.value else {
                    return [
                        m.notEvaluated(
                            snapshot,
                            facts.eventRules[region]?.unavailable
                                ?? Unavailable(kind: .missing, reason: "no rules collected for \(region)"))
                    ]
                }
                var covered: Set<CanonicalEvent.Category> = []
                var notes: [String] = []
                for rule in rules {
                    guard let pattern = rule.pattern else { continue }
                    let categories = RootPatternVerdicts.coveredCategories(ofEventRule: pattern)
                    guard !categories.isEmpty else { continue }
                    if !rule.state.hasPrefix("ENABLED") { notes.append("\(rule.name) is \(rule.state)"); continue }
                    let targets = try need(rule.targets)
                    if targets.isEmpty { notes.append("\(rule.name) has no target"); continue }
                    covered.formUnion(categories)
                }
                evidence[region] = .object([
                    "covers": JSONValue(covered.map(\.rawValue).sorted()), "notes": JSONValue(notes),
                ])
                if region == "us-east-1" && covered.contains(.rootSignIn) { signInCovered = true }
                if !covered.contains(.rootAPI) { apiMissing.append(region) }
            }
            var problems: [String] = []
            if !signInCovered {
                problems.append(
                    facts.regions.contains("us-east-1")
                        ? "no enabled rule with a target matches root console sign-in in us-east-1"
                        : "us-east-1 (where sign-in events arrive) was not examined")
            }
            if !apiMissing.isEmpty {
                problems.append(
                    "no enabled rule with a target matches root API calls in \(apiMissing.joined(separator: ", "))")
            }
            if problems.isEmpty {
                if !facts.regionsAreComplete {
                    return [
                        m.notEvaluated(
                            snapshot, Self.regionsUnknown(facts, "root sign-in and API rules are in place"),
                            evidence: evidence)
                    ]
                }
                return [
                    m.finding(
                        snapshot, .pass,
                        "Root sign-in (us-east-1) and root API calls (\(facts.regions.count) regions) trigger enabled rules with targets.",
                        evidence: evidence)
                ]
            }
            return [m.finding(snapshot, .fail, "EventBridge: \(problems.joined(separator: "; ")).", evidence: evidence)]
        }
    }
}

extension RootEventBridgeRules {
    /// "Every region" cannot be proven when the enabled regions are unknown.
    static func regionsUnknown(_ facts: MonitoringFacts, _ what: String) -> Unavailable {
        Unavailable(
            kind: .regionsUnknown,
            reason:
                "\(what) in \(facts.regions.joined(separator: ", ")), but the account's enabled regions could not be listed (\(facts.regionsSource))",
            action: "account:ListRegions")
    }
}
