import Foundation

/// What the monitoring of root activity looks like, region by region (ROOT-BP 16–20).
public struct MonitoringFacts: Codable, Sendable {
    /// The regions examined, and how they were chosen (`--regions`, `account:ListRegions`, …).
    public var regions: [String]
    public var regionsSource: String
    /// The examined regions are the account's enabled regions (from `--regions` or `account:ListRegions`), not a guess.
    public var regionsAreComplete: Bool { Self.regionsAreComplete(source: regionsSource) }

    /// Regions chosen by `--regions` or listed by `account:ListRegions` are the enabled ones, not a guess.
    public static func regionsAreComplete(source: String) -> Bool {
        source == "--regions" || source == "account:ListRegions"
    }

    /// A region name as AWS writes them (`eu-west-1`, `us-gov-west-1`): what `--regions` and `--region` accept.
    public static func isRegionName(_ text: String) -> Bool {
        text.matchesWhole(#"^[a-z]{2}(-[a-z]+)+-[0-9]+$"#)
    }
    /// Every trail visible from any examined region (shadow and organization trails included), deduplicated by ARN.
    public var trails: Collected<[TrailFacts]>
    /// Region → EventBridge rules on the default bus.
    public var eventRules: [String: Collected<[EventRuleFacts]>]
    /// Region → GuardDuty detectors.
    public var guardDuty: [String: Collected<[DetectorFacts]>]
    /// Region → AWS Config recorders and rules.
    public var config: [String: Collected<ConfigFacts>]
    /// Region → Security Hub.
    public var securityHub: [String: Collected<SecurityHubFacts>]
    /// With `--prove`: what AWS itself answered for the canonical root events (TestMetricFilter, TestEventPattern).
    public var proofs: [PatternProof]?

    public init(
        regions: [String], regionsSource: String, trails: Collected<[TrailFacts]>,
        eventRules: [String: Collected<[EventRuleFacts]>], guardDuty: [String: Collected<[DetectorFacts]>],
        config: [String: Collected<ConfigFacts>], securityHub: [String: Collected<SecurityHubFacts>]
    ) {
        self.regions = regions
        self.regionsSource = regionsSource
        self.trails = trails
        self.eventRules = eventRules
        self.guardDuty = guardDuty
        self.config = config
        self.securityHub = securityHub
    }
}

public struct TrailFacts: Codable, Sendable, Hashable {
    public var name: String
    public var arn: String
    public var homeRegion: String
    public var isMultiRegion: Bool
    public var isOrganizationTrail: Bool
    public var status: Collected<TrailStatus>
    public var selectors: Collected<ManagementEventCoverage>
    /// The CloudWatch Logs group the trail delivers to, with what watches it.
    public var logGroup: LogGroupFacts?

    public init(
        name: String, arn: String, homeRegion: String, isMultiRegion: Bool, isOrganizationTrail: Bool,
        status: Collected<TrailStatus>, selectors: Collected<ManagementEventCoverage>, logGroup: LogGroupFacts?
    ) {
        self.name = name
        self.arn = arn
        self.homeRegion = homeRegion
        self.isMultiRegion = isMultiRegion
        self.isOrganizationTrail = isOrganizationTrail
        self.status = status
        self.selectors = selectors
        self.logGroup = logGroup
    }
}

public struct TrailStatus: Codable, Sendable, Hashable {
    public var isLogging: Bool
    public var latestDeliveryError: String?
    public var latestCloudWatchLogsDeliveryError: String?

    public init(isLogging: Bool, latestDeliveryError: String?, latestCloudWatchLogsDeliveryError: String?) {
        self.isLogging = isLogging
        self.latestDeliveryError = latestDeliveryError
        self.latestCloudWatchLogsDeliveryError = latestCloudWatchLogsDeliveryError
    }
}

/// Whether the trail records management events, read and write (classic or advanced selectors).
public struct ManagementEventCoverage: Codable, Sendable, Hashable {
    public var read: Bool
    public var write: Bool
    /// `classic`, `advanced`, or `default` (no selectors: AWS records all management events).
    public var form: String

    public init(read: Bool, write: Bool, form: String) {
        self.read = read
        self.write = write
        self.form = form
    }
}

public struct LogGroupFacts: Codable, Sendable, Hashable {
    public var arn: String
    public var name: String
    public var region: String
    public var accountID: String
    public var metricFilters: Collected<[MetricFilterFacts]>

    public init(
        arn: String, name: String, region: String, accountID: String, metricFilters: Collected<[MetricFilterFacts]>
    ) {
        self.arn = arn
        self.name = name
        self.region = region
        self.accountID = accountID
        self.metricFilters = metricFilters
    }
}

public struct MetricFilterFacts: Codable, Sendable, Hashable {
    public var name: String
    public var pattern: String
    public var metricName: String
    public var metricNamespace: String
    /// Alarms on that metric (name and namespace), in the log group's region.
    public var alarms: Collected<[AlarmFacts]>

