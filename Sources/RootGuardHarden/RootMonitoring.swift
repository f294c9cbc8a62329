import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardCollect
import RootGuardModel
import RootGuardPatterns

/// `harden monitoring`: builds whatever of ROOT-BP 16–20 is missing in this account — a multi-region trail
/// delivering to CloudWatch Logs (only when no qualifying trail delivers there), the root-activity metric filter,
/// its alarm, an SNS topic with the subscriber, EventBridge rules (sign-in in us-east-1, API calls in every
/// region; other regions forward to the home region's bus), GuardDuty detectors, a Config recorder with the three
/// root rules, and Security Hub with FSBP.
///
/// The plan comes from the same monitoring facts and checks as `audit`; every pattern it proposes is proven by
/// rootguard's pattern engines first. Everything it creates is named `rootguard-…` and tagged
/// `managed-by=rootguard`; an existing resource it did not create is never changed — when one is the broken link,
/// the plan says so in a note.
public struct RootMonitoring: Hardener {
    public static let subcommand = "monitoring"
    public static let formats: Set<HardenFormat> = [.plan, .json, .cloudformation, .terraform]
    public static let trailName = "rootguard-trail"
    public static let logGroupName = "rootguard-cloudtrail"
    public static let trailRoleName = "rootguard-cloudtrail-to-logs"
    public static let forwardRoleName = "rootguard-events-forward"
    public static let configRoleName = "rootguard-config"
    public static let recorderName = "rootguard"
    public static let filterName = "rootguard-root-activity"
    public static let metricName = "RootActivity"
    public static let metricNamespace = "rootguard"
    public static let alarmName = "rootguard-root-activity"
    public static let topicName = "rootguard-root-alerts"
    /// AWS's managed policy for Config's recorder role.
    public static let configManagedPolicy = "policy/service-role/AWS_ConfigRole"
    /// The three managed rules of ROOT-BP 20.
    public static let configRules = [
        "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
    ]

    /// The CIS root-activity filter, with the service-event exclusion spelled as CloudTrail writes it.
    public static let metricFilterPattern =
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#

    /// The two EventBridge rules.
    public enum RuleKind: String, Sendable, Hashable, Codable, CaseIterable {
        case signIn, apiCalls

        public var name: String { self == .signIn ? "rootguard-root-sign-in" : "rootguard-root-api-calls" }
        public var pattern: String {
            let type = self == .signIn ? "AWS Console Sign In via CloudTrail" : "AWS API Call via CloudTrail"
            return #"{"detail-type":["\#(type)"],"detail":{"userIdentity":{"type":["Root"]}}}"#
        }
        var category: CanonicalEvent.Category { self == .signIn ? .rootSignIn : .rootAPI }
        var why: String {
            self == .signIn
                ? "root-eventbridge-rules: root sign-in (ROOT-BP 18)"
                : "root-eventbridge-rules: root API calls (ROOT-BP 18)"
        }
    }

    /// Who the alarm and the rules notify: an existing topic, or a subscriber of rootguard's topic.
    public enum Notify: Sendable, Hashable {
        case sns(String)
        case email(String)
        case https(String)

        public struct Invalid: Error, CustomStringConvertible {
            public let description: String
        }

        /// `sns:ARN`, `email:ADDRESS` or `https:URL` (also `https://…`).
        public static func parse(_ text: String) throws -> Notify {
            if text.hasPrefix("https://") { return .https(text) }
            guard let colon = text.firstIndex(of: ":") else {
                throw Invalid(description: "--notify must be sns:TOPIC_ARN, email:ADDRESS or https:URL")
            }
            let scheme = text[..<colon]
            let value = String(text[text.index(after: colon)...])
            switch scheme {
            case "sns":
                guard let arn = ARN(rawValue: value), arn.isSNSTopic else {
                    throw Invalid(description: "--notify sns: needs a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
                }
                return .sns(value)
            case "email":
                let parts = value.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                    !value.contains(where: \.isWhitespace)
                else { throw Invalid(description: "--notify email: needs an e-mail address") }
                return .email(value)
            case "https":
                let url = value.hasPrefix("//") ? "https:" + value : "https://" + value
                guard URL(string: url)?.host != nil else { throw Invalid(description: "--notify https: needs a URL") }
                return .https(url)
            default:
                throw Invalid(description: "--notify must be sns:TOPIC_ARN, email:ADDRESS or https:URL")
            }
        }

        /// SNS protocol and endpoint of the subscriber (nil for an existing topic).
        var subscriber: (protocol: String, endpoint: String)? {
            switch self {
            case .sns: return nil
            case .email(let address): return ("email", address)
            case .https(let url): return ("https", url)
            }
        }
    }

    public struct Options: Sendable {
        /// Regions to examine (nil: the account's enabled regions).
        public var regions: [String]?
        public var notify: Notify?
        /// An existing bucket for the new trail and Config (its policy must let both write); nil creates
        /// `rootguard-logs-<account>-<region>`.
        public var trailBucket: String?

        public init(regions: [String]? = nil, notify: Notify? = nil, trailBucket: String? = nil) {
            self.regions = regions
            self.notify = notify
            self.trailBucket = trailBucket
        }
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    /// The monitoring facts (as `audit` collects them) and what else the plan needs to know.
    public struct State: Sendable {
        public var facts: MonitoringFacts
        public var extra: Extra
        /// After a re-audit of a region subset: what it did not judge, and what still fails outside it.
        public var subsetNotes: [String] = []
    }

