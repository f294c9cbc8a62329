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
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let facts = try need.monitoring()
            let trails = try need(facts.trails)
            if trails.isEmpty {
                return [
                    m.finding(
                        snapshot, .fail, "Broken at the first link: no CloudTrail trail exists.",
                        evidence: ["regions": JSONValue(facts.regions)])
                ]
            }
            var progresses: [Progress] = []
            for trail in trails { progresses.append(try Self.walk(trail, need)) }
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
                    snapshot, .fail, "Broken link on trail \(best.trail.name): \(best.broken!).",
                    evidence: best.evidence)
            ]
        }
    }

    /// Walks one trail's chain; a needed fact that is unavailable ends the check NOT_EVALUATED (about the trail).
    static func walk(_ trail: TrailFacts, _ need: Needs) throws(NotEvaluated) -> Progress {
        var progress = Progress(trail: trail, links: [], broken: nil, evidence: ["trail": .string(trail.arn)])
        func fail(_ reason: String) -> Progress {
            progress.broken = reason
            return progress
        }
        func needed<T>(_ fact: Collected<T>) throws(NotEvaluated) -> T {
            try need(fact, evidence: ["trail": .string(trail.arn)], resource: trail.arn)
        }
        guard trail.isMultiRegion else { return fail("trail is not multi-region") }
        progress.links.append("multi-region trail")
        let status = try needed(trail.status)
        guard status.isLogging else { return fail("trail is not logging (StopLogging)") }
        if let error = status.latestDeliveryError, !error.isEmpty {
            return fail("trail has a delivery error: \(error)")
        }
        progress.links.append("logging")
        let coverage = try needed(trail.selectors)
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
        let filters = try needed(group.metricFilters)
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
            let alarms = try needed(filter.alarms)
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
                    let subscriptions = try needed(topic.subscriptions)
                    if let confirmed = subscriptions.first(where: \.isConfirmed) {
                        progress.links.append("alarm \(alarm.name)")
                        progress.links.append("topic \(ARN(rawValue: topic.arn)?.resourceName ?? topic.arn)")
                        progress.links.append("\(confirmed.protocol) subscriber")
                        progress.evidence["alarm"] = .string(alarm.name)
                        progress.evidence["topic"] = .string(topic.arn)
                        return progress
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