    public init(
        name: String, pattern: String, metricName: String, metricNamespace: String, alarms: Collected<[AlarmFacts]>
    ) {
        self.name = name
        self.pattern = pattern
        self.metricName = metricName
        self.metricNamespace = metricNamespace
        self.alarms = alarms
    }
}

public struct AlarmFacts: Codable, Sendable, Hashable {
    public var name: String
    public var actionsEnabled: Bool
    public var statistic: String?
    public var threshold: Double?
    public var comparison: String?
    public var alarmActions: [String]
    /// SNS topics among the actions.
    public var topics: [TopicFacts]

    public init(
        name: String, actionsEnabled: Bool, statistic: String?, threshold: Double?, comparison: String?,
        alarmActions: [String], topics: [TopicFacts]
    ) {
        self.name = name
        self.actionsEnabled = actionsEnabled
        self.statistic = statistic
        self.threshold = threshold
        self.comparison = comparison
        self.alarmActions = alarmActions
        self.topics = topics
    }
}

public struct TopicFacts: Codable, Sendable, Hashable {
    public var arn: String
    public var subscriptions: Collected<[SubscriptionFacts]>

    public init(arn: String, subscriptions: Collected<[SubscriptionFacts]>) {
        self.arn = arn
        self.subscriptions = subscriptions
    }
}

public struct SubscriptionFacts: Codable, Sendable, Hashable {
    public var arn: String
    public var `protocol`: String
    public var endpoint: String
    /// `SubscriptionArn` is a real ARN, not `PendingConfirmation`.
    public var isConfirmed: Bool { arn.hasPrefix("arn:") }

    public init(arn: String, protocol: String, endpoint: String) {
        self.arn = arn
        self.protocol = `protocol`
        self.endpoint = endpoint
    }
}

public struct EventRuleFacts: Codable, Sendable, Hashable {
    public var name: String
    public var state: String
    public var pattern: String?
    public var targets: Collected<[String]>

    public init(name: String, state: String, pattern: String?, targets: Collected<[String]>) {
        self.name = name
        self.state = state
        self.pattern = pattern
        self.targets = targets
    }
}

public struct DetectorFacts: Codable, Sendable, Hashable {
    public struct Filter: Codable, Sendable, Hashable {
        public var name: String
        public var action: String
        /// Finding types the filter names in its `type` criterion (`eq`), empty if it has no type criterion.
        public var types: [String]
        /// The whole criterion as JSON text, for the report.
        public var criteria: String

        public init(name: String, action: String, types: [String], criteria: String) {
            self.name = name
            self.action = action
            self.types = types
            self.criteria = criteria
        }
    }

    public var id: String
    public var status: String
    public var filters: Collected<[Filter]>
    /// The detector's tags (`managed-by=rootguard` marks one rootguard created); nil in older snapshots.
    public var tags: [String: String]?

    public init(id: String, status: String, filters: Collected<[Filter]>, tags: [String: String]? = nil) {
        self.id = id
        self.status = status
        self.filters = filters
        self.tags = tags
    }
}

public struct ConfigFacts: Codable, Sendable, Hashable {
    public var recorders: [String: Bool]
    /// Rule name → managed rule identifier (`ROOT_ACCOUNT_MFA_ENABLED`), for ACTIVE rules.
    public var rules: [String: String]

    public init(recorders: [String: Bool], rules: [String: String]) {
        self.recorders = recorders
        self.rules = rules
    }
}

public struct SecurityHubFacts: Codable, Sendable, Hashable {
    public var enabled: Bool
    /// Enabled standards' ARNs (READY or PENDING).
    public var standards: Collected<[String]>
    /// The hub's tags (`managed-by=rootguard` marks one rootguard enabled); nil when unread or in older snapshots.
    public var tags: [String: String]?

    public init(enabled: Bool, standards: Collected<[String]>, tags: [String: String]? = nil) {
        self.enabled = enabled
        self.standards = standards
        self.tags = tags
    }
}

/// AWS's own verdict on a pattern for each canonical event (`--prove`).
public struct PatternProof: Codable, Sendable, Hashable {
    /// `metricFilter` or `eventRule`.
    public var kind: String
    public var name: String
    public var region: String
    public var pattern: String
    /// Canonical event id → whether AWS says the pattern matches it.
    public var awsMatches: Collected<[String: Bool]>

    public init(kind: String, name: String, region: String, pattern: String, awsMatches: Collected<[String: Bool]>) {
        self.kind = kind
        self.name = name
        self.region = region
        self.pattern = pattern
        self.awsMatches = awsMatches
    }
}