    public func reauditNotes(_ state: State) -> [String] { state.subsetNotes }

    public func read(client: AWSClient) async throws -> State {
        let (facts, extra) = try await Self.read(client: client, options: options)
        return State(facts: facts, extra: extra)
    }

    public func plan(_ state: State, client: AWSClient) async throws -> Plan {
        try Self.plan(facts: state.facts, extra: state.extra, options: options)
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        try await Self.run(step, plan: plan, client: client)
    }

    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let findings = try await Self.reaudit(client: client, plan: plan)
        if plan.regionsGiven { state.subsetNotes = await Self.outsideSubset(client: client, plan: plan) }
        return findings
    }

    /// A re-audit of `--regions` judged those regions only: says so, and judges the account's other enabled regions
    /// once more to name what still fails there (a plain `rootguard audit` would).
    static func outsideSubset(client: AWSClient, plan: Plan) async -> [String] {
        let given = plan.regions.joined(separator: ", ")
        guard let enabled = await MonitoringCollector.listEnabledRegions(client) else {
            return [
                "the re-audit judged only --regions \(given); the account's other regions could not be listed, so whether they still fail is unknown (run `rootguard audit`)"
            ]
        }
        let others = enabled.filter { !plan.regions.contains($0) }.sorted()
        guard !others.isEmpty else { return [] }
        let outside = (try? await reaudit(client: client, plan: plan.examining(others))) ?? []
        let failing = outside.filter { $0.status == .fail }
        let head =
            "the re-audit judged only --regions \(given) (\(others.count) other enabled regions were not changed)"
        guard !failing.isEmpty else {
            return outside.isEmpty
                ? ["\(head); whether they fail is unknown (run `rootguard audit`)"]
                : ["\(head); they pass as well"]
        }
        let ids = Array(Set(failing.map(\.checkId.rawValue))).sorted().joined(separator: ", ")
        return [
            "\(head); outside it \(ids) still FAIL in \(others.prefix(12).joined(separator: ", "))\(others.count > 12 ? ", …" : "") — `rootguard audit` fails there until they are hardened too"
        ]
    }

    /// The code of everything rootguard manages for this account, planned as if none of rootguard's own resources
    /// existed yet (so a template regenerated after its stack was deployed is the same, and an update deletes
    /// nothing); what of it exists already is named for import. Resources that are not rootguard's (a qualifying trail,
    /// someone's detector) are reused exactly as the plan does.
    public func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode {
        guard let client else { throw HardenFailure("harden monitoring reads the account for its code") }
        let state = try await read(client: client)
        let (facts, extra, existing) = Self.withoutRootguardResources(state.facts, state.extra, options: options)
        let plan = try Self.plan(facts: facts, extra: extra, options: options)
        let notes =
            existing.isEmpty
            ? []
            : [
                "these rootguard resources already exist: \(format == .terraform ? "`terraform import` them" : "import them into the stack (create-change-set --change-set-type IMPORT)") instead of creating them: \(existing.joined(separator: ", "))"
            ]
        return HardenCode(
            format == .terraform ? Self.terraform(plan) : try Self.cloudFormation(plan), notes: notes)
    }

    /// The facts with every resource rootguard created taken out (by its `rootguard-…` name, or its
    /// `managed-by=rootguard` tag for GuardDuty detectors), and what was taken out.
    static func withoutRootguardResources(
        _ facts: MonitoringFacts, _ extra: Extra, options: Options
    ) -> (MonitoringFacts, Extra, existing: [String]) {
        var facts = facts
        var extra = extra
        var existing: [String] = []
        func ours(_ name: String) -> Bool { name.hasPrefix("rootguard") }
        for role in extra.existingRoles.sorted() where ours(role) { existing.append("role \(role)") }
        extra.existingRoles = extra.existingRoles.filter { !ours($0) }
        if extra.bucketExists && options.trailBucket == nil {
            existing.append("bucket \(defaultBucket(account: extra.account, region: homeRegion(facts, extra)))")
            extra.bucketExists = false
        }
        if extra.logGroupExists { existing.append("log group \(logGroupName)") }
        extra.logGroupExists = false
        if case .sns = options.notify {
        } else {
            if extra.topicExists { existing.append("topic \(topicName)") }
            extra.topicExists = false
            extra.subscriptions = []
            extra.topicPolicy = nil
        }
        extra.deliveryChannels = extra.deliveryChannels.filter { !ours($0) }
        facts.trails = facts.trails.map { trails in
            trails.compactMap { trail in
                if trail.name == trailName {
                    existing.append("trail \(trailName)")
                    return nil
                }
                var trail = trail
                // A reused log group (someone else's trail): rootguard's filter and alarm in it are rootguard's.
                if var group = trail.logGroup {
                    group.metricFilters = group.metricFilters.map { filters in
                        filters.filter { !ours($0.name) }.map { filter in
                            var filter = filter
                            filter.alarms = filter.alarms.map { $0.filter { !ours($0.name) } }
                            return filter
                        }
                    }
                    trail.logGroup = group
                }
                return trail
            }
        }
        for (region, rules) in facts.eventRules {
            if let names = rules.value?.filter({ ours($0.name) }).map(\.name), !names.isEmpty {
                existing += names.map { "rule \($0) (\(region))" }
            }
            facts.eventRules[region] = rules.map { $0.filter { !ours($0.name) } }
        }
        for (region, detectors) in facts.guardDuty {
            let mine = { (d: DetectorFacts) in d.tags?[ManagedTag.key] == ManagedTag.value }
            if let ids = detectors.value?.filter(mine).map(\.id), !ids.isEmpty {
                existing += ids.map { "GuardDuty detector \($0) (\(region))" }
            }
            facts.guardDuty[region] = detectors.map { $0.filter { !mine($0) } }
        }
        for (region, hub) in facts.securityHub {
            guard case .value(let value) = hub, value.enabled, value.tags?[ManagedTag.key] == ManagedTag.value else {
                continue
            }
            existing.append("Security Hub (\(region))")
            facts.securityHub[region] = .value(SecurityHubFacts(enabled: false, standards: .value([])))
        }
        for (region, config) in facts.config {
            facts.config[region] = config.map { config in
                var config = config
                if config.recorders.keys.contains(where: ours) {
                    existing.append("Config recorder \(recorderName) (\(region))")
                }
                config.recorders = config.recorders.filter { !ours($0.key) }
                config.rules = config.rules.filter { !ours($0.key) }
                return config
            }
        }
        return (facts, extra, existing.sorted())
    }

