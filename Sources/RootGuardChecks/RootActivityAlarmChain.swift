import Foundation
import RootGuardModel
import RootGuardPatterns

/// ROOT-BP 16 and 17 as one verdict: a multi-region trail that is logging without delivery errors and records
/// management events read and write → its log group → a metric filter whose pattern provably matches root
/// activity → an alarm on that metric (Sum, threshold ≤ 1, actions on) → an SNS topic → a confirmed subscriber.
/// The finding names the first broken link of the trail that got furthest.
public struct RootActivityAlarmChain: Check {
    public static let metadata = CheckMetadata(
        id: "root-activity-alarm-chain", title: "Root activity raises an alarm that reaches a person",
        practices: ["17"],
        severity: .high,
        risk: "Root activity that no alarm reports goes unnoticed until the damage is visible.",
        remediation:
            "On a multi-region trail delivering to CloudWatch Logs, add the metric filter { $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }, an alarm (Sum ≥ 1 over 5 minutes, actions enabled) and an SNS topic with a confirmed subscription."
    )

    public init() {}

    /// How far one trail gets along the chain.
    struct Progress {
        var trail: TrailFacts
        var links: [String]
        var broken: String?
        var evidence: [String: JSONValue]
    }

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard case .success(let facts) = m.monitoring(snapshot) else { return [m.monitoringMissing(snapshot)] }
        guard let trails = facts.trails.value else { return [m.notEvaluated(snapshot, facts.trails.unavailable!)] }
        if trails.isEmpty {
            return [
                m.finding(
                    snapshot, .fail, "Broken at the first link: no CloudTrail trail exists.",
                    evidence: ["regions": JSONValue(facts.regions)])
            ]
        }
        var progresses: [Progress] = []
        for trail in trails {
            switch Self.walk(trail) {
            case .success(let progress): progresses.append(progress)
            case .failure(let box): return [box.finding.with(snapshot: snapshot, metadata: m)]
            }
        }
        let best = progresses.max { $0.links.count < $1.links.count }!
        if best.broken == nil {
            return [
                m.finding(
                    snapshot, .pass,
                    "Root activity on trail \(best.trail.name) reaches a confirmed subscriber: \(best.links.joined(separator: " → ")).",
                    evidence: best.evidence)
            ]
        }
        return [
            m.finding(
                snapshot, .fail, "Broken link on trail \(best.trail.name): \(best.broken!).", evidence: best.evidence)
        ]
    }

    /// Walks one trail's chain; `.failure` carries a NOT_EVALUATED finding when a needed fact is unavailable.
    static func walk(_ trail: TrailFacts) -> Result<Progress, FindingBox> {
        var progress = Progress(trail: trail, links: [], broken: nil, evidence: ["trail": .string(trail.arn)])
        func fail(_ reason: String) -> Result<Progress, FindingBox> {
            progress.broken = reason
            return .success(progress)
        }
        func unavailable(_ reason: Unavailable) -> Result<Progress, FindingBox> {
            .failure(
                FindingBox(
                    Finding(
                        checkId: metadata.id, status: .notEvaluated, severity: metadata.severity, accountId: "",
                        resource: trail.arn, message: "Not evaluated: \(reason).", compliance: metadata.compliance,
                        evidence: ["trail": .string(trail.arn)], remediation: metadata.remediation)))
        }
        guard trail.isMultiRegion else { return fail("trail is not multi-region") }
        progress.links.append("multi-region trail")
        guard let status = trail.status.value else { return unavailable(trail.status.unavailable!) }
        guard status.isLogging else { return fail("trail is not logging (StopLogging)") }
        if let error = status.latestDeliveryError, !error.isEmpty {
            return fail("trail has a delivery error: \(error)")
        }
        progress.links.append("logging")
        guard let coverage = trail.selectors.value else { return unavailable(trail.selectors.unavailable!) }
        guard coverage.read && coverage.write else {
            return fail(
                "trail does not record management events \(coverage.read ? "" : "read")\(!coverage.read && !coverage.write ? " and " : "")\(coverage.write ? "" : "write") (\(coverage.form) selectors)"
            )
        }
        progress.links.append("management events read+write")
        guard let group = trail.logGroup else { return fail("trail does not deliver to CloudWatch Logs") }
        if let error = status.latestCloudWatchLogsDeliveryError, !error.isEmpty {
            return fail("CloudWatch Logs delivery error: \(error)")
        }
        progress.evidence["logGroup"] = .string(group.arn)
        progress.links.append("log group \(group.name) (\(group.region))")
        guard let filters = group.metricFilters.value else { return unavailable(group.metricFilters.unavailable!) }
        let judged = filters.map { ($0, RootPatternVerdicts.metricFilter($0.pattern)) }
        progress.evidence["metricFilters"] = .array(
            judged.map { filter, verdict in
                .object([
                    "name": .string(filter.name), "pattern": .string(filter.pattern),
                    "verdict": .string(verdict.summary),
                ])
            })
        let proven = judged.filter { $0.1.isProven }
        guard !proven.isEmpty else {
            if let closest = judged.first {
                return fail(
                    "no metric filter provably matches root activity (filter \(closest.0.name) \(closest.1.summary))")
            }
            return fail("the log group has no metric filter")
        }
        progress.links.append(
            "proven metric filter \(proven[0].0.name)\(proven[0].1.noisy.isEmpty ? "" : " (noisy: no invokedBy clause)")"
        )
        var alarmProblem = "no alarm on metric \(proven[0].0.metricNamespace)/\(proven[0].0.metricName)"
        for (filter, _) in proven {
            guard let alarms = filter.alarms.value else { return unavailable(filter.alarms.unavailable!) }
            for alarm in alarms {
                guard alarm.actionsEnabled else {
                    alarmProblem = "alarm \(alarm.name) has its actions disabled"; continue
                }
                if let statistic = alarm.statistic, !["Sum", "SampleCount", "Maximum"].contains(statistic) {
                    alarmProblem = "alarm \(alarm.name) uses statistic \(statistic), which can hide single events"
                    continue
                }
                if let comparison = alarm.comparison, !comparison.hasPrefix("GreaterThan") {
                    alarmProblem = "alarm \(alarm.name) compares with \(comparison), so root activity does not raise it"
                    continue
                }
                if let threshold = alarm.threshold,
                    threshold > 1 || (alarm.comparison == "GreaterThanThreshold" && threshold >= 1)
                {
                    alarmProblem = "alarm \(alarm.name) needs \(threshold) events before it fires"
                    continue
                }
                guard !alarm.topics.isEmpty else {
                    alarmProblem = "alarm \(alarm.name) notifies no SNS topic"; continue
                }
                var topicProblem = "alarm \(alarm.name)'s topics have no confirmed subscription"
                for topic in alarm.topics {
                    guard let subscriptions = topic.subscriptions.value else {
                        return unavailable(topic.subscriptions.unavailable!)
                    }
                    if let confirmed = subscriptions.first(where: \.isConfirmed) {
                        progress.links.append("alarm \(alarm.name)")
                        progress.links.append("topic \(topic.arn.split(separator: ":").last ?? "")")
                        progress.links.append("\(confirmed.protocol) subscriber")
                        progress.evidence["alarm"] = .string(alarm.name)
                        progress.evidence["topic"] = .string(topic.arn)
                        return .success(progress)
                    }
                    topicProblem =
                        subscriptions.isEmpty
                        ? "topic \(topic.arn) has no subscription"
                        : "topic \(topic.arn) has only pending subscriptions (PendingConfirmation)"
                }
                alarmProblem = topicProblem
            }
        }
        return fail(alarmProblem)
    }
}

