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
        let m = metadata
        guard case .success(let facts) = m.monitoring(snapshot) else { return [m.monitoringMissing(snapshot)] }
        var signInCovered = false
        var apiMissing: [String] = []
        var evidence: [String: JSONValue] = [:]
        for region in facts.regions {
            guard let rules = facts.eventRules[region]?.value else {
                return [
                    m.notEvaluated(
                        snapshot,
                        facts.eventRules[region]?.unavailable
                            ?? Unavailable(kind: "missing", reason: "no rules collected for \(region)"))
                ]
            }
            var covered: Set<CanonicalEvent.Category> = []
            var notes: [String] = []
            for rule in rules {
                guard let pattern = rule.pattern else { continue }
                let categories = RootPatternVerdicts.coveredCategories(ofEventRule: pattern)
                guard !categories.isEmpty else { continue }
                if !rule.state.hasPrefix("ENABLED") { notes.append("\(rule.name) is \(rule.state)"); continue }
                guard let targets = rule.targets.value else {
                    return [m.notEvaluated(snapshot, rule.targets.unavailable!)]
                }
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

extension RootEventBridgeRules {
    /// "Every region" cannot be proven when the enabled regions are unknown.
    static func regionsUnknown(_ facts: MonitoringFacts, _ what: String) -> Unavailable {
        Unavailable(
            kind: "regionsUnknown",
            reason:
                "\(what) in \(facts.regions.joined(separator: ", ")), but the account's enabled regions could not be listed (\(facts.regionsSource))",
            action: "account:ListRegions")
    }
}

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
        let m = metadata
        guard case .success(let facts) = m.monitoring(snapshot) else { return [m.monitoringMissing(snapshot)] }
        var missing: [String] = []
        var suppressed: [String] = []
        for region in facts.regions {
            guard let detectors = facts.guardDuty[region]?.value else {
                return [
                    m.notEvaluated(
                        snapshot,
                        facts.guardDuty[region]?.unavailable
                            ?? Unavailable(kind: "missing", reason: "GuardDuty not collected for \(region)"))
                ]
            }
            let enabled = detectors.filter { $0.status == "ENABLED" }
            if enabled.isEmpty { missing.append(region); continue }
            for detector in enabled {
                guard let filters = detector.filters.value else {
                    return [m.notEvaluated(snapshot, detector.filters.unavailable!)]
                }
                for filter in filters where filter.action == "ARCHIVE" {
                    let named = filter.types.filter { Self.rootFindingTypes.contains($0) }
                    if !named.isEmpty {
                        suppressed.append("\(region) filter \(filter.name) archives \(named.joined(separator: ", "))")
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
            return [m.finding(snapshot, .fail, "GuardDuty: \(problems.joined(separator: "; ")).", evidence: evidence)]
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
        let m = metadata
        guard case .success(let facts) = m.monitoring(snapshot) else { return [m.monitoringMissing(snapshot)] }
        var best: (region: String, missing: [String], recording: Bool)?
        for region in facts.regions {
            guard let config = facts.config[region]?.value else {
                return [
                    m.notEvaluated(
                        snapshot,
                        facts.config[region]?.unavailable
                            ?? Unavailable(kind: "missing", reason: "Config not collected for \(region)"))
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
        let m = metadata
        guard case .success(let facts) = m.monitoring(snapshot) else { return [m.monitoringMissing(snapshot)] }
        let region = snapshot.account.region
        let examined = facts.regions.contains(region) ? region : (facts.regions.first ?? region)
        guard let hub = facts.securityHub[examined] else {
            return [
                m.notEvaluated(
                    snapshot, Unavailable(kind: "missing", reason: "Security Hub not collected for \(examined)"))
            ]
        }
        guard case .value(let facts) = hub else { return [m.notEvaluated(snapshot, hub.unavailable!)] }
        guard facts.enabled else {
            return [m.regional(snapshot, region: examined, .fail, "Security Hub is not enabled in \(examined).")]
        }
        guard let standards = facts.standards.value else {
            var reason = facts.standards.unavailable!
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