    /// One change, as the plan carries it out.
    public enum Step: Sendable, Hashable {
        case createBucket(String)
        case putBucketPolicy(String)
        case createRole(name: String, service: String)
        case createLogGroup
        case createTrail(bucket: String)
        case putEventSelectors
        case startLogging
        case putMetricFilter(group: String)
        case createTopic
        case subscribe(protocol: String, endpoint: String)
        case putMetricAlarm(topic: String)
        case putRule(region: String, kind: RuleKind, forward: Bool)
        case createDetector(region: String)
        case putConfigurationRecorder
        case putDeliveryChannel(bucket: String)
        case startConfigurationRecorder(String)
        case putConfigRule(String)
        case enableSecurityHub
        case enableFSBP
    }

    /// What the account holds besides the monitoring facts.
    public struct Extra: Sendable {
        public var account: AccountID
        public var partition: String
        /// The configured region: home of what rootguard creates when no existing log group is reused.
        public var region: String
        public var existingRoles: Set<String>
        public var bucketExists: Bool
        public var logGroupExists: Bool
        public var topicExists: Bool
        /// The topic's subscriptions (protocol, endpoint, confirmed), when it exists.
        public var subscriptions: [SubscriptionFacts]
        /// The topic's access policy (for a topic given with `--notify sns:`).
        public var topicPolicy: String?
        public var deliveryChannels: [String]

        public init(
            account: AccountID, partition: String, region: String, existingRoles: Set<String> = [],
            bucketExists: Bool = false, logGroupExists: Bool = false, topicExists: Bool = false,
            subscriptions: [SubscriptionFacts] = [], topicPolicy: String? = nil, deliveryChannels: [String] = []
        ) {
            self.account = account
            self.partition = partition
            self.region = region
            self.existingRoles = existingRoles
            self.bucketExists = bucketExists
            self.logGroupExists = logGroupExists
            self.topicExists = topicExists
            self.subscriptions = subscriptions
            self.topicPolicy = topicPolicy
            self.deliveryChannels = deliveryChannels
        }
    }

    /// The plan, with what it needs to be carried out.
    public struct Plan: OneChangePerStepPlan {
        public typealias Step = RootMonitoring.Step
        public var plan: HardenPlan
        public var steps: [Step]
        /// Where the log group, alarm, topic and Config go.
        public var home: String
        /// Where Security Hub is judged and enabled (the configured region, as in `audit`).
        public var hubRegion: String
        public var account: AccountID
        public var partition: String
        public var topicARN: String
        /// The examined regions.
        public var regions: [String]
        /// The regions were given (`--regions`); the re-audit examines the same ones.
        public var regionsGiven: Bool

        /// The same plan, examining `regions` instead.
        func examining(_ regions: [String]) -> Plan {
            var copy = self
            copy.regions = regions
            copy.regionsGiven = true
            return copy
        }

        func arn(_ service: String, _ region: String, _ resource: String) -> String {
            "arn:\(partition):\(service):\(region):\(account):\(resource)"
        }
        func roleARN(_ name: String) -> String { "arn:\(partition):iam::\(account):role/\(name)" }
        var logGroupARN: String { arn("logs", home, "log-group:\(RootMonitoring.logGroupName):*") }
        var trailARN: String { arn("cloudtrail", home, "trail/\(RootMonitoring.trailName)") }
        var homeBusARN: String { arn("events", home, "event-bus/default") }
        func ruleARN(_ region: String, _ kind: RuleKind) -> String { arn("events", region, "rule/\(kind.name)") }
        var fsbpARN: String {
            "arn:\(partition):securityhub:\(hubRegion)::standards/aws-foundational-security-best-practices/v/1.0.0"
        }
    }

    // MARK: - Reading

