import Foundation
import RootGuardAWS

extension MotoScenarios {
    /// One link of the root-monitoring chain that a test can break.
    public enum MonitoringLink: String, CaseIterable, Sendable {
        case trailStopped, filterNarrowed, alarmActionsOff, subscriptionPending, signInRuleDisabled, detectorMissing
    }

    public static let cisRootPattern =
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#

    /// Complete root monitoring in us-east-1 and eu-west-1, optionally with one link broken.
    public static func monitored(_ moto: MotoServer, breaking broken: MonitoringLink? = nil) async throws {
        let account = MotoServer.defaultAccount
        try await moto.client().using { client in
            _ = try await client.s3().createBucket(.init(bucket: "org-trail-logs"))
            let group = "aws-cloudtrail-logs"
            _ = try await client.cloudWatchLogs().createLogGroup(.init(logGroupName: group))
            let groupARN = "arn:aws:logs:us-east-1:\(account):log-group:\(group):*"
            _ = try await client.cloudTrail().createTrail(
                .init(
                    name: "org-trail", s3BucketName: "org-trail-logs", includeGlobalServiceEvents: true,
                    isMultiRegionTrail: true, enableLogFileValidation: true, cloudWatchLogsLogGroupArn: groupARN,
                    cloudWatchLogsRoleArn: "arn:aws:iam::\(account):role/CloudTrailToLogs"))
            _ = try await client.cloudTrail().putEventSelectors(
                .init(
                    trailName: "org-trail",
                    eventSelectors: [.init(readWriteType: "All", includeManagementEvents: true, dataResources: [])]))
            _ = try await client.cloudTrail().startLogging(.init(name: "org-trail"))
            if broken == .trailStopped { _ = try await client.cloudTrail().stopLogging(.init(name: "org-trail")) }

            let pattern =
                broken == .filterNarrowed
                ? #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.sourceIPAddress = "203.0.113.*" }"#
                : cisRootPattern
            _ = try await client.cloudWatchLogs().putMetricFilter(
                .init(
                    logGroupName: group, filterName: "RootAccountUsage", filterPattern: pattern,
                    metricTransformations: [
                        .init(metricName: "RootAccountUsageCount", metricNamespace: "CISBenchmark", metricValue: "1")
                    ]))
            let topic = try await client.sns().createTopic(.init(name: "root-alerts")).topicArn!
            _ = try await client.sns().subscribe(
                .init(topicArn: topic, protocol: "email", endpoint: "secops@example.com"))
            if broken == .subscriptionPending { try await moto.setSubscriptionsPending(topicArn: topic) }
            _ = try await client.cloudWatch().putMetricAlarm(
                .init(
                    alarmName: "root-usage", actionsEnabled: broken != .alarmActionsOff, alarmActions: [topic],
                    metricName: "RootAccountUsageCount", namespace: "CISBenchmark", statistic: "Sum", period: 300,
                    evaluationPeriods: 1, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold"))

            for region in ["us-east-1", "eu-west-1"] {
                let events = client.eventBridge(region: AWSRegion(region))
                if region == "us-east-1" {
                    _ = try await events.putRule(
                        .init(
                            name: "root-sign-in",
                            eventPattern:
                                #"{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}"#,
                            state: broken == .signInRuleDisabled ? "DISABLED" : "ENABLED"))
                    _ = try await events.putTargets(
                        .init(rule: "root-sign-in", targets: [.init(id: "sns", arn: topic)]))
                }
                _ = try await events.putRule(
                    .init(
                        name: "root-api-calls",
                        eventPattern:
                            #"{"detail-type":["AWS API Call via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}"#,
                        state: "ENABLED"))
                _ = try await events.putTargets(.init(rule: "root-api-calls", targets: [.init(id: "sns", arn: topic)]))
                if !(broken == .detectorMissing && region == "eu-west-1") {
                    _ = try await client.guardDuty(region: AWSRegion(region)).createDetector(.init(enable: true))
                }
            }
            let config = client.configService()
            _ = try await client.s3().createBucket(.init(bucket: "config-history"))
            _ = try await config.putConfigurationRecorder(
                .init(
                    configurationRecorder: .init(
                        name: "default", roleARN: "arn:aws:iam::\(account):role/config",
                        recordingGroup: .init(allSupported: true, includeGlobalResourceTypes: true))))
            _ = try await config.putDeliveryChannel(
                .init(deliveryChannel: .init(name: "default", s3BucketName: "config-history")))
            _ = try await config.startConfigurationRecorder(.init(configurationRecorderName: "default"))
            for rule in ["ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK"] {
                _ = try await config.putConfigRule(
                    .init(
                        configRule: .init(
                            configRuleName: rule.lowercased().replacingOccurrences(of: "_", with: "-"),
                            source: .init(owner: "AWS", sourceIdentifier: rule))))
            }
            _ = try await client.securityHub().enableSecurityHub(.init(enableDefaultStandards: true))
        }
    }
}
