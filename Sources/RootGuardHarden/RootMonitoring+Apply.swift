import Foundation
import RootGuardAWS
import RootGuardModel

extension RootMonitoring {
    static func run(_ step: Step, plan: Plan, client: AWSClient) async throws {
        let home = AWSRegion(plan.home)
        switch step {
        case .createBucket(let name):
            _ = try await client.s3(region: home).createBucket(inRegion: .init(bucket: name, region: plan.home))
        case .putBucketPolicy(let name):
            _ = try await client.s3(region: home).putBucketPolicy(
                .init(bucket: name, policy: bucketPolicy(bucket: name, plan: plan)))
        case .createRole(let name, let service):
            let iam = client.iam()
            _ = try await iam.createRole(
                .init(
                    roleName: name,
                    assumeRolePolicyDocument: .init(
                        json: PolicyJSON.serviceTrust(service: service, account: plan.account)),
                    description: "rootguard: root-activity monitoring", tags: ManagedTag.iam))
            switch name {
            case configRoleName:
                _ = try await iam.attachRolePolicy(
                    .init(roleName: name, policyArn: "arn:\(plan.partition):iam::aws:\(configManagedPolicy)"))
            default:
                _ = try await iam.putRolePolicy(
                    .init(
                        roleName: name, policyName: name, policyDocument: .init(json: rolePolicy(name, plan: plan))))
            }
        case .createLogGroup:
            _ = try await client.cloudWatchLogs(region: home).createLogGroup(
                .init(logGroupName: logGroupName, tags: ManagedTag.map))
        case .createTrail(let bucket):
            // A new role takes a few seconds to be usable by CloudTrail: retried while AWS says so.
            try await Propagation.retrying {
                _ = try await client.cloudTrail(region: home).createTrail(
                    .init(
                        name: trailName, s3BucketName: bucket, includeGlobalServiceEvents: true,
                        isMultiRegionTrail: true, enableLogFileValidation: true,
                        cloudWatchLogsLogGroupArn: plan.logGroupARN,
                        cloudWatchLogsRoleArn: plan.roleARN(trailRoleName),
                        tagsList: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
            }
        case .putEventSelectors:
            _ = try await client.cloudTrail(region: home).putEventSelectors(
                .init(
                    trailName: trailName,
                    eventSelectors: [.init(readWriteType: "All", includeManagementEvents: true, dataResources: [])]))
        case .startLogging:
            _ = try await client.cloudTrail(region: home).startLogging(.init(name: trailName))
        case .putMetricFilter(let group):
            _ = try await client.cloudWatchLogs(region: home).putMetricFilter(
                .init(
                    logGroupName: group, filterName: filterName, filterPattern: metricFilterPattern,
                    metricTransformations: [
                        .init(metricName: metricName, metricNamespace: metricNamespace, metricValue: "1")
                    ]))
        case .createTopic:
            _ = try await client.sns(region: home).createTopic(
                .init(
                    name: topicName, attributes: ["Policy": topicPolicy(plan: plan)],
                    tags: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
        case .subscribe(let proto, let endpoint):
            _ = try await client.sns(region: home).subscribe(
                .init(topicArn: plan.topicARN, protocol: proto, endpoint: endpoint))
        case .putMetricAlarm(let topic):
            _ = try await client.cloudWatch(region: home).putMetricAlarm(
                .init(
                    alarmName: alarmName, alarmDescription: "rootguard: the root user was used (ROOT-BP 17)",
                    actionsEnabled: true, alarmActions: [topic], metricName: metricName, namespace: metricNamespace,
                    statistic: "Sum", period: 300, evaluationPeriods: 1, threshold: 1,
                    comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching",
                    tags: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
        case .putRule(let region, let kind, let forward):
            let events = client.eventBridge(region: AWSRegion(region))
            _ = try await events.putRule(
                .init(
                    name: kind.name, eventPattern: kind.pattern, state: "ENABLED",
                    description: "rootguard: \(kind == .signIn ? "root console sign-in" : "root API calls")",
                    tags: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
            let target: EventBridge.Target =
                forward
                ? .init(id: "rootguard-home-bus", arn: plan.homeBusARN, roleArn: plan.roleARN(forwardRoleName))
                : .init(id: "rootguard-topic", arn: plan.topicARN)
            try await Propagation.retrying {
                let result = try await events.putTargets(.init(rule: kind.name, targets: [target]))
                if let failed = result.failedEntries?.first, (result.failedEntryCount ?? 0) > 0 {
                    throw HardenFailure(
                        "events PutTargets \(kind.name) (\(region)): \(failed.errorCode ?? "") \(failed.errorMessage ?? "")"
                    )
                }
            }
        case .createDetector(let region):
            _ = try await client.guardDuty(region: AWSRegion(region)).createDetector(
                .init(enable: true, tags: ManagedTag.map))
        case .putConfigurationRecorder:
            try await Propagation.retrying {
                _ = try await client.configService(region: home).putConfigurationRecorder(
                    .init(
                        configurationRecorder: .init(
                            name: recorderName, roleARN: plan.roleARN(configRoleName),
                            recordingGroup: .init(allSupported: true, includeGlobalResourceTypes: true))))
            }
        case .putDeliveryChannel(let bucket):
            try await Propagation.retrying {
                _ = try await client.configService(region: home).putDeliveryChannel(
                    .init(deliveryChannel: .init(name: recorderName, s3BucketName: bucket, s3KeyPrefix: "config")))
            }
        case .startConfigurationRecorder(let name):
            _ = try await client.configService(region: home).startConfigurationRecorder(
                .init(configurationRecorderName: name))
        case .putConfigRule(let identifier):
            _ = try await client.configService(region: home).putConfigRule(
                .init(
                    configRule: .init(
                        configRuleName: configRuleName(identifier),
                        description: "rootguard: ROOT-BP 20",
                        source: .init(owner: "AWS", sourceIdentifier: identifier)),
                    tags: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
        case .enableSecurityHub:
            _ = try await client.securityHub(region: AWSRegion(plan.hubRegion)).enableSecurityHub(
                .init(tags: ManagedTag.map, enableDefaultStandards: false))
        case .enableFSBP:
            _ = try await client.securityHub(region: AWSRegion(plan.hubRegion)).batchEnableStandards(
                .init(standardsSubscriptionRequests: [.init(standardsArn: plan.fsbpARN)]))
        }
    }

    // MARK: - Policies

    static func json(_ value: JSONValue) -> String { PolicyJSON.text(value) }

    /// The inline policy of the trail's and the forwarder's roles.
    static func rolePolicy(_ name: String, plan: Plan) -> String {
        if name == forwardRoleName {
            return json([
                "Version": "2012-10-17",
                "Statement": [
                    ["Effect": "Allow", "Action": "events:PutEvents", "Resource": .string(plan.homeBusARN)]
                ],
            ])
        }
        let stream = "arn:\(plan.partition):logs:\(plan.home):\(plan.account):log-group:\(logGroupName):log-stream:*"
        return json([
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": .string(stream),
                ]
            ],
        ])
    }

    /// CloudTrail and Config may check the bucket and write under their prefixes; nothing over plain HTTP.
    static func bucketPolicy(bucket: String, plan: Plan) -> String {
        let bucketARN = "arn:\(plan.partition):s3:::\(bucket)"
        let account = JSONValue.string(plan.account.rawValue)
        return json([
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "CloudTrailAclCheck", "Effect": "Allow",
                    "Principal": ["Service": "cloudtrail.amazonaws.com"],
                    "Action": "s3:GetBucketAcl", "Resource": .string(bucketARN),
                    "Condition": ["StringEquals": ["aws:SourceArn": .string(plan.trailARN)]],
                ],
                [
                    "Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": ["Service": "cloudtrail.amazonaws.com"],
                    "Action": "s3:PutObject", "Resource": .string("\(bucketARN)/AWSLogs/\(plan.account)/*"),
                    "Condition": [
                        "StringEquals": [
                            "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": .string(plan.trailARN),
                        ]
                    ],
                ],
                [
                    "Sid": "ConfigAclCheck", "Effect": "Allow", "Principal": ["Service": "config.amazonaws.com"],
                    "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": .string(bucketARN),
                    "Condition": ["StringEquals": ["aws:SourceAccount": account]],
                ],
                [
                    "Sid": "ConfigWrite", "Effect": "Allow", "Principal": ["Service": "config.amazonaws.com"],
                    "Action": "s3:PutObject",
                    "Resource": .string("\(bucketARN)/config/AWSLogs/\(plan.account)/Config/*"),
                    "Condition": [
                        "StringEquals": ["s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account]
                    ],
                ],
                [
                    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [.string(bucketARN), .string("\(bucketARN)/*")],
                    "Condition": ["Bool": ["aws:SecureTransport": "false"]],
                ],
            ],
        ])
    }

    /// The owner may manage the topic; CloudWatch alarms and EventBridge rules of this account may publish.
    static func topicPolicy(plan: Plan) -> String {
        let account = JSONValue.string(plan.account.rawValue)
        let topic = JSONValue.string(plan.topicARN)
        return json([
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "Owner", "Effect": "Allow",
                    "Principal": ["AWS": .string("arn:\(plan.partition):iam::\(plan.account):root")],
                    "Action": [
                        "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission",
                        "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic",
                        "sns:Publish",
                    ],
                    "Resource": topic,
                ],
                [
                    "Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": ["Service": "cloudwatch.amazonaws.com"],
                    "Action": "sns:Publish", "Resource": topic,
                    "Condition": ["StringEquals": ["aws:SourceAccount": account]],
                ],
                [
                    "Sid": "EventBridgeRules", "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
                    "Action": "sns:Publish", "Resource": topic,
                    "Condition": ["StringEquals": ["aws:SourceAccount": account]],
                ],
            ],
        ])
    }
}