    public static let readActions = [
        "sts:GetCallerIdentity", "iam:GetRole", "s3:HeadBucket", "logs:DescribeLogGroups", "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic", "config:DescribeDeliveryChannels",
    ]
    public static let writeActions = [
        "s3:CreateBucket", "s3:PutBucketPolicy", "iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy",
        "iam:PassRole", "logs:CreateLogGroup", "logs:PutMetricFilter", "cloudtrail:CreateTrail", "cloudtrail:AddTags",
        "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging", "sns:CreateTopic", "sns:TagResource",
        "sns:Subscribe", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "events:PutRule",
        "events:TagResource", "events:PutTargets", "guardduty:CreateDetector", "guardduty:TagResource",
        "config:PutConfigurationRecorder", "config:PutDeliveryChannel", "config:StartConfigurationRecorder",
        "config:PutConfigRule", "config:TagResource", "securityhub:EnableSecurityHub", "securityhub:TagResource",
        "securityhub:BatchEnableStandards",
    ]
    public static var requiredActions: [String] {
        Array(Set(MonitoringCollector.requiredActions + readActions + writeActions)).sorted()
    }

    /// The monitoring facts (as `audit` collects them) and what else the plan needs to know.
    public static func read(client: AWSClient, options: Options) async throws -> (MonitoringFacts, Extra) {
        // Root sign-in events arrive in us-east-1 only: it is always examined (and given its sign-in rule).
        let regions = options.regions.map { $0.contains("us-east-1") ? $0 : ["us-east-1"] + $0 }
        guard case .value(let facts) = await MonitoringCollector(client: client, regions: regions).collect()
        else { throw HardenFailure("the monitoring facts could not be collected") }
        let identity = try await client.callerIdentity()
        let account = identity.account
        let region = client.configuration.region.rawValue
        var extra = Extra(account: account, partition: identity.partition, region: region)
        for name in [trailRoleName, forwardRoleName, configRoleName] {
            do {
                _ = try await client.iam().getRole(.init(roleName: name))
                extra.existingRoles.insert(name)
            } catch let error as AWSError where error.code == "NoSuchEntity" || error.kind == .notFound {}
        }
        let home = homeRegion(facts, extra)
        let bucket = options.trailBucket ?? defaultBucket(account: account, region: home)
        do {
            _ = try await client.s3(region: AWSRegion(home)).headBucket(.init(bucket: bucket))
            extra.bucketExists = true
        } catch let error as AWSError where error.kind == .notFound || error.httpStatus == 404 {
        } catch var error as AWSError where error.kind == .accessDenied {
            // HEAD answers carry no error document: say which bucket.
            error.operation += " \(bucket)"
            throw error
        }
        let groups = try await client.cloudWatchLogs(region: AWSRegion(home)).describeLogGroups(
            .init(logGroupNamePrefix: logGroupName))
        extra.logGroupExists = groups.logGroups?.contains { $0.logGroupName == logGroupName } ?? false
        let topic: String
        if case .sns(let given) = options.notify {
            topic = given
        } else {
            topic = "arn:\(identity.partition):sns:\(home):\(account):\(topicName)"
        }
        let sns = client.sns(region: AWSRegion(ARN(rawValue: topic)?.region ?? home))
        do {
            let attributes = try await sns.getTopicAttributes(.init(topicArn: topic)).attributes ?? [:]
            extra.topicExists = true
            extra.topicPolicy = attributes["Policy"]
            for try await page in sns.listSubscriptionsByTopicPaginator(.init(topicArn: topic)) {
                for subscription in page.subscriptions ?? [] {
                    extra.subscriptions.append(
                        SubscriptionFacts(
                            arn: subscription.subscriptionArn ?? "", protocol: subscription.protocol ?? "",
                            endpoint: subscription.endpoint ?? ""))
                }
            }
        } catch let error as AWSError where error.code == "NotFound" || error.kind == .notFound {
            if case .sns = options.notify {
                throw HardenFailure("--notify topic \(topic) does not exist (sns GetTopicAttributes: NotFound)")
            }
        }
        extra.deliveryChannels =
            try await client.configService(region: AWSRegion(home)).describeDeliveryChannels(.init())
            .deliveryChannels?.compactMap(\.name) ?? []
        return (facts, extra)
    }

    public static func defaultBucket(account: AccountID, region: String) -> String {
        "rootguard-logs-\(account)-\(region)"
    }

    /// The log group's region when a qualifying trail already delivers to CloudWatch Logs, else the configured
    /// region.
    static func homeRegion(_ facts: MonitoringFacts, _ extra: Extra) -> String {
        (try? reusableLogGroup(facts))?.region ?? extra.region
    }

    static func value<T>(_ collected: Collected<T>, _ what: String) throws -> T {
        switch collected {
        case .value(let value): return value
        case .unavailable(let reason):
            throw HardenFailure("cannot plan: \(what) could not be read: \(reason.reason)")
        }
    }

    static func qualifies(_ trail: TrailFacts) throws -> Bool {
        guard trail.isMultiRegion else { return false }
        let status = try value(trail.status, "the status of trail \(trail.name)")
        guard status.isLogging, (status.latestDeliveryError ?? "").isEmpty else { return false }
        let coverage = try value(trail.selectors, "the event selectors of trail \(trail.name)")
        return coverage.read && coverage.write
    }

