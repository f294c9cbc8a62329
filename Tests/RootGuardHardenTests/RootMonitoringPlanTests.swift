import Foundation
import RootGuardHarden
import RootGuardModel
import RootGuardPatterns
import Testing

/// `harden monitoring`'s planner on hand-made facts: what it proposes, what it reuses, what it refuses to touch.
@Suite("harden monitoring: the plan")
struct RootMonitoringPlanTests {
    static let account: AccountID = "123456789012"

    static func facts(
        regions: [String] = ["us-east-1", "eu-west-1"], trails: [TrailFacts] = [],
        rules: [String: [EventRuleFacts]] = [:], detectors: [String: [DetectorFacts]] = [:],
        config: ConfigFacts = .init(recorders: [:], rules: [:]),
        hub: SecurityHubFacts = .init(
            enabled: false, standards: .value([]))
    ) -> MonitoringFacts {
        MonitoringFacts(
            regions: regions, regionsSource: "--regions", trails: .value(trails),
            eventRules: Dictionary(uniqueKeysWithValues: regions.map { ($0, .value(rules[$0] ?? [])) }),
            guardDuty: Dictionary(uniqueKeysWithValues: regions.map { ($0, .value(detectors[$0] ?? [])) }),
            config: Dictionary(uniqueKeysWithValues: regions.map { ($0, .value(config)) }),
            securityHub: Dictionary(uniqueKeysWithValues: regions.map { ($0, .value(hub)) }))
    }

    static func extra(region: String = "us-east-1") -> RootMonitoring.Extra {
        .init(account: account, partition: "aws", region: region)
    }

    func actions(_ plan: RootMonitoring.Plan) -> [String] {
        plan.plan.changes.map { "\($0.service) \($0.action) \($0.resource)" }
    }

