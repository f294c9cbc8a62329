import Foundation
import RootGuardAWS
import RootGuardModel

/// Collects how root activity is monitored (ROOT-BP 16–20), region by region. Read-only.
///
/// Each trail's status and selectors are read in its home region; its log group's metric filters, the alarms on
/// their metrics and the alarms' SNS topics are read in the log group's and topics' own regions.
public struct MonitoringCollector: Sendable {
    public static let requiredActions: [String] = [
        "account:ListRegions",
        "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
        "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarmsForMetric", "cloudwatch:DescribeAlarms",
        "sns:ListSubscriptionsByTopic",
        "events:ListRules", "events:ListTargetsByRule",
        "guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:ListFilters", "guardduty:GetFilter",
        "config:DescribeConfigurationRecorderStatus", "config:DescribeConfigRules",
        "securityhub:DescribeHub", "securityhub:GetEnabledStandards", "securityhub:ListTagsForResource",
    ]

    public let client: AWSClient
    /// Regions to examine; nil asks `account:ListRegions` for the enabled ones.
    public let regions: [String]?

    public init(client: AWSClient, regions: [String]?) {
        self.client = client
        self.regions = regions
    }

    public func collect() async -> Collected<MonitoringFacts> {
        let (regions, source) = await enabledRegions()
        let trails = await gather { try await trailFacts(regions: regions) }
        // At most four regions at once, each with four services in flight.
        let perRegion = await regions.concurrentMap(maxConcurrency: 4) { region in
            let awsRegion = AWSRegion(region)
            async let rules = gather { try await eventRuleFacts(awsRegion) }
            async let detectors = gather { try await detectorFacts(awsRegion) }
            async let recorder = gather { try await configFacts(awsRegion) }
            async let hub = gather { try await securityHubFacts(awsRegion) }
            return RegionFacts(
                region: region, eventRules: await rules, guardDuty: await detectors, config: await recorder,
                securityHub: await hub)
        }
        let eventRules = Dictionary(perRegion.map { ($0.region, $0.eventRules) }, uniquingKeysWith: { a, _ in a })
        let guardDuty = Dictionary(perRegion.map { ($0.region, $0.guardDuty) }, uniquingKeysWith: { a, _ in a })
        let config = Dictionary(perRegion.map { ($0.region, $0.config) }, uniquingKeysWith: { a, _ in a })
        let securityHub = Dictionary(perRegion.map { ($0.region, $0.securityHub) }, uniquingKeysWith: { a, _ in a })
        return .value(
            MonitoringFacts(
                regions: regions, regionsSource: source, trails: trails, eventRules: eventRules, guardDuty: guardDuty,
                config: config, securityHub: securityHub))
    }

    /// What one region's detection services hold.
    private struct RegionFacts: Sendable {
        var region: String
        var eventRules: Collected<[EventRuleFacts]>
        var guardDuty: Collected<[DetectorFacts]>
        var config: Collected<ConfigFacts>
        var securityHub: Collected<SecurityHubFacts>
    }

    func enabledRegions() async -> ([String], String) {
        if let regions, !regions.isEmpty { return (regions, "--regions") }
        if let names = await Self.listEnabledRegions(client) { return (names, "account:ListRegions") }
        let home = client.configuration.region.rawValue
        return (
            home == "us-east-1" ? [home] : ["us-east-1", home],
            "configured region only (account:ListRegions unavailable; pass --regions)"
        )
    }