    /// A qualifying trail's log group that receives its events.
    static func reusableLogGroup(_ facts: MonitoringFacts) throws -> LogGroupFacts? {
        let trails = try value(facts.trails, "the trails")
        let delivering = try trails.filter { trail in
            guard try qualifies(trail), trail.logGroup != nil else { return false }
            return (trail.status.value?.latestCloudWatchLogsDeliveryError ?? "").isEmpty
        }
        // rootguard's own trail first, then any other.
        return (delivering.first { $0.name == trailName } ?? delivering.first)?.logGroup
    }

    // MARK: - Planning

    /// The changes that make ROOT-BP 16–20 pass, from the facts (no AWS call).
    public static func plan(
        facts: MonitoringFacts, extra: Extra, options: Options, now: Date = Date()
    ) throws -> Plan {
        let home = homeRegion(facts, extra)
        var steps: [(Step, String)] = []
        var notes: [String] = []
        let snapshot = monitoringSnapshot(facts, extra)
        let context = EvaluationContext(now: now)
        func failing(_ check: some Check) -> Bool {
            check.evaluate(snapshot, context).contains { $0.status != .pass }
        }
        let bucket = options.trailBucket ?? defaultBucket(account: extra.account, region: home)
        var bucketNeeded = false
        var topicARN = "arn:\(extra.partition):sns:\(home):\(extra.account):\(topicName)"
        if case .sns(let given) = options.notify {
            let arn = try ARN.parse(given, what: "--notify topic")
            guard arn.partition == extra.partition else {
                throw HardenFailure(
                    "--notify topic \(given) is in partition \(arn.partition), this account in \(extra.partition)")
            }
            guard arn.region == home else {
                throw HardenFailure(
                    "--notify topic \(given) is in \(arn.region), but the alarm and the rules' topic must be in \(home) (CloudWatch alarms and EventBridge notify SNS topics in their own region)"
                )
            }
            topicARN = given
        }

        // ROOT-BP 16 and 17: the trail and its CloudWatch Logs delivery.
        let trails = try value(facts.trails, "the trails")
        let chainBroken = failing(RootActivityAlarmChain())
        let trailBroken = failing(MultiRegionTrailLogging())
        var group: (name: String, region: String)?
        if let reused = try reusableLogGroup(facts) {
            group = (reused.name, reused.region)
        } else if trailBroken || chainBroken {
            let why16 = "cloudtrail-multi-region-logging (ROOT-BP 16), root-activity-alarm-chain (ROOT-BP 17)"
            for trail in trails where trail.name != trailName {
                if try qualifies(trail) {
                    notes.append(
                        "trail \(trail.name) qualifies but does not deliver to CloudWatch Logs; rootguard does not change a trail it did not create, so it creates \(trailName) (a second copy of management events is billed; to avoid it, deliver \(trail.name) to CloudWatch Logs and run again)"
                    )
                } else {
                    notes.append(
                        "trail \(trail.name) does not qualify (multi-region, logging, management events read+write); rootguard does not change a trail it did not create"
                    )
                }
            }
            if let ours = trails.first(where: { $0.name == trailName }) {
                let status = try value(ours.status, "the status of \(trailName)")
                let coverage = try value(ours.selectors, "the event selectors of \(trailName)")
                if !(coverage.read && coverage.write) { steps.append((.putEventSelectors, why16)) }
                if !status.isLogging { steps.append((.startLogging, why16)) }
                if ours.logGroup == nil || !ours.isMultiRegion {
                    throw HardenFailure(
                        "\(trailName) exists but is \(ours.isMultiRegion ? "not delivering to CloudWatch Logs" : "single-region"); delete it and run again"
                    )
                }
                group = ours.logGroup.map { ($0.name, $0.region) }
            } else {
                if options.trailBucket == nil && !extra.bucketExists { bucketNeeded = true }
                if !extra.existingRoles.contains(trailRoleName) {
                    steps.append((.createRole(name: trailRoleName, service: "cloudtrail.amazonaws.com"), why16))
                }
                if !extra.logGroupExists { steps.append((.createLogGroup, why16)) }
                steps.append((.createTrail(bucket: bucket), why16))
                steps.append((.putEventSelectors, why16))
                steps.append((.startLogging, why16))
                group = (logGroupName, home)
            }
        }

        // ROOT-BP 17: filter → alarm → topic → subscriber on that log group.
        let why17 = "root-activity-alarm-chain (ROOT-BP 17)"
        var topicNeeded = false
        if chainBroken, let group {
            let verdict = RootPatternVerdicts.metricFilter(metricFilterPattern)
            guard verdict.isProven, verdict.noisy.isEmpty else {
                throw HardenFailure("internal: the generated metric filter is not proven: \(verdict.summary)")
            }
            let existing = facts.trails.value?.compactMap(\.logGroup).first { $0.name == group.name }
            let filters = existing?.metricFilters.value ?? []
            let ours = filters.first { $0.name == filterName }
            if ours?.pattern != metricFilterPattern || ours?.metricName != metricName
                || ours?.metricNamespace != metricNamespace
            {
                steps.append((.putMetricFilter(group: group.name), why17))
            }
            let alarm = ours?.alarms.value?.first { $0.name == alarmName }
            if alarm == nil || alarm?.actionsEnabled != true || alarm?.statistic != "Sum" || alarm?.threshold != 1
                || alarm?.comparison != "GreaterThanOrEqualToThreshold" || alarm?.alarmActions != [topicARN]
            {
                steps.append((.putMetricAlarm(topic: topicARN), why17))
            }
            topicNeeded = true
            if let subscriber = options.notify?.subscriber {
                let present = extra.subscriptions.first {
                    $0.protocol == subscriber.protocol && $0.endpoint == subscriber.endpoint
                }
                if present == nil {
                    steps.append((.subscribe(protocol: subscriber.protocol, endpoint: subscriber.endpoint), why17))
                    notes.append(
                        "the \(subscriber.protocol) subscriber \(subscriber.endpoint) stays PendingConfirmation until it confirms the message AWS sends; until then the re-audit reports the chain as pending"
                    )
                } else if present?.isConfirmed == false {
                    notes.append(
                        "the \(subscriber.protocol) subscriber \(subscriber.endpoint) has not confirmed yet (PendingConfirmation): the chain is pending until it does"
                    )
                }
            } else if options.notify == nil && !extra.subscriptions.contains(where: \.isConfirmed) {
                notes.append(
                    "no --notify: the alarm reaches \(topicName), which has no confirmed subscriber; pass --notify email:ADDRESS (or sns:TOPIC_ARN) so a person is told"
                )
            }
        }

        // ROOT-BP 18: EventBridge rules; other regions forward to the home region's bus.
        var forwarded: Set<RuleKind> = []
        var ruleSteps: [(Step, String)] = []
        var regions = facts.regions
        if !regions.contains(home) { regions.append(home) }
        for region in regions where region != home {
            for kind in try missingRules(facts, region: region) {
                ruleSteps.append((.putRule(region: region, kind: kind, forward: true), kind.why))
                forwarded.insert(kind)
            }
        }
        let homeMissing = try Set(missingRules(facts, region: home))
        for kind in RuleKind.allCases where homeMissing.contains(kind) || forwarded.contains(kind) {
            let ours = facts.eventRules[home]?.value?.first { $0.name == kind.name }
            let working =
                ours.map { $0.state == "ENABLED" && $0.pattern == kind.pattern && $0.targets.value == [topicARN] }
                ?? false
            if !working { ruleSteps.insert((.putRule(region: home, kind: kind, forward: false), kind.why), at: 0) }
        }
        for kind in RuleKind.allCases {
            guard RootPatternVerdicts.coveredCategories(ofEventRule: kind.pattern).contains(kind.category) else {
                throw HardenFailure("internal: the generated \(kind.name) pattern is not proven")
            }
        }
        if !ruleSteps.isEmpty {
            topicNeeded = true
            if forwarded.count > 0 && !extra.existingRoles.contains(forwardRoleName) {
                steps.append(
                    (.createRole(name: forwardRoleName, service: "events.amazonaws.com"), forwarded.first!.why))
            }
        }
        if topicNeeded {
            if case .sns(let given) = options.notify {
                if !ruleSteps.isEmpty && !(extra.topicPolicy.map(allowsEventBridge) ?? false) {
                    notes.append(
                        "topic \(given)'s policy does not let events.amazonaws.com publish, and rootguard does not change a topic it did not create: add a statement allowing Principal {\"Service\":\"events.amazonaws.com\"} sns:Publish on it"
                    )
                }
            } else if !extra.topicExists {
                steps.append((.createTopic, why17))
            }
        }
        // The topic and the roles come before what uses them.
        steps = reorder(steps) + ruleSteps

        // ROOT-BP 19: a detector in every examined region.
        let why19 = "guardduty-root-findings (ROOT-BP 19)"
        for region in facts.regions {
            let detectors = try value(
                facts.guardDuty[region] ?? .unavailable(.init(kind: .missing, reason: "not collected")),
                "GuardDuty in \(region)")
            if detectors.isEmpty {
                steps.append((.createDetector(region: region), why19))
            } else if !detectors.contains(where: { $0.status == "ENABLED" }) {
                notes.append(
                    "GuardDuty detector \(detectors[0].id) in \(region) is \(detectors[0].status); rootguard does not change a detector it did not create (guardduty UpdateDetector --enable)"
                )
            }
            for detector in detectors {
                for filter in detector.filters.value ?? [] where filter.action == "ARCHIVE" {
                    if filter.types.isEmpty
                        || filter.types.contains(where: { $0.hasPrefix("Policy:IAMUser/") && $0.contains("Root") })
                    {
                        notes.append(
                            "GuardDuty filter \(filter.name) in \(region) archives root findings; rootguard does not delete a filter it did not create"
                        )
                    }
                }
            }
        }

        // ROOT-BP 20: Config (recorder + the three rules) in the home region, unless a region already passes.
        let why20 = "config-root-rules (ROOT-BP 20)"
        if failing(ConfigRootRulesEnabled()) {
            let config = try value(
                facts.config[home] ?? .unavailable(.init(kind: .missing, reason: "\(home) was not examined")),
                "AWS Config in \(home)")
            if config.recorders.isEmpty {
                if !extra.existingRoles.contains(configRoleName) {
                    steps.append((.createRole(name: configRoleName, service: "config.amazonaws.com"), why20))
                }
                steps.append((.putConfigurationRecorder, why20))
                if extra.deliveryChannels.isEmpty {
                    if options.trailBucket == nil && !extra.bucketExists { bucketNeeded = true }
                    steps.append((.putDeliveryChannel(bucket: bucket), why20))
                }
                steps.append((.startConfigurationRecorder(recorderName), why20))
            } else if !config.recorders.values.contains(true) {
                if let ours = config.recorders.keys.first(where: { $0 == recorderName }) {
                    steps.append((.startConfigurationRecorder(ours), why20))
                } else {
                    notes.append(
                        "Config recorder \(config.recorders.keys.sorted().joined(separator: ", ")) in \(home) is not recording; rootguard does not start a recorder it did not create"
                    )
                }
            }
            let present = Set(config.rules.values)
            for rule in configRules where !present.contains(rule) { steps.append((.putConfigRule(rule), why20)) }
        }
        if bucketNeeded {
            steps.insert((.putBucketPolicy(bucket), "the trail's and Config's deliveries"), at: 0)
            steps.insert((.createBucket(bucket), "the trail's and Config's deliveries"), at: 0)
        }

        // ROOT-BP 20: Security Hub with FSBP in the configured region (where the audit looks).
        let whyHub = "securityhub-root-controls (ROOT-BP 20)"
        let hubRegion = extra.region
        if let hub = facts.securityHub[hubRegion] {
            let facts = try value(hub, "Security Hub in \(hubRegion)")
            if !facts.enabled {
                steps.append((.enableSecurityHub, whyHub))
                steps.append((.enableFSBP, whyHub))
            } else if let standards = facts.standards.value {
                if !standards.contains(where: {
                    $0.contains("aws-foundational-security-best-practices")
                        || $0.contains("cis-aws-foundations-benchmark")
                }) {
                    steps.append((.enableFSBP, whyHub))
                    notes.append(
                        "Security Hub in \(hubRegion) was enabled without FSBP or CIS; rootguard adds the FSBP standard to it (an addition: its other standards and settings stay as they are)"
                    )
                }
            } else {
                notes.append("Security Hub's enabled standards in \(hubRegion) could not be read; left unchanged")
            }
        }

        let result = Plan(
            plan: HardenPlan(subcommand: subcommand, changes: [], notes: notes), steps: steps.map(\.0), home: home,
            hubRegion: extra.region,
            account: extra.account, partition: extra.partition, topicARN: topicARN, regions: facts.regions,
            regionsGiven: facts.regionsSource == "--regions")
        var described = result
        described.plan.changes = steps.map { describe($0.0, why: $0.1, in: result, hubRegion: hubRegion) }
        if !steps.isEmpty {
            described.plan.notes.append(
                "everything created is named rootguard-… and tagged \(ManagedTag.key)=\(ManagedTag.value); nothing else is changed"
            )
        }
        return described
    }

