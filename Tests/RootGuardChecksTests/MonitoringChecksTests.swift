import Foundation
import RootGuardChecks
import RootGuardModel
import Testing

@Suite("ROOT-BP 16–20: the chain and the detection services")
struct MonitoringChecksTests {
    static let cis =
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#

    static func alarm(
        actions: Bool = true, statistic: String = "Sum", threshold: Double = 1,
        comparison: String = "GreaterThanOrEqualToThreshold",
        subscription: String = "arn:aws:sns:eu-west-1:111122223333:root-alerts:1"
    ) -> AlarmFacts {
        AlarmFacts(
            name: "root-usage", actionsEnabled: actions, statistic: statistic, threshold: threshold,
            comparison: comparison,
            alarmActions: ["arn:aws:sns:eu-west-1:111122223333:root-alerts"],
            topics: [
                TopicFacts(
                    arn: "arn:aws:sns:eu-west-1:111122223333:root-alerts",
                    subscriptions: .value([
                        SubscriptionFacts(arn: subscription, protocol: "email", endpoint: "secops@example.com")
                    ]))
            ])
    }

    /// An organization trail homed in eu-west-1, seen from us-east-1, with advanced selectors.
    static func trail(
        pattern: String = cis, alarm: AlarmFacts = alarm(),
        coverage: ManagementEventCoverage = .init(read: true, write: true, form: "advanced"),
        logging: Bool = true
    ) -> TrailFacts {
        TrailFacts(
            name: "org-trail", arn: "arn:aws:cloudtrail:eu-west-1:999999999999:trail/org-trail",
            homeRegion: "eu-west-1",
            isMultiRegion: true, isOrganizationTrail: true,
            status: .value(
                TrailStatus(isLogging: logging, latestDeliveryError: nil, latestCloudWatchLogsDeliveryError: nil)),
            selectors: .value(coverage),
            logGroup: LogGroupFacts(
                arn: "arn:aws:logs:eu-west-1:999999999999:log-group:org-trail:*", name: "org-trail",
                region: "eu-west-1",
                accountID: "999999999999",
                metricFilters: .value([
                    MetricFilterFacts(
                        name: "RootUsage", pattern: pattern, metricName: "RootUsage", metricNamespace: "Security",
                        alarms: .value([alarm]))
                ])))
    }

    func builder(_ trails: [TrailFacts]) -> SnapshotBuilder {
        var builder = SnapshotBuilder()
        builder.monitoring = .value(
            MonitoringFacts(
                regions: ["us-east-1", "eu-west-1"], regionsSource: "test", trails: .value(trails), eventRules: [:],
                guardDuty: [:],
                config: [:], securityHub: [:]))
        return builder
    }

    @Test func anOrganizationTrailHomedElsewhereIsEvaluatedNotNoData() {
        let finding = RootActivityAlarmChain().run(builder([Self.trail()]))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.message.contains("log group org-trail (eu-west-1)"))
        #expect(MultiRegionTrailLogging().run(builder([Self.trail()])).message.contains("(organization trail)"))
    }

    @Test(arguments: [
        (trail(coverage: .init(read: false, write: true, form: "advanced")), "does not record management events read"),
        (trail(logging: false), "trail is not logging"),
        (trail(alarm: alarm(threshold: 5)), "needs 5.0 events before it fires"),
        (trail(alarm: alarm(comparison: "LessThanThreshold")), "compares with LessThanThreshold"),
        (trail(alarm: alarm(statistic: "Average")), "uses statistic Average"),
        (trail(alarm: alarm(subscription: "PendingConfirmation")), "only pending subscriptions"),
        (trail(pattern: "{ $.userIdentity.type = Root }"), "matches every canonical root event"),
        (trail(pattern: "{ $.eventName = ConsoleLogin }"), "no metric filter provably matches root activity"),
    ])
    func everyBrokenLinkIsNamed(_ trail: TrailFacts, _ text: String) {
        let finding = RootActivityAlarmChain().run(builder([trail]))
        if text == "matches every canonical root event" {
            // An overly broad but root-only pattern passes; its noise is in the evidence.
            #expect(finding.status == .pass)
            #expect(finding.message.contains("(noisy: no invokedBy clause)"))
        } else {
            #expect(finding.status == .fail)
            #expect(finding.message.contains(text), "\(finding.message)")
        }
    }

    @Test func theTrailThatGetsFurthestIsReported() {
        let single = TrailFacts(
            name: "local", arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/local", homeRegion: "us-east-1",
            isMultiRegion: false, isOrganizationTrail: false,
            status: .value(.init(isLogging: true, latestDeliveryError: nil, latestCloudWatchLogsDeliveryError: nil)),
            selectors: .value(.init(read: true, write: true, form: "default")), logGroup: nil)
        let finding = RootActivityAlarmChain().run(builder([single, Self.trail(alarm: Self.alarm(actions: false))]))
        #expect(finding.message == "Broken link on trail org-trail: alarm root-usage has its actions disabled.")
    }

    @Test func unavailableLinksAreNotEvaluated() {
        var trail = Self.trail()
        trail.status = .unavailable(
            .init(
                kind: .accessDenied, reason: "cloudtrail GetTrailStatus: AccessDenied",
                action: "cloudtrail:GetTrailStatus"))
        let finding = RootActivityAlarmChain().run(builder([trail]))
        #expect(finding.status == .notEvaluated)
        #expect(finding.accountId == SnapshotBuilder.account)
        #expect(finding.message.contains("cloudtrail:GetTrailStatus"))
    }

    @Test func guardDutyArchiveFiltersThatHideRootFindingsFail() {
        var builder = builder([])
        if case .value(var facts)? = builder.monitoring {
            facts.guardDuty = [
                "us-east-1": .value([
                    DetectorFacts(
                        id: "d1", status: "ENABLED",
                        filters: .value([
                            .init(
                                name: "quiet-root", action: "ARCHIVE", types: ["Policy:IAMUser/RootCredentialUsage"],
                                criteria: "{}"),
                            .init(name: "tag-only", action: "NOOP", types: [], criteria: "{}"),
                        ]))
                ]),
                "eu-west-1": .value([DetectorFacts(id: "d2", status: "ENABLED", filters: .value([]))]),
            ]
            builder.monitoring = .value(facts)
        }
        let finding = GuardDutyWatchesRoot().run(builder)
        #expect(finding.status == .fail)
        #expect(
            finding.message == "GuardDuty: us-east-1 filter quiet-root archives Policy:IAMUser/RootCredentialUsage.")
    }
}

extension MonitoringChecksTests {
    /// Security Hub enabled but its standards unreadable (an operation the endpoint does not implement): the
    /// standards are unknown, never assumed.
    @Test func securityHubStandardsThatCannotBeReadAreNotEvaluated() {
        var builder = SnapshotBuilder()
        let unread = Unavailable(
            kind: .notImplemented, reason: "securityhub GetEnabledStandards: HTTP404",
            action: "securityhub:GetEnabledStandards")
        builder.monitoring = .value(
            MonitoringFacts(
                regions: ["us-east-1"], regionsSource: "--regions", trails: .value([]), eventRules: [:], guardDuty: [:],
                config: [:], securityHub: ["us-east-1": .value(.init(enabled: true, standards: .unavailable(unread)))]))
        let finding = SecurityHubRootControls().run(builder)
        #expect(finding.status == .notEvaluated)
        #expect(finding.message.contains("Security Hub is enabled in us-east-1, but its standards could not be read"))
    }
}
