import Foundation
import NIOCore
import RootGuardTesting
import Testing

@testable import RootGuardAWS

extension MotoTests {
    @Suite("Organizations and Account") struct OrganizationsOperations {
        @Test func organizationStructurePoliciesAndAccounts() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let org = client.organizations()
                let notInUse = await #expect(throws: AWSError.self) { try await org.describeOrganization() }
                #expect(notInUse?.code == "AWSOrganizationsNotInUseException")
                #expect(notInUse?.kind == .notFound)

                _ = try await org.createOrganization(.init(featureSet: "ALL"))
                let organization = try #require(try await org.describeOrganization().organization)
                #expect(organization.masterAccountId == motoAccount)
                let root = try #require(try await org.listRoots().roots?.first)
                let ou = try #require(
                    try await org.createOrganizationalUnit(.init(parentId: root.id, name: "Workloads"))
                        .organizationalUnit)
                #expect(
                    try await org.listOrganizationalUnitsForParent(.init(parentId: root.id)).organizationalUnits?.map(
                        \.name) == ["Workloads"])
                var members: [String] = []
                for name in ["prod", "legacy", "sandbox"] {
                    let status = try await org.createAccount(.init(email: "\(name)@example.com", accountName: name))
                    members.append(try #require(status.createAccountStatus?.accountId))
                }
                _ = try await org.moveAccount(
                    .init(accountId: members[0], sourceParentId: root.id, destinationParentId: ou.id))
                #expect(try await org.listAccountsForParent(.init(parentId: ou.id)).accounts?.map(\.id) == [members[0]])
                #expect(try await org.listParents(.init(childId: members[0])).parents?.first?.id == ou.id)
                let pages = try await org.listAccountsPaginator(.init(maxResults: 2)).collect()
                let accounts = pages.flatMap { $0.accounts ?? [] }
                #expect(Set(accounts.compactMap(\.id)) == Set(members + [motoAccount]))
                #expect(pages.count == 2)
                #expect(
                    try await org.describeAccount(.init(accountId: members[1])).account?.email == "legacy@example.com")

                _ = try await org.enablePolicyType(.init(rootId: root.id, policyType: "SERVICE_CONTROL_POLICY"))
                let scp =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}"#
                let policy = try #require(
                    try await org.createPolicy(
                        .init(content: scp, description: "deny root", name: "DenyRoot", type: "SERVICE_CONTROL_POLICY")
                    ).policy?.policySummary)
                _ = try await org.attachPolicy(.init(policyId: policy.id, targetId: ou.id))
                let policies = try await org.listPolicies(.init(filter: "SERVICE_CONTROL_POLICY")).policies ?? []
                #expect(policies.contains { $0.name == "DenyRoot" })
                #expect(try await org.describePolicy(.init(policyId: policy.id)).policy?.content == scp)
                // A new OU carries FullAWSAccess, as in AWS.
                let attached = try await org.listPoliciesForTarget(
                    .init(targetId: ou.id, filter: "SERVICE_CONTROL_POLICY"))
                #expect(Set(attached.policies?.compactMap(\.name) ?? []) == ["DenyRoot", "FullAWSAccess"])
                #expect(
                    try await org.listTargetsForPolicy(.init(policyId: policy.id)).targets?.map(\.targetId) == [ou.id])
                _ = try await org.enableAWSServiceAccess(.init(servicePrincipal: "cloudtrail.amazonaws.com"))
                let access = try await org.listAWSServiceAccessForOrganization().enabledServicePrincipals ?? []
                #expect(access.map(\.servicePrincipal) == ["cloudtrail.amazonaws.com"])
                // moto answers ListDelegatedAdministrators without a delegation: an empty list or an error, never a crash.
                if let delegated = try? await org.listDelegatedAdministrators() {
                    #expect(delegated.delegatedAdministrators?.isEmpty ?? true)
                }
            }
        }

        @Test func contactsAndPrimaryEmail() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let account = client.account()
                let unset = await #expect(throws: AWSError.self) {
                    try await account.getAlternateContact(.init(alternateContactType: "SECURITY"))
                }
                #expect(unset?.code == "ResourceNotFoundException")
                _ = try await account.putAlternateContact(
                    .init(
                        name: "Security Team", title: "SecOps", emailAddress: "security@example.com",
                        phoneNumber: "+1-555-0100",
                        alternateContactType: "SECURITY"))
                let contact = try await account.getAlternateContact(.init(alternateContactType: "SECURITY"))
                    .alternateContact
                #expect(contact?.emailAddress == "security@example.com")

                let none = await #expect(throws: AWSError.self) { try await account.getContactInformation() }
                #expect(none?.code == "ResourceNotFoundException")
                try await moto.setContactInformation(
                    account: motoAccount,
                    [
                        "FullName": "Example Corp", "AddressLine1": "1 Main St", "City": "Seattle",
                        "PostalCode": "98101",
                        "CountryCode": "US", "PhoneNumber": "+1-206-555-0100",
                    ])
                #expect(try await account.getContactInformation().contactInformation?.phoneNumber == "+1-206-555-0100")

                _ = try await client.organizations().createOrganization(.init(featureSet: "ALL"))
                let member = try #require(
                    try await client.organizations().createAccount(.init(email: "m@example.com", accountName: "m"))
                        .createAccountStatus?.accountId)
                #expect(try await account.getPrimaryEmail(.init(accountId: member)).primaryEmail == "m@example.com")
                // ListRegions: moto may not implement it; either way the client must not crash.
                do {
                    _ = try await account.listRegions()
                } catch let error as AWSError {
                    #expect([.notImplemented, .client, .notFound].contains(error.kind))
                }
            }
        }
    }

    @Suite("CloudTrail, CloudWatch Logs, CloudWatch and SNS") struct MonitoringOperations {
        @Test func trailStatusSelectorsAndLookupEvents() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                _ = try await client.s3().createBucket(.init(bucket: "trail-logs"))
                let trails = client.cloudTrail()
                let trail = try await trails.createTrail(
                    .init(
                        name: "org-trail", s3BucketName: "trail-logs", isMultiRegionTrail: true,
                        enableLogFileValidation: true))
                #expect(trail.isMultiRegionTrail == true)
                _ = try await trails.startLogging(.init(name: "org-trail"))
                #expect(try await trails.getTrailStatus(.init(name: "org-trail")).isLogging == true)
                _ = try await trails.putEventSelectors(
                    .init(
                        trailName: "org-trail",
                        eventSelectors: [.init(readWriteType: "All", includeManagementEvents: true)]))
                let selectors = try await trails.getEventSelectors(.init(trailName: "org-trail"))
                #expect(selectors.eventSelectors?.first?.readWriteType == "All")
                // A multi-region trail is seen (as a shadow trail) from another region.
                let shadow = try await client.cloudTrail(region: .euWest1).describeTrails(
                    .init(includeShadowTrails: true))
                #expect(shadow.trailList?.first?.homeRegion == "us-east-1")
                #expect(try await trails.listTrails().trails?.map(\.name) == ["org-trail"])
                _ = try await trails.stopLogging(.init(name: "org-trail"))
                #expect(try await trails.getTrailStatus(.init(name: "org-trail")).isLogging == false)

                var records: [[String: Any]] = []
                for index in 0..<60 {
                    let identity: [String: Any] =
                        index % 3 == 0
                        ? ["type": "Root", "principalId": motoAccount, "arn": "arn:aws:iam::\(motoAccount):root"]
                        : ["type": "IAMUser", "userName": "alice"]
                    let record: [String: Any] = [
                        "eventVersion": "1.08", "eventID": "e\(index)",
                        "eventName": index % 2 == 0 ? "ConsoleLogin" : "ListBuckets",
                        "eventSource": "signin.amazonaws.com",
                        "eventTime": String(format: "2026-11-%02dT10:00:00Z", 1 + index % 20), "userIdentity": identity,
                    ]
                    records.append(record)
                }
                try await moto.setEvents(account: motoAccount, region: "us-east-1", records)
                let pages = try await trails.lookupEventsPaginator(
                    .init(lookupAttributes: [.init(attributeKey: "Username", attributeValue: "root")], maxResults: 7)
                ).collect()
                let events = pages.flatMap { $0.events ?? [] }
                #expect(events.count == 20)
                #expect(pages.count == 3)
                let first = try #require(events.first?.cloudTrailEvent)
                let parsed = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
                #expect((parsed?["userIdentity"] as? [String: Any])?["type"] as? String == "Root")
                #expect(events.first?.eventTime != nil)
            }
        }

        @Test func metricFiltersAlarmsTopicsAndSubscriptions() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let logs = client.cloudWatchLogs()
                _ = try await logs.createLogGroup(.init(logGroupName: "aws-cloudtrail-logs"))
                #expect(try await logs.describeLogGroups().logGroups?.map(\.logGroupName) == ["aws-cloudtrail-logs"])
                let pattern =
                    #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#
                _ = try await logs.putMetricFilter(
                    .init(
                        logGroupName: "aws-cloudtrail-logs", filterName: "RootAccountUsage", filterPattern: pattern,
                        metricTransformations: [
                            .init(
                                metricName: "RootAccountUsageCount", metricNamespace: "CISBenchmark", metricValue: "1")
                        ]))
                let filters = try await logs.describeMetricFiltersPaginator(.init(logGroupName: "aws-cloudtrail-logs"))
                    .collect()
                    .flatMap { $0.metricFilters ?? [] }
                #expect(filters.first?.filterPattern == pattern)
                #expect(filters.first?.metricTransformations?.first?.metricNamespace == "CISBenchmark")
                _ = try await logs.createLogStream(.init(logGroupName: "aws-cloudtrail-logs", logStreamName: "s1"))
                _ = try await logs.putLogEvents(
                    .init(
                        logGroupName: "aws-cloudtrail-logs", logStreamName: "s1",
                        logEvents: [.init(timestamp: Int(Date().timeIntervalSince1970 * 1000), message: "{}")]))
                // TestMetricFilter is not implemented by moto: the client reports that as such.
                do {
                    _ = try await logs.testMetricFilter(.init(filterPattern: pattern, logEventMessages: ["{}"]))
                } catch let error as AWSError {
                    #expect(error.kind == .notImplemented || error.kind == .server)
                }

                let sns = client.sns()
                let topic = try #require(try await sns.createTopic(.init(name: "root-alerts")).topicArn)
                _ = try await sns.subscribe(.init(topicArn: topic, protocol: "email", endpoint: "secops@example.com"))
                let subscriptions = try await sns.listSubscriptionsByTopicPaginator(.init(topicArn: topic)).collect()
                    .flatMap { $0.subscriptions ?? [] }
                #expect(subscriptions.map(\.endpoint) == ["secops@example.com"])
                let attributes = try await sns.getTopicAttributes(.init(topicArn: topic)).attributes ?? [:]
                #expect(attributes["TopicArn"] == topic)

                let cloudWatch = client.cloudWatch()
                _ = try await cloudWatch.putMetricAlarm(
                    .init(
                        alarmName: "root-usage", actionsEnabled: true, alarmActions: [topic],
                        metricName: "RootAccountUsageCount",
                        namespace: "CISBenchmark", statistic: "Sum", period: 300, evaluationPeriods: 1, threshold: 1,
                        comparisonOperator: "GreaterThanOrEqualToThreshold"))
                let forMetric = try await cloudWatch.describeAlarmsForMetric(
                    .init(metricName: "RootAccountUsageCount", namespace: "CISBenchmark"))
                #expect(forMetric.metricAlarms?.first?.alarmActions == [topic])
                #expect(forMetric.metricAlarms?.first?.threshold == 1)
                let alarms = try await cloudWatch.describeAlarmsPaginator(.init(alarmNames: ["root-usage"])).collect()
                #expect(alarms.flatMap { $0.metricAlarms ?? [] }.first?.actionsEnabled == true)
            }
        }
    }

    @Suite("EventBridge, GuardDuty, Security Hub and Config") struct DetectionOperations {
        @Test func rulesTargetsAndPatterns() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let events = client.eventBridge()
                let pattern =
                    #"{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}"#
                _ = try await events.putRule(.init(name: "root-sign-in", eventPattern: pattern, state: "ENABLED"))
                _ = try await events.putTargets(
                    .init(
                        rule: "root-sign-in",
                        targets: [.init(id: "sns", arn: "arn:aws:sns:us-east-1:\(motoAccount):root-alerts")]))
                let rules = try await events.listRulesPaginator(.init()).collect().flatMap { $0.rules ?? [] }
                #expect(rules.map(\.name) == ["root-sign-in"])
                let rule = try await events.describeRule(.init(name: "root-sign-in"))
                #expect(rule.state == "ENABLED")
                #expect(rule.eventPattern.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } != nil)
                let targets = try await events.listTargetsByRule(.init(rule: "root-sign-in")).targets ?? []
                #expect(targets.map(\.id) == ["sns"])
                // moto's TestEventPattern is a stub without a Result: decoded as "no answer", not as a match.
                let test = try await events.testEventPattern(.init(eventPattern: pattern, event: "{}"))
                #expect(test.result == nil)
            }
        }

        @Test func guardDutyDetectorsAndFilters() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let guardDuty = client.guardDuty(region: .euWest1)
                #expect(try await guardDuty.listDetectors().detectorIds == [])
                let id = try #require(try await guardDuty.createDetector(.init(enable: true)).detectorId)
                #expect(try await guardDuty.listDetectorsPaginator().collect().flatMap { $0.detectorIds ?? [] } == [id])
                #expect(try await guardDuty.getDetector(.init(detectorId: id)).status == "ENABLED")
                _ = try await guardDuty.createFilter(
                    .init(
                        detectorId: id, name: "archive-root", action: "ARCHIVE",
                        findingCriteria: .init(criterion: ["type": .init(eq: ["Policy:IAMUser/RootCredentialUsage"])])))
                _ = try await guardDuty.createFilter(
                    .init(
                        detectorId: id, name: "noise", action: "NOOP",
                        findingCriteria: .init(criterion: ["severity": .init(gte: 1)])))
                let names = try await guardDuty.listFiltersPaginator(.init(detectorId: id, maxResults: 1)).collect()
                    .flatMap { $0.filterNames ?? [] }
                #expect(names == ["archive-root", "noise"])
                let filter = try await guardDuty.getFilter(.init(detectorId: id, filterName: "archive-root"))
                #expect(filter.action == "ARCHIVE")
                #expect(filter.findingCriteria?.criterion?["type"]?.eq == ["Policy:IAMUser/RootCredentialUsage"])
                // Regions are separate.
                #expect(try await client.guardDuty(region: .usEast1).listDetectors().detectorIds == [])
            }
        }

        @Test func securityHubAndConfig() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let hub = client.securityHub()
                let disabled = await #expect(throws: AWSError.self) { try await hub.describeHub() }
                #expect(disabled?.code == "InvalidAccessException")
                #expect(disabled?.kind == .notFound)
                _ = try await hub.enableSecurityHub(.init(enableDefaultStandards: true))
                #expect(try await hub.describeHub().hubArn?.contains(":hub/default") == true)
                // Standards are the project's plugin's (moto has none): the defaults, then one more.
                let standards = try await hub.getEnabledStandards().standardsSubscriptions?.compactMap(\.standardsArn)
                #expect(
                    standards == [
                        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
                    ])
                let nist = "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0"
                _ = try await hub.batchEnableStandards(
                    .init(standardsSubscriptionRequests: [.init(standardsArn: nist)]))
                #expect(
                    try await hub.getEnabledStandards().standardsSubscriptions?.map(\.standardsStatus).count == 3)

                let config = client.configService()
                #expect(try await config.describeConfigurationRecorderStatus().configurationRecordersStatus == [])
                _ = try await client.s3().createBucket(.init(bucket: "config-bucket"))
                _ = try await config.putConfigurationRecorder(
                    .init(
                        configurationRecorder: .init(
                            name: "default", roleARN: "arn:aws:iam::\(motoAccount):role/config",
                            recordingGroup: .init(allSupported: true, includeGlobalResourceTypes: true))))
                _ = try await config.putDeliveryChannel(
                    .init(deliveryChannel: .init(name: "default", s3BucketName: "config-bucket")))
                _ = try await config.startConfigurationRecorder(.init(configurationRecorderName: "default"))
                #expect(
                    try await config.describeConfigurationRecorders().configurationRecorders?.first?.name == "default")
                #expect(
                    try await config.describeConfigurationRecorderStatus().configurationRecordersStatus?.first?
                        .recording == true)
                for rule in [
                    "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
                ] {
                    _ = try await config.putConfigRule(
                        .init(
                            configRule: .init(
                                configRuleName: rule.lowercased(), source: .init(owner: "AWS", sourceIdentifier: rule)))
                    )
                }
                let rules = try await config.describeConfigRulesPaginator(.init()).collect().flatMap {
                    $0.configRules ?? []
                }
                #expect(
                    Set(rules.compactMap { $0.source?.sourceIdentifier }) == [
                        "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
                    ])
            }
        }
    }

    @Suite("S3 and Athena") struct StorageOperations {
        @Test func objectsListPagedAndStreamed() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let s3 = client.s3()
                _ = try await s3.createBucket(.init(bucket: "cloudtrail-logs"))
                _ = try await s3.headBucket(.init(bucket: "cloudtrail-logs"))
                _ = try await s3.getBucketLocation(.init(bucket: "cloudtrail-logs"))
                let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                let keys = [
                    "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/a.json.gz",
                    "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/b c+d.json.gz",
                    "AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/11/03/é.json.gz",
                ]
                for key in keys {
                    _ = try await s3.putObject(.init(body: payload, bucket: "cloudtrail-logs", key: key))
                }
                let pages = try await s3.listObjectsV2Paginator(
                    .init(bucket: "cloudtrail-logs", maxKeys: 2, prefix: "AWSLogs/")
                )
                .collect()
                #expect(pages.count == 2)
                #expect(Set(pages.flatMap { $0.contents ?? [] }.compactMap(\.key)) == Set(keys))
                let response = try await s3.getObject(.init(bucket: "cloudtrail-logs", key: keys[1]))
                var received = Data()
                var chunks = 0
                for try await chunk in response.body {
                    received.append(contentsOf: chunk.readableBytesView)
                    chunks += 1
                }
                #expect(received == payload)
                let missing = await #expect(throws: AWSError.self) {
                    try await s3.getObject(.init(bucket: "cloudtrail-logs", key: "nope"))
                }
                #expect(missing?.code == "NoSuchKey")
                let noBucket = await #expect(throws: AWSError.self) {
                    try await s3.listObjectsV2(.init(bucket: "no-such-bucket"))
                }
                #expect(noBucket?.code == "NoSuchBucket")
            }
        }

        @Test func bucketsAreCreatedInTheirRegionAndTakeAPolicy() async throws {
            let moto = try await MotoServer.fresh()
            try await moto.client().using { client in
                let s3 = client.s3(region: AWSRegion("eu-west-1"))
                _ = try await s3.createBucket(inRegion: .init(bucket: "logs-eu", region: "eu-west-1"))
                #expect(try await s3.headBucket(.init(bucket: "logs-eu")).bucketRegion == "eu-west-1")
                _ = try await client.s3().createBucket(inRegion: .init(bucket: "logs-us", region: "us-east-1"))
                #expect(try await client.s3().headBucket(.init(bucket: "logs-us")).bucketRegion == "us-east-1")
                // moto answers PutBucketPolicy with a body ("True") where AWS sends none: an output-less operation
                // reads nothing from it either way.
                _ = try await s3.putBucketPolicy(
                    .init(
                        bucket: "logs-eu",
                        policy:
                            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs-eu/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
                    ))
            }
        }

        @Test func athenaQueriesRunAndReturnRows() async throws {
            let moto = try await MotoServer.fresh()
            let rows: [String: Any] = [
                "account_id": motoAccount, "region": "us-east-1",
                "results": [
                    [
                        "rows": [
                            ["Data": [["VarCharValue": "eventname"]]], ["Data": [["VarCharValue": "ConsoleLogin"]]],
                        ],
                        "column_info": [["Name": "eventname", "Type": "varchar"]],
                    ]
                ],
            ]
            try await moto.post(
                "/moto-api/static/athena/query-results", body: Array(try JSONSerialization.data(withJSONObject: rows)))
            try await moto.client().using { client in
                let athena = client.athena()
                let id = try #require(
                    try await athena.startQueryExecution(
                        .init(
                            queryString: "SELECT eventname FROM cloudtrail WHERE useridentity.type = 'Root'",
                            resultConfiguration: .init(outputLocation: "s3://athena-results/"))
                    ).queryExecutionId)
                #expect(
                    try await athena.getQueryExecution(.init(queryExecutionId: id)).queryExecution?.status?.state
                        == "SUCCEEDED")
                let results = try await athena.getQueryResults(.init(queryExecutionId: id))
                #expect(results.resultSet?.rows?.last?.data?.first?.varCharValue == "ConsoleLogin")
            }
        }
    }
}