    /// Roles, bucket and topic first; the rest in the order planned.
    static func reorder(_ steps: [(Step, String)]) -> [(Step, String)] {
        func rank(_ step: Step) -> Int {
            switch step {
            case .createRole: return 0
            case .createTopic: return 1
            default: return 2
            }
        }
        return steps.enumerated().sorted { (rank($0.element.0), $0.offset) < (rank($1.element.0), $1.offset) }
            .map(\.element)
    }

    /// The rules a region lacks: an enabled rule with a target whose pattern provably covers the category (the
    /// check's own test).
    static func missingRules(_ facts: MonitoringFacts, region: String) throws -> [RuleKind] {
        let rules = try value(
            facts.eventRules[region] ?? .unavailable(.init(kind: .missing, reason: "\(region) was not examined")),
            "the EventBridge rules in \(region)")
        var covered: Set<CanonicalEvent.Category> = []
        for rule in rules where rule.state.hasPrefix("ENABLED") {
            guard let pattern = rule.pattern, !(rule.targets.value ?? []).isEmpty else { continue }
            covered.formUnion(RootPatternVerdicts.coveredCategories(ofEventRule: pattern))
        }
        return RuleKind.allCases.filter { kind in
            (kind == .apiCalls || region == "us-east-1") && !covered.contains(kind.category)
        }
    }

