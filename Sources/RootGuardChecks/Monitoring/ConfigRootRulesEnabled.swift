import RootGuardModel
import RootGuardPatterns

/// ROOT-BP 20: AWS Config records with the three root managed rules.
public struct ConfigRootRulesEnabled: Check {
    public static let metadata = CheckMetadata(
        id: "config-root-rules", title: "AWS Config records and evaluates the root managed rules", practices: ["20"],
        severity: .low,
        risk: "Without the Config rules, a regression (a new root key, MFA removed) is not flagged between audits.",
        remediation:
            "Run a Config recorder that records global IAM resources, and deploy ROOT_ACCOUNT_MFA_ENABLED, ROOT_ACCOUNT_HARDWARE_MFA_ENABLED and IAM_ROOT_ACCESS_KEY_CHECK."
    )

    public init() {}

    static let required = [
        "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
    ]

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let facts = try need.monitoring()
            var best: (region: String, missing: [String], recording: Bool)?
            for region in facts.regions {
                guard let config = facts.config[region]?.value else {
                    return [
                        m.notEvaluated(
                            snapshot,
                            facts.config[region]?.unavailable
                                ?? Unavailable(kind: .missing, reason: "Config not collected for \(region)"))
                    ]
                }
                let recording = config.recorders.values.contains(true)
                let identifiers = Set(config.rules.values)
                let missing = Self.required.filter { !identifiers.contains($0) }
                if recording && missing.isEmpty {
                    return [
                        m.regional(
                            snapshot, region: region, .pass,
                            "Config is recording in \(region) with \(Self.required.joined(separator: ", ")).",
                            evidence: ["rules": JSONValue(config.rules.keys.sorted())])
                    ]
                }
                if best == nil || (recording && !best!.recording) || missing.count < best!.missing.count {
                    best = (region, missing, recording)
                }
            }
            guard let best else { return [m.finding(snapshot, .fail, "No region was examined.")] }
            var problems: [String] = []
            if !best.recording { problems.append("no recorder is recording") }
            if !best.missing.isEmpty { problems.append("missing \(best.missing.joined(separator: ", "))") }
            return [
                m.regional(
                    snapshot, region: best.region, .fail,
                    "AWS Config (best region \(best.region)): \(problems.joined(separator: "; ")).")
            ]
        }
    }
}