    /// The account's enabled regions (account:ListRegions), sorted; nil when they cannot be listed.
    public static func listEnabledRegions(_ client: AWSClient) async -> [String]? {
        do {
            var names: [String] = []
            let input = Account.ListRegionsRequest(
                maxResults: 50, regionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"])
            for try await page in client.account().listRegionsPaginator(input) {
                names += page.regions?.compactMap(\.regionName) ?? []
            }
            return names.isEmpty ? nil : names.sorted()
        } catch {
            return nil
        }
    }

    // MARK: Trails and the alarm chain

    func trailFacts(regions: [String]) async throws -> [TrailFacts] {
        var seen: [String: CloudTrail.Trail] = [:]
        var lastError: (any Error)?
        for region in regions {
            do {
                for trail in try await client.cloudTrail(region: AWSRegion(region)).describeTrails(
                    .init(includeShadowTrails: true)
                ).trailList ?? [] {
                    if let arn = trail.trailARN, seen[arn] == nil { seen[arn] = trail }
                }
            } catch {
                lastError = error
            }
        }
        if seen.isEmpty, let lastError { throw lastError }
        var facts: [TrailFacts] = []
        for (arn, trail) in seen.sorted(by: { $0.key < $1.key }) {
            let home = AWSRegion(trail.homeRegion ?? client.configuration.region.rawValue)
            let status = await gather { () -> TrailStatus in
                let output = try await client.cloudTrail(region: home).getTrailStatus(.init(name: arn))
                return TrailStatus(
                    isLogging: output.isLogging ?? false, latestDeliveryError: output.latestDeliveryError,
                    latestCloudWatchLogsDeliveryError: output.latestCloudWatchLogsDeliveryError)
            }
            let selectors = await gather { try await coverage(arn: arn, region: home) }
            var logGroup: LogGroupFacts?
            if let groupARN = trail.cloudWatchLogsLogGroupArn, let parsed = Self.parseLogGroupARN(groupARN) {
                logGroup = LogGroupFacts(
                    arn: groupARN, name: parsed.name, region: parsed.region, accountID: parsed.account,
                    metricFilters: await gather {
                        try await metricFilters(group: parsed.name, region: AWSRegion(parsed.region))
                    })
            }
            facts.append(
                TrailFacts(
                    name: trail.name ?? arn, arn: arn, homeRegion: home.rawValue,
                    isMultiRegion: trail.isMultiRegionTrail ?? false,
                    isOrganizationTrail: trail.isOrganizationTrail ?? false, status: status, selectors: selectors,
                    logGroup: logGroup))
        }
        return facts
    }

    /// `arn:aws:logs:eu-west-1:111122223333:log-group:name:*` → (name, region, account).
    static func parseLogGroupARN(_ arn: String) -> (name: String, region: String, account: String)? {
        guard let parsed = ARN(rawValue: arn), parsed.service == "logs", parsed.resource.hasPrefix("log-group:") else {
            return nil
        }
        let name = parsed.resource.dropFirst("log-group:".count).split(separator: ":", omittingEmptySubsequences: false)
        return (String(name.first ?? ""), parsed.region, parsed.accountField)
    }

    func coverage(arn: String, region: AWSRegion) async throws -> ManagementEventCoverage {
        let output = try await client.cloudTrail(region: region).getEventSelectors(.init(trailName: arn))
        if let advanced = output.advancedEventSelectors, !advanced.isEmpty {
            var read = false
            var write = false
            for selector in advanced {
                let fields = selector.fieldSelectors ?? []
                guard
                    fields.contains(where: { $0.field == "eventCategory" && ($0.equals ?? []).contains("Management") })
                else { continue }
                let readOnly = fields.first { $0.field == "readOnly" }
                switch readOnly?.equals?.first {
                case "true": read = true
                case "false": write = true
                default:
                    read = true
                    write = true
                }
            }
            return ManagementEventCoverage(read: read, write: write, form: "advanced")
        }
        guard let classic = output.eventSelectors, !classic.isEmpty else {
            return ManagementEventCoverage(read: true, write: true, form: "default")
        }
        var read = false
        var write = false
        for selector in classic where selector.includeManagementEvents ?? true {
            switch selector.readWriteType ?? "All" {
            case "ReadOnly": read = true
            case "WriteOnly": write = true
            default:
                read = true
                write = true
            }
        }
        return ManagementEventCoverage(read: read, write: write, form: "classic")
    }

    func metricFilters(group: String, region: AWSRegion) async throws -> [MetricFilterFacts] {
        var facts: [MetricFilterFacts] = []
        for try await page in client.cloudWatchLogs(region: region).describeMetricFiltersPaginator(
            .init(logGroupName: group))
        {
            for filter in page.metricFilters ?? [] {
                for transformation in filter.metricTransformations ?? [] {
                    guard let name = transformation.metricName, let namespace = transformation.metricNamespace else {
                        continue
                    }
                    facts.append(
                        MetricFilterFacts(
                            name: filter.filterName ?? "", pattern: filter.filterPattern ?? "", metricName: name,
                            metricNamespace: namespace,
                            alarms: await gather {
                                try await alarms(metric: name, namespace: namespace, region: region)
                            }))
                }
            }
        }
        return facts
    }

    /// Alarms on the metric: `DescribeAlarmsForMetric`, plus metric-math alarms (`DescribeAlarms`) whose queries
    /// read the metric (they have no top-level metric name, so the first call misses them).
    func alarms(metric: String, namespace: String, region: AWSRegion) async throws -> [AlarmFacts] {
        let cloudWatch = client.cloudWatch(region: region)
        var found =
            try await cloudWatch.describeAlarmsForMetric(.init(metricName: metric, namespace: namespace)).metricAlarms
            ?? []
        for try await page in cloudWatch.describeAlarmsPaginator(.init(alarmTypes: ["MetricAlarm"], maxRecords: 100)) {
            for alarm in page.metricAlarms ?? [] where alarm.metricName == nil {
                let reads = (alarm.metrics ?? []).contains {
                    $0.metricStat?.metric?.metricName == metric && $0.metricStat?.metric?.namespace == namespace
                }
                if reads && !found.contains(where: { $0.alarmArn == alarm.alarmArn }) { found.append(alarm) }
            }
        }
        var facts: [AlarmFacts] = []
        for alarm in found {
            let actions = alarm.alarmActions ?? []
            var topics: [TopicFacts] = []
            for action in actions {
                guard let topicARN = ARN(rawValue: action), topicARN.service == "sns" else { continue }
                let topicRegion = AWSRegion(topicARN.region)
                topics.append(
                    TopicFacts(
                        arn: action,
                        subscriptions: await gather { try await subscriptions(topic: action, region: topicRegion) }))
            }
            facts.append(
                AlarmFacts(
                    name: alarm.alarmName ?? "", actionsEnabled: alarm.actionsEnabled ?? true,
                    statistic: alarm.statistic,
                    threshold: alarm.threshold, comparison: alarm.comparisonOperator, alarmActions: actions,
                    topics: topics))
        }
        return facts
    }

    func subscriptions(topic: String, region: AWSRegion) async throws -> [SubscriptionFacts] {
        var facts: [SubscriptionFacts] = []
        for try await page in client.sns(region: region).listSubscriptionsByTopicPaginator(.init(topicArn: topic)) {
            for subscription in page.subscriptions ?? [] {
                facts.append(
                    SubscriptionFacts(
                        arn: subscription.subscriptionArn ?? "", protocol: subscription.protocol ?? "",
                        endpoint: subscription.endpoint ?? ""))
            }
        }
        return facts
    }

    // MARK: Per-region services

    func eventRuleFacts(_ region: AWSRegion) async throws -> [EventRuleFacts] {
        let events = client.eventBridge(region: region)
        var facts: [EventRuleFacts] = []
        for try await page in events.listRulesPaginator(.init(limit: 100)) {
            for rule in page.rules ?? [] {
                guard let name = rule.name else { continue }
                let targets = await gather {
                    try await events.listTargetsByRule(.init(rule: name)).targets?.compactMap(\.arn) ?? []
                }
                facts.append(
                    EventRuleFacts(name: name, state: rule.state ?? "", pattern: rule.eventPattern, targets: targets))
            }
        }
        return facts
    }

    func detectorFacts(_ region: AWSRegion) async throws -> [DetectorFacts] {
        let guardDuty = client.guardDuty(region: region)
        var facts: [DetectorFacts] = []
        for try await page in guardDuty.listDetectorsPaginator(.init(maxResults: 50)) {
            for id in page.detectorIds ?? [] {
                let detector = try await guardDuty.getDetector(.init(detectorId: id))
                let filters = await gather { () -> [DetectorFacts.Filter] in
                    var result: [DetectorFacts.Filter] = []
                    for try await filterPage in guardDuty.listFiltersPaginator(.init(detectorId: id, maxResults: 50)) {
                        for name in filterPage.filterNames ?? [] {
                            let filter = try await guardDuty.getFilter(.init(detectorId: id, filterName: name))
                            let criterion = filter.findingCriteria?.criterion ?? [:]
                            let text =
                                (try? JSONEncoder().encode(criterion)).map { String(decoding: $0, as: UTF8.self) }
                                ?? "{}"
                            result.append(
                                .init(
                                    name: name, action: filter.action ?? "NOOP",
                                    types: criterion["type"]?.eq ?? criterion["type"]?.equals ?? [], criteria: text))
                        }
                    }
                    return result
                }
                facts.append(
                    DetectorFacts(
                        id: id, status: detector.status ?? "UNKNOWN", filters: filters, tags: detector.tags ?? [:]))
            }
        }
        return facts
    }

    func configFacts(_ region: AWSRegion) async throws -> ConfigFacts {
        let config = client.configService(region: region)
        let statuses = try await config.describeConfigurationRecorderStatus().configurationRecordersStatus ?? []
        var rules: [String: String] = [:]
        for try await page in config.describeConfigRulesPaginator(.init()) {
            for rule in page.configRules ?? [] where (rule.configRuleState ?? "ACTIVE") == "ACTIVE" {
                if let name = rule.configRuleName { rules[name] = rule.source?.sourceIdentifier ?? "" }
            }
        }
        return ConfigFacts(
            recorders: Dictionary(
                statuses.map { ($0.name ?? "default", $0.recording ?? false) }, uniquingKeysWith: { $0 || $1 }),
            rules: rules)
    }

    func securityHubFacts(_ region: AWSRegion) async throws -> SecurityHubFacts {
        let hub = client.securityHub(region: region)
        let hubARN: String?
        do {
            hubARN = try await hub.describeHub().hubArn
        } catch let error as AWSError where error.code == "InvalidAccessException" {
            return SecurityHubFacts(enabled: false, standards: .value([]))
        }
        let standards = await gather { () -> [String] in
            var arns: [String] = []
            for try await page in hub.getEnabledStandardsPaginator(.init()) {
                for subscription in page.standardsSubscriptions ?? []
                where ["READY", "PENDING", "INCOMPLETE"].contains(subscription.standardsStatus ?? "") {
                    if let arn = subscription.standardsArn { arns.append(arn) }
                }
            }
            return arns
        }
        // Who enabled it (rootguard tags what it enables); unknown when the tags cannot be read.
        var tags: [String: String]?
        if let hubARN { tags = (try? await hub.listTagsForResource(.init(resourceArn: hubARN)))?.tags ?? nil }
        return SecurityHubFacts(enabled: true, standards: standards, tags: tags)
    }
}