    /// Whether a topic policy lets EventBridge publish (an Allow for the events service principal).
    static func allowsEventBridge(_ policy: String) -> Bool {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(policy.utf8)),
            case .object(let root) = document
        else { return false }
        let statements: [JSONValue]
        switch root["Statement"] {
        case .array(let list)?: statements = list
        case let single?: statements = [single]
        case nil: statements = []
        }
        return statements.contains { statement in
            guard case .object(let fields) = statement, fields["Effect"] == .string("Allow") else { return false }
            let principal = fields["Principal"]
            let service: [JSONValue]
            switch principal {
            case .object(let p)?:
                if case .array(let list)? = p["Service"] {
                    service = list
                } else {
                    service = p["Service"].map { [$0] } ?? []
                }
            default: service = []
            }
            guard service.contains(.string("events.amazonaws.com")) else { return false }
            let actions: [JSONValue]
            switch fields["Action"] {
            case .array(let list)?: actions = list
            case let single?: actions = [single]
            case nil: actions = []
            }
            return actions.contains { [.string("sns:Publish"), .string("sns:*"), .string("*")].contains($0) }
        }
    }

    static func describe(_ step: Step, why: String, in plan: Plan, hubRegion: String) -> PlannedChange {
        let home = plan.home
        switch step {
        case .createBucket(let name):
            return .init(service: "s3", action: "CreateBucket", resource: "\(name) (\(home))", why: why)
        case .putBucketPolicy(let name):
            return .init(
                service: "s3", action: "PutBucketPolicy", resource: "\(name): CloudTrail and Config may write",
                why: why)
        case .createRole(let name, let service):
            return .init(service: "iam", action: "CreateRole", resource: "\(name) (trusts \(service))", why: why)
        case .createLogGroup:
            return .init(service: "logs", action: "CreateLogGroup", resource: "\(logGroupName) (\(home))", why: why)
        case .createTrail(let bucket):
            return .init(
                service: "cloudtrail", action: "CreateTrail",
                resource: "\(trailName) (multi-region, → s3://\(bucket), → \(logGroupName))", why: why)
        case .putEventSelectors:
            return .init(
                service: "cloudtrail", action: "PutEventSelectors",
                resource: "\(trailName): management events read+write", why: why)
        case .startLogging:
            return .init(service: "cloudtrail", action: "StartLogging", resource: trailName, why: why)
        case .putMetricFilter(let group):
            return .init(
                service: "logs", action: "PutMetricFilter",
                resource: "\(filterName) on \(group) → \(metricNamespace)/\(metricName)", why: why)
        case .createTopic:
            return .init(service: "sns", action: "CreateTopic", resource: "\(topicName) (\(home))", why: why)
        case .subscribe(let proto, let endpoint):
            return .init(service: "sns", action: "Subscribe", resource: "\(proto) \(endpoint) → topic", why: why)
        case .putMetricAlarm(let topic):
            return .init(
                service: "cloudwatch", action: "PutMetricAlarm",
                resource: "\(alarmName): Sum ≥ 1 over 300 s → \(topic)", why: why)
        case .putRule(let region, let kind, let forward):
            return .init(
                service: "events", action: "PutRule+PutTargets",
                resource: "\(kind.name) (\(region)) → \(forward ? "event bus of \(home)" : "topic")", why: why)
        case .createDetector(let region):
            return .init(service: "guardduty", action: "CreateDetector", resource: region, why: why)
        case .putConfigurationRecorder:
            return .init(
                service: "config", action: "PutConfigurationRecorder",
                resource: "\(recorderName) (\(home), all resources incl. global)", why: why)
        case .putDeliveryChannel(let bucket):
            return .init(
                service: "config", action: "PutDeliveryChannel", resource: "\(recorderName) → s3://\(bucket)", why: why)
        case .startConfigurationRecorder(let name):
            return .init(service: "config", action: "StartConfigurationRecorder", resource: name, why: why)
        case .putConfigRule(let identifier):
            return .init(service: "config", action: "PutConfigRule", resource: configRuleName(identifier), why: why)
        case .enableSecurityHub:
            return .init(service: "securityhub", action: "EnableSecurityHub", resource: hubRegion, why: why)
        case .enableFSBP:
            return .init(
                service: "securityhub", action: "BatchEnableStandards",
                resource: "aws-foundational-security-best-practices (\(hubRegion))", why: why)
        }
    }