    @Test func theGeneratedPatternsAreProvenByRootGuardsOwnEngines() {
        let filter = RootPatternVerdicts.metricFilter(RootMonitoring.metricFilterPattern)
        #expect(filter.isProven, "\(filter.summary)")
        #expect(filter.noisy.isEmpty, "the filter must exclude service-invoked root calls")
        #expect(
            RootPatternVerdicts.coveredCategories(ofEventRule: RootMonitoring.RuleKind.signIn.pattern) == [.rootSignIn])
        #expect(
            RootPatternVerdicts.coveredCategories(ofEventRule: RootMonitoring.RuleKind.apiCalls.pattern).contains(
                .rootAPI))
        let signIn = RootPatternVerdicts.eventRule(RootMonitoring.RuleKind.signIn.pattern, covering: [.rootSignIn])
        #expect(signIn.isProven, "\(signIn.summary)")
    }

    @Test func anUnmonitoredAccountGetsTheWholeChainWithOtherRegionsForwardingHome() throws {
        let plan = try RootMonitoring.plan(
            facts: Self.facts(), extra: Self.extra(region: "eu-west-1"),
            options: .init(notify: .email("secops@example.com")))
        let lines = actions(plan)
        #expect(plan.home == "eu-west-1")
        #expect(
            lines.contains(
                "cloudtrail CreateTrail rootguard-trail (multi-region, → s3://rootguard-logs-123456789012-eu-west-1, → rootguard-cloudtrail)"
            ))
        #expect(
            lines.contains(
                "logs PutMetricFilter rootguard-root-activity on rootguard-cloudtrail → rootguard/RootActivity"))
        #expect(lines.contains("sns Subscribe email secops@example.com → topic"))
        // Sign-in events arrive in us-east-1 only: the rule there forwards to the home bus, where both rules notify.
        #expect(lines.contains("events PutRule+PutTargets rootguard-root-sign-in (us-east-1) → event bus of eu-west-1"))
        #expect(lines.contains("events PutRule+PutTargets rootguard-root-sign-in (eu-west-1) → topic"))
        #expect(lines.contains("events PutRule+PutTargets rootguard-root-api-calls (eu-west-1) → topic"))
        #expect(lines.contains("iam CreateRole rootguard-events-forward (trusts events.amazonaws.com)"))
        #expect(
            lines.contains("guardduty CreateDetector us-east-1") && lines.contains("guardduty CreateDetector eu-west-1")
        )
        #expect(lines.filter { $0.hasPrefix("config PutConfigRule") }.count == 3)
        #expect(lines.contains("securityhub BatchEnableStandards aws-foundational-security-best-practices (eu-west-1)"))
        // Every role, the bucket and the topic exist before what uses them.
        let first = { (prefix: String) in lines.firstIndex { $0.hasPrefix(prefix) } ?? -1 }
        #expect(first("s3 CreateBucket") < first("cloudtrail CreateTrail"))
        #expect(first("iam CreateRole rootguard-cloudtrail-to-logs") < first("cloudtrail CreateTrail"))
        #expect(first("sns CreateTopic") < first("cloudwatch PutMetricAlarm"))
        #expect(plan.plan.notes.contains { $0.contains("PendingConfirmation") })
    }

    @Test func aQualifyingTrailThatDeliversToLogsIsReusedAndItsRegionBecomesHome() throws {
        let group = LogGroupFacts(
            arn: "arn:aws:logs:eu-central-1:123456789012:log-group:org-logs:*", name: "org-logs",
            region: "eu-central-1", accountID: "123456789012", metricFilters: .value([]))
        let trail = TrailFacts(
            name: "org-trail", arn: "arn:aws:cloudtrail:eu-central-1:123456789012:trail/org-trail",
            homeRegion: "eu-central-1", isMultiRegion: true, isOrganizationTrail: false,
            status: .value(.init(isLogging: true, latestDeliveryError: nil, latestCloudWatchLogsDeliveryError: nil)),
            selectors: .value(.init(read: true, write: true, form: "classic")), logGroup: group)
        let plan = try RootMonitoring.plan(
            facts: Self.facts(regions: ["us-east-1", "eu-central-1"], trails: [trail]), extra: Self.extra(),
            options: .init())
        let lines = actions(plan)
        #expect(plan.home == "eu-central-1")
        #expect(
            !lines.contains { $0.hasPrefix("cloudtrail") || $0.contains("rootguard-cloudtrail-to-logs") }, "\(lines)")
        // The bucket is still needed, by Config's delivery channel, in the home region.
        #expect(lines.contains("s3 CreateBucket rootguard-logs-123456789012-eu-central-1 (eu-central-1)"))
        #expect(lines.contains("logs PutMetricFilter rootguard-root-activity on org-logs → rootguard/RootActivity"))
        #expect(plan.topicARN == "arn:aws:sns:eu-central-1:123456789012:rootguard-root-alerts")
        #expect(plan.plan.notes.contains { $0.hasPrefix("no --notify") })
    }

    @Test func resourcesItDidNotCreateAreLeftAloneWithANote() throws {
        let stopped = TrailFacts(
            name: "legacy", arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/legacy", homeRegion: "us-east-1",
            isMultiRegion: true, isOrganizationTrail: false,
            status: .value(.init(isLogging: false, latestDeliveryError: nil, latestCloudWatchLogsDeliveryError: nil)),
            selectors: .value(.init(read: true, write: true, form: "classic")), logGroup: nil)
        let disabled = DetectorFacts(id: "d-1", status: "DISABLED", filters: .value([]))
        let plan = try RootMonitoring.plan(
            facts: Self.facts(
                trails: [stopped], detectors: ["eu-west-1": [disabled]],
                config: .init(recorders: ["default": false], rules: [:])),
            extra: Self.extra(), options: .init())
        let lines = actions(plan)
        #expect(!lines.contains { $0.contains("legacy") })
        #expect(plan.plan.notes.contains { $0.hasPrefix("trail legacy does not qualify") })
        #expect(!lines.contains("guardduty CreateDetector eu-west-1"))
        #expect(plan.plan.notes.contains { $0.contains("detector d-1 in eu-west-1 is DISABLED") })
        #expect(!lines.contains { $0.hasPrefix("config PutConfigurationRecorder") || $0.hasPrefix("config Start") })
        #expect(plan.plan.notes.contains { $0.contains("Config recorder default in us-east-1 is not recording") })
    }

    @Test func aTopicInAnotherRegionOrPartitionIsRefused() throws {
        #expect(throws: HardenFailure.self) {
            try RootMonitoring.plan(
                facts: Self.facts(), extra: Self.extra(),
                options: .init(notify: .sns("arn:aws:sns:eu-west-1:123456789012:alerts")))
        }
        #expect(throws: HardenFailure.self) {
            try RootMonitoring.plan(
                facts: Self.facts(), extra: Self.extra(),
                options: .init(notify: .sns("arn:aws-cn:sns:us-east-1:123456789012:alerts")))
        }
    }

    @Test func unreadableFactsStopThePlanInsteadOfGuessing() throws {
        var facts = Self.facts()
        facts.eventRules["eu-west-1"] = .unavailable(
            .init(kind: .accessDenied, reason: "events ListRules: AccessDenied", action: "events:ListRules"))
        #expect {
            try RootMonitoring.plan(facts: facts, extra: Self.extra(), options: .init())
        } throws: { error in
            "\(error)".contains("the EventBridge rules in eu-west-1 could not be read")
        }
    }

    @Test func notifyTargetsAreParsedStrictly() throws {
        #expect(try RootMonitoring.Notify.parse("email:secops@example.com") == .email("secops@example.com"))
        #expect(try RootMonitoring.Notify.parse("https://hooks.example.com/x") == .https("https://hooks.example.com/x"))
        #expect(
            try RootMonitoring.Notify.parse("sns:arn:aws:sns:us-east-1:123456789012:t")
                == .sns("arn:aws:sns:us-east-1:123456789012:t"))
        for bad in ["secops@example.com", "email:nobody", "sns:topic", "sms:+15555550100", "email:a b@example.com"] {
            #expect(throws: RootMonitoring.Notify.Invalid.self) { try RootMonitoring.Notify.parse(bad) }
        }
    }
}
