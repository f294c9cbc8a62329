import RootGuardModel
import RootGuardPatterns

/// ROOT-BP 19: GuardDuty on in every examined region, root findings not auto-archived.
public struct GuardDutyWatchesRoot: Check {
    public static let metadata = CheckMetadata(
        id: "guardduty-root-findings", title: "GuardDuty is on everywhere and root findings are not suppressed",
        practices: ["19"],
        severity: .medium,
        risk:
            "GuardDuty reports root credential use (Policy:IAMUser/RootCredentialUsage); a region without a detector, or an archive filter, hides it.",
        remediation:
            "Enable GuardDuty in every enabled region (ideally org-wide) and remove archive filters that cover Policy:IAMUser/RootCredentialUsage or Policy:IAMUser/ShortTermRootCredentialUsage."
    )

    public init() {}

    static let rootFindingTypes = ["Policy:IAMUser/RootCredentialUsage", "Policy:IAMUser/ShortTermRootCredentialUsage"]

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let facts = try need.monitoring()
            var missing: [String] = []
            var suppressed: [String] = []
            for region in facts.regions {
                guard let detectors = facts.guardDuty[region]?.value else {
                    return [
                        m.notEvaluated(
                            snapshot,
                            facts.guardDuty[region]?.unavailable
                                ?? Unavailable(kind: .missing, reason: "GuardDuty not collected for \(region)"))
                    ]
                }
                let enabled = detectors.filter { $0.status == "ENABLED" }
                if enabled.isEmpty { missing.append(region); continue }
                for detector in enabled {
                    let filters = try need(detector.filters)
                    for filter in filters where filter.action == "ARCHIVE" {
                        let named = filter.types.filter { Self.rootFindingTypes.contains($0) }
                        if !named.isEmpty {
                            suppressed.append(
                                "\(region) filter \(filter.name) archives \(named.joined(separator: ", "))")
                        } else if filter.types.isEmpty {
                            suppressed.append(
                                "\(region) filter \(filter.name) archives findings of every type matching \(filter.criteria)"
                            )
                        }
                    }
                }
            }
            let evidence: [String: JSONValue] = [
                "regions": JSONValue(facts.regions), "regionsSource": .string(facts.regionsSource),
                "withoutDetector": JSONValue(missing), "suppressing": JSONValue(suppressed),
            ]
            var problems: [String] = []
            if !missing.isEmpty { problems.append("no enabled detector in \(missing.joined(separator: ", "))") }
            if !suppressed.isEmpty { problems.append(suppressed.joined(separator: "; ")) }
            if !problems.isEmpty {
                return [
                    m.finding(snapshot, .fail, "GuardDuty: \(problems.joined(separator: "; ")).", evidence: evidence)
                ]
            }
            if !facts.regionsAreComplete {
                return [
                    m.notEvaluated(
                        snapshot, RootEventBridgeRules.regionsUnknown(facts, "GuardDuty is on"), evidence: evidence)
                ]
            }
            return [
                m.finding(
                    snapshot, .pass,
                    "GuardDuty is enabled in all \(facts.regions.count) examined regions (\(facts.regionsSource)) and no filter archives root findings.",
                    evidence: evidence)
            ]
        }
    }
}