    static func configRuleName(_ identifier: String) -> String {
        "rootguard-" + identifier.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// A snapshot holding only the monitoring facts, for the monitoring checks.
    static func monitoringSnapshot(_ facts: MonitoringFacts, _ extra: Extra) -> Snapshot {
        let none = Unavailable(kind: .missing, reason: "not collected by harden monitoring")
        return Snapshot(
            collectedAt: Date(), tool: .init(version: RootGuardVersion.current),
            account: .init(
                accountID: extra.account, partition: extra.partition,
                callerARN: "arn:\(extra.partition):iam::\(extra.account):root", region: extra.region),
            accountSummary: .unavailable(none), credentialReport: .unavailable(none),
            virtualMFADevices: .unavailable(none), authorization: .unavailable(none),
            accountAliases: .unavailable(none), organizationFeatures: .unavailable(none),
            organization: .unavailable(none), alternateContacts: [:], contactInformation: .unavailable(none),
            rootEmail: .unavailable(none), monitoring: .value(facts))
    }

    /// The checks of ROOT-BP 16–20 that `harden monitoring` fixes.
    public static var checks: [any Check] {
        [
            MultiRegionTrailLogging(), RootActivityAlarmChain(), RootEventBridgeRules(), GuardDutyWatchesRoot(),
            ConfigRootRulesEnabled(), SecurityHubRootControls(),
        ]
    }

    /// ROOT-BP 16–20 on facts collected afresh (the same regions as the plan when they were given).
    public static func reaudit(client: AWSClient, plan: Plan) async throws -> [Finding] {
        let facts = await MonitoringCollector(client: client, regions: plan.regionsGiven ? plan.regions : nil)
            .collect()
        let account = try await client.callerIdentity().account
        let extra = Extra(account: account, partition: plan.partition, region: client.configuration.region.rawValue)
        guard case .value(let value) = facts else {
            throw HardenFailure("the re-audit could not collect the monitoring facts")
        }
        let snapshot = monitoringSnapshot(value, extra)
        return checks.flatMap { $0.evaluate(snapshot, EvaluationContext(now: Date())) }
    }
}