extension Finding {
    func with(snapshot: Snapshot, metadata: CheckMetadata) -> Finding {
        var copy = self
        copy.accountId = snapshot.account.accountID
        return copy
    }
}

/// ROOT-BP 16: a multi-region trail logging management events read and write.
public struct MultiRegionTrailLogging: Check {
    public static let metadata = CheckMetadata(
        id: "cloudtrail-multi-region-logging", title: "A multi-region trail records management events",
        practices: ["16"],
        severity: .high,
        risk: "Without a trail recording every region's management events, root activity leaves no evidence.",
        remediation: "Create (or fix) a multi-region trail with management events Read and Write, and start logging.")

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        let m = metadata
        guard case .success(let facts) = m.monitoring(snapshot) else { return [m.monitoringMissing(snapshot)] }
        guard let trails = facts.trails.value else { return [m.notEvaluated(snapshot, facts.trails.unavailable!)] }
        var problems: [String] = []
        for trail in trails {
            if !trail.isMultiRegion { problems.append("\(trail.name): single-region"); continue }
            guard let status = trail.status.value else { return [m.notEvaluated(snapshot, trail.status.unavailable!)] }
            if !status.isLogging { problems.append("\(trail.name): not logging"); continue }
            if let error = status.latestDeliveryError, !error.isEmpty {
                problems.append("\(trail.name): delivery error \(error)"); continue
            }
            guard let coverage = trail.selectors.value else {
                return [m.notEvaluated(snapshot, trail.selectors.unavailable!)]
            }
            if !(coverage.read && coverage.write) {
                problems.append("\(trail.name): management events not read+write"); continue
            }
            return [
                m.finding(
                    snapshot, .pass,
                    "Trail \(trail.name) is multi-region, logging, and records management events read and write\(trail.isOrganizationTrail ? " (organization trail)" : "").",
                    evidence: ["trail": .string(trail.arn), "homeRegion": .string(trail.homeRegion)])
            ]
        }
        return [
            m.finding(
                snapshot, .fail,
                trails.isEmpty
                    ? "No CloudTrail trail exists." : "No trail qualifies: \(problems.joined(separator: "; ")).",
                evidence: ["trails": JSONValue(trails.map(\.arn))])
        ]
    }
}
