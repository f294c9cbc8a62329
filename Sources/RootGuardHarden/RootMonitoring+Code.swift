import Foundation
import RootGuardModel

/// The plan as infrastructure code: exactly the planned resources, for this account.
extension RootMonitoring {
    /// Steps that change an existing rootguard resource in place have no resource of their own in a template.
    static func expressible(_ step: Step, in steps: [Step]) -> Bool {
        switch step {
        case .putEventSelectors, .startLogging:
            return steps.contains { if case .createTrail = $0 { return true } else { return false } }
        case .startConfigurationRecorder:
            return steps.contains(.putConfigurationRecorder)
        default:
            return true
        }
    }

    /// The regions the plan touches, home first.
    static func regions(of plan: Plan) -> [String] {
        var regions = [plan.home]
        for step in plan.steps {
            switch step {
            case .putRule(let region, _, _), .createDetector(let region):
                if !regions.contains(region) { regions.append(region) }
            case .enableSecurityHub, .enableFSBP:
                if !regions.contains(plan.hubRegion) { regions.append(plan.hubRegion) }
            default: break
            }
        }
        return regions
    }

    // MARK: - CloudFormation

    /// One template for this account: deploy it (or a StackSet instance of it) in each region it names; each
    /// resource carries the condition of its region.
    public static func cloudFormation(_ plan: Plan) throws -> String {
        let regions = regions(of: plan)
        var resources: [String: JSONValue] = [:]
        var conditions: [String: JSONValue] = [:]
        var skipped: [JSONValue] = []
        func condition(_ region: String) -> String {
            let name = "In" + CloudFormation.logicalSuffix(region)
            conditions[name] = ["Fn::Equals": [["Ref": "AWS::Region"], .string(region)]]
            return name
        }
        let tags = ManagedTag.cloudFormation
        let created = Set(plan.steps)
        func add(
            _ name: String, _ type: String, _ region: String, _ properties: [String: JSONValue],
            dependsOn: [String] = []
        ) {
            var resource: [String: JSONValue] = [
                "Type": .string(type), "Condition": .string(condition(region)), "Properties": .object(properties),
            ]
            if !dependsOn.isEmpty { resource["DependsOn"] = JSONValue(dependsOn) }
            resources[name] = .object(resource)
        }
        func roleName(_ name: String) -> String {
            name == trailRoleName ? "TrailRole" : name == forwardRoleName ? "ForwardRole" : "ConfigRole"
        }
        /// A role this template creates (in the home region's stack), by reference there and by ARN elsewhere.
        func roleRef(_ name: String, from region: String? = nil) -> JSONValue {
            let ours = created.contains(where: {
                if case .createRole(name, _) = $0 { return true } else { return false }
            })
            return ours && (region ?? plan.home) == plan.home
                ? ["Fn::GetAtt": [.string(roleName(name)), "Arn"]] : .string(plan.roleARN(name))
        }
        let topicRef: JSONValue = created.contains(.createTopic) ? ["Ref": "Topic"] : .string(plan.topicARN)
        for (step, change) in zip(plan.steps, plan.plan.changes) {
            guard expressible(step, in: plan.steps) else {
                skipped.append(.string("\(change.service) \(change.action) \(change.resource): run --apply"))
                continue
            }
            switch step {
            case .createBucket(let name):
                add(
                    "LogsBucket", "AWS::S3::Bucket", plan.home,
                    [
                        "BucketName": .string(name), "Tags": tags,
                        "PublicAccessBlockConfiguration": [
                            "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
                            "RestrictPublicBuckets": true,
                        ],
                    ])
            case .putBucketPolicy(let name):
                add(
                    "LogsBucketPolicy", "AWS::S3::BucketPolicy", plan.home,
                    [
                        "Bucket": created.contains(.createBucket(name)) ? ["Ref": "LogsBucket"] : .string(name),
                        "PolicyDocument": PolicyJSON.object(bucketPolicy(bucket: name, plan: plan)),
                    ])
            case .createRole(let name, let service):
                var properties: [String: JSONValue] = [
                    "RoleName": .string(name), "Tags": tags,
                    "AssumeRolePolicyDocument": PolicyJSON.object(
                        PolicyJSON.serviceTrust(service: service, account: plan.account)),
                ]
                if name == configRoleName {
                    properties["ManagedPolicyArns"] = [.string("arn:\(plan.partition):iam::aws:\(configManagedPolicy)")]
                } else {
                    properties["Policies"] = [
                        [
                            "PolicyName": .string(name),
                            "PolicyDocument": PolicyJSON.object(rolePolicy(name, plan: plan)),
                        ]
                    ]
                }
                add(roleName(name), "AWS::IAM::Role", plan.home, properties)
            case .createLogGroup:
                add(
                    "TrailLogGroup", "AWS::Logs::LogGroup", plan.home,
                    ["LogGroupName": .string(logGroupName), "Tags": tags])
            case .createTrail(let bucket):
                var depends: [String] = []
                if created.contains(.putBucketPolicy(bucket)) { depends.append("LogsBucketPolicy") }
                add(
                    "Trail", "AWS::CloudTrail::Trail", plan.home,
                    [
                        "TrailName": .string(trailName), "S3BucketName": .string(bucket), "IsLogging": true,
                        "IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true, "EnableLogFileValidation": true,
                        "CloudWatchLogsLogGroupArn": created.contains(.createLogGroup)
                            ? ["Fn::GetAtt": ["TrailLogGroup", "Arn"]] : .string(plan.logGroupARN),
                        "CloudWatchLogsRoleArn": roleRef(trailRoleName),
                        "EventSelectors": [["ReadWriteType": "All", "IncludeManagementEvents": true]],
                        "Tags": tags,
                    ], dependsOn: depends)
            case .putEventSelectors, .startLogging, .startConfigurationRecorder:
                continue  // part of the trail / recorder resource
            case .putMetricFilter(let group):
                add(
                    "RootActivityFilter", "AWS::Logs::MetricFilter", plan.home,
                    [
                        "LogGroupName": .string(group), "FilterName": .string(filterName),
                        "FilterPattern": .string(metricFilterPattern),
                        "MetricTransformations": [
                            [
                                "MetricName": .string(metricName), "MetricNamespace": .string(metricNamespace),
                                "MetricValue": "1",
                            ]
                        ],
                    ], dependsOn: created.contains(.createLogGroup) ? ["TrailLogGroup"] : [])
            case .createTopic:
                add("Topic", "AWS::SNS::Topic", plan.home, ["TopicName": .string(topicName), "Tags": tags])
                var policy = PolicyJSON.object(topicPolicy(plan: plan))
                // The template refers to the topic it creates.
                if case .object(var document) = policy, case .array(let statements)? = document["Statement"] {
                    document["Statement"] = .array(
                        statements.map { statement in
                            guard case .object(var fields) = statement else { return statement }
                            fields["Resource"] = ["Ref": "Topic"]
                            return .object(fields)
                        })
                    policy = .object(document)
                }
                add(
                    "TopicPolicy", "AWS::SNS::TopicPolicy", plan.home,
                    ["Topics": [["Ref": "Topic"]], "PolicyDocument": policy])
            case .subscribe(let proto, let endpoint):
                add(
                    "Subscriber", "AWS::SNS::Subscription", plan.home,
                    ["TopicArn": topicRef, "Protocol": .string(proto), "Endpoint": .string(endpoint)])
            case .putMetricAlarm:
                add(
                    "RootActivityAlarm", "AWS::CloudWatch::Alarm", plan.home,
                    [
                        "AlarmName": .string(alarmName),
                        "AlarmDescription": "rootguard: the root user was used (ROOT-BP 17)", "ActionsEnabled": true,
                        "AlarmActions": [topicRef], "MetricName": .string(metricName),
                        "Namespace": .string(metricNamespace), "Statistic": "Sum", "Period": 300,
                        "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                        "TreatMissingData": "notBreaching",
                    ])
            case .putRule(let region, let kind, let forward):
                let target: JSONValue =
                    forward
                    ? [
                        "Id": "rootguard-home-bus", "Arn": .string(plan.homeBusARN),
                        "RoleArn": roleRef(forwardRoleName, from: region),
                    ]
                    : ["Id": "rootguard-topic", "Arn": topicRef]
                add(
                    (kind == .signIn ? "SignInRule" : "ApiCallsRule") + CloudFormation.logicalSuffix(region),
                    "AWS::Events::Rule",
                    region,
                    [
                        "Name": .string(kind.name), "State": "ENABLED", "EventPattern": PolicyJSON.object(kind.pattern),
                        "Targets": [target],
                    ])
            case .createDetector(let region):
                add(
                    "Detector" + CloudFormation.logicalSuffix(region), "AWS::GuardDuty::Detector", region,
                    ["Enable": true, "Tags": tags])
            case .putConfigurationRecorder:
                add(
                    "ConfigRecorder", "AWS::Config::ConfigurationRecorder", plan.home,
                    [
                        "Name": .string(recorderName), "RoleARN": roleRef(configRoleName),
                        "RecordingGroup": ["AllSupported": true, "IncludeGlobalResourceTypes": true],
                    ])
            case .putDeliveryChannel(let bucket):
                add(
                    "ConfigDeliveryChannel", "AWS::Config::DeliveryChannel", plan.home,
                    ["Name": .string(recorderName), "S3BucketName": .string(bucket), "S3KeyPrefix": "config"],
                    dependsOn: created.contains(.putBucketPolicy(bucket)) ? ["LogsBucketPolicy"] : [])
            case .putConfigRule(let identifier):
                add(
                    "ConfigRule"
                        + identifier.split(separator: "_").map { $0.prefix(1) + $0.dropFirst().lowercased() }
                        .joined(),
                    "AWS::Config::ConfigRule", plan.home,
                    [
                        "ConfigRuleName": .string(configRuleName(identifier)),
                        "Source": ["Owner": "AWS", "SourceIdentifier": .string(identifier)],
                    ], dependsOn: created.contains(.putConfigurationRecorder) ? ["ConfigRecorder"] : [])
            case .enableSecurityHub:
                add(
                    "SecurityHub", "AWS::SecurityHub::Hub", plan.hubRegion,
                    ["EnableDefaultStandards": false, "Tags": .object([ManagedTag.key: .string(ManagedTag.value)])])
            case .enableFSBP:
                add(
                    "SecurityHubFSBP", "AWS::SecurityHub::Standard", plan.hubRegion,
                    ["StandardsArn": .string(plan.fsbpARN)],
                    dependsOn: created.contains(.enableSecurityHub) ? ["SecurityHub"] : [])
            }
        }
        var template: [String: JSONValue] = [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": .string(
                "rootguard: root-activity monitoring (ROOT-BP 16-20) for account \(plan.account); deploy in \(regions.joined(separator: ", ")) (a StackSet instance per region, \(plan.home) first)"
            ),
            "Conditions": .object(conditions),
            "Resources": .object(resources),
        ]
        if resources.isEmpty {
            // A template needs one resource; nothing is missing, so it holds a no-op.
            template["Conditions"] = ["Never": ["Fn::Equals": ["a", "b"]]]
            template["Resources"] = [
                "Nothing": [
                    "Type": "AWS::CloudFormation::WaitConditionHandle", "Condition": "Never", "Properties": [:],
                ]
            ]
        }
        if !skipped.isEmpty { template["Metadata"] = ["RootGuardNotExpressed": .array(skipped)] }
        return try CloudFormation.render(.object(template))
    }

    // MARK: - Terraform

    /// HCL for the AWS provider: one provider alias per region, exactly the planned resources.
    public static func terraform(_ plan: Plan) -> String {
        let hcl = HCL.string
        let created = Set(plan.steps)
        func provider(_ region: String) -> String { "aws." + region.replacingOccurrences(of: "-", with: "_") }
        func heredoc(_ json: String) -> String { "<<-JSON\n    \(json)\n  JSON" }
        func roleRef(_ name: String) -> String {
            created.contains(where: { if case .createRole(name, _) = $0 { return true } else { return false } })
                ? "aws_iam_role.\(name.replacingOccurrences(of: "-", with: "_")).arn" : hcl(plan.roleARN(name))
        }
        let topicRef = created.contains(.createTopic) ? "aws_sns_topic.rootguard.arn" : hcl(plan.topicARN)
        let tags = ManagedTag.terraform
        var out = "# rootguard: root-activity monitoring (ROOT-BP 16-20) for account \(plan.account).\n"
        for region in regions(of: plan) {
            out += """

                provider "aws" {
                  alias  = "\(region.replacingOccurrences(of: "-", with: "_"))"
                  region = "\(region)"
                }

                """
        }
        func resource(_ type: String, _ name: String, _ region: String, _ body: String) {
            out += "\nresource \"\(type)\" \"\(name)\" {\n  provider = \(provider(region))\n\(body)\n}\n"
        }
        for (step, change) in zip(plan.steps, plan.plan.changes) {
            guard expressible(step, in: plan.steps) else {
                out += "\n# not expressed (run --apply): \(change.service) \(change.action) \(change.resource)\n"
                continue
            }
            switch step {
            case .createBucket(let name):
                resource("aws_s3_bucket", "rootguard_logs", plan.home, "  bucket = \(hcl(name))\n  \(tags)")
                resource(
                    "aws_s3_bucket_public_access_block", "rootguard_logs", plan.home,
                    """
                      bucket                  = aws_s3_bucket.rootguard_logs.id
                      block_public_acls       = true
                      block_public_policy     = true
                      ignore_public_acls      = true
                      restrict_public_buckets = true
                    """)
            case .putBucketPolicy(let name):
                let bucket = created.contains(.createBucket(name)) ? "aws_s3_bucket.rootguard_logs.id" : hcl(name)
                resource(
                    "aws_s3_bucket_policy", "rootguard_logs", plan.home,
                    "  bucket = \(bucket)\n  policy = \(heredoc(bucketPolicy(bucket: name, plan: plan)))")
            case .createRole(let name, let service):
                let id = name.replacingOccurrences(of: "-", with: "_")
                resource(
                    "aws_iam_role", id, plan.home,
                    "  name               = \(hcl(name))\n  assume_role_policy = \(heredoc(PolicyJSON.serviceTrust(service: service, account: plan.account)))\n  \(tags)"
                )
                if name == configRoleName {
                    resource(
                        "aws_iam_role_policy_attachment", id, plan.home,
                        "  role       = aws_iam_role.\(id).name\n  policy_arn = \(hcl("arn:\(plan.partition):iam::aws:\(configManagedPolicy)"))"
                    )
                } else {
                    resource(
                        "aws_iam_role_policy", id, plan.home,
                        "  name   = \(hcl(name))\n  role   = aws_iam_role.\(id).id\n  policy = \(heredoc(rolePolicy(name, plan: plan)))"
                    )
                }
            case .createLogGroup:
                resource("aws_cloudwatch_log_group", "rootguard", plan.home, "  name = \(hcl(logGroupName))\n  \(tags)")
            case .createTrail(let bucket):
                let group =
                    created.contains(.createLogGroup)
                    ? "\"${aws_cloudwatch_log_group.rootguard.arn}:*\"" : hcl(plan.logGroupARN)
                let depends =
                    created.contains(.putBucketPolicy(bucket))
                    ? "\n  depends_on = [aws_s3_bucket_policy.rootguard_logs]" : ""
                resource(
                    "aws_cloudtrail", "rootguard", plan.home,
                    """
                      name                          = \(hcl(trailName))
                      s3_bucket_name                = \(hcl(bucket))
                      is_multi_region_trail         = true
                      include_global_service_events = true
                      enable_log_file_validation    = true
                      enable_logging                = true
                      cloud_watch_logs_group_arn    = \(group)
                      cloud_watch_logs_role_arn     = \(roleRef(trailRoleName))
                      event_selector {
                        read_write_type           = "All"
                        include_management_events = true
                      }
                      \(tags)\(depends)
                    """)
            case .putEventSelectors, .startLogging, .startConfigurationRecorder:
                continue
            case .putMetricFilter(let group):
                let groupRef =
                    created.contains(.createLogGroup) ? "aws_cloudwatch_log_group.rootguard.name" : hcl(group)
                resource(
                    "aws_cloudwatch_log_metric_filter", "rootguard_root_activity", plan.home,
                    """
                      name           = \(hcl(filterName))
                      log_group_name = \(groupRef)
                      pattern        = \(hcl(metricFilterPattern))
                      metric_transformation {
                        name      = \(hcl(metricName))
                        namespace = \(hcl(metricNamespace))
                        value     = "1"
                      }
                    """)
            case .createTopic:
                resource(
                    "aws_sns_topic", "rootguard", plan.home, "  name   = \(hcl(topicName))\n  \(tags)")
                resource(
                    "aws_sns_topic_policy", "rootguard", plan.home,
                    "  arn    = aws_sns_topic.rootguard.arn\n  policy = \(heredoc(topicPolicy(plan: plan)))")
            case .subscribe(let proto, let endpoint):
                resource(
                    "aws_sns_topic_subscription", "rootguard", plan.home,
                    "  topic_arn = \(topicRef)\n  protocol  = \(hcl(proto))\n  endpoint  = \(hcl(endpoint))")
            case .putMetricAlarm:
                resource(
                    "aws_cloudwatch_metric_alarm", "rootguard_root_activity", plan.home,
                    """
                      alarm_name          = \(hcl(alarmName))
                      alarm_description   = "rootguard: the root user was used (ROOT-BP 17)"
                      namespace           = \(hcl(metricNamespace))
                      metric_name         = \(hcl(metricName))
                      statistic           = "Sum"
                      period              = 300
                      evaluation_periods  = 1
                      threshold           = 1
                      comparison_operator = "GreaterThanOrEqualToThreshold"
                      treat_missing_data  = "notBreaching"
                      actions_enabled     = true
                      alarm_actions       = [\(topicRef)]
                      \(tags)
                    """)
            case .putRule(let region, let kind, let forward):
                let id =
                    "\(kind == .signIn ? "root_sign_in" : "root_api_calls")_\(region.replacingOccurrences(of: "-", with: "_"))"
                resource(
                    "aws_cloudwatch_event_rule", id, region,
                    "  name          = \(hcl(kind.name))\n  event_pattern = \(hcl(kind.pattern))\n  \(tags)")
                let target =
                    forward
                    ? "  arn       = \(hcl(plan.homeBusARN))\n  role_arn  = \(roleRef(forwardRoleName))"
                    : "  arn       = \(topicRef)"
                resource(
                    "aws_cloudwatch_event_target", id, region,
                    "  rule      = aws_cloudwatch_event_rule.\(id).name\n  target_id = \(hcl(forward ? "rootguard-home-bus" : "rootguard-topic"))\n\(target)"
                )
            case .createDetector(let region):
                resource(
                    "aws_guardduty_detector", "rootguard_\(region.replacingOccurrences(of: "-", with: "_"))", region,
                    "  enable = true\n  \(tags)")
            case .putConfigurationRecorder:
                resource(
                    "aws_config_configuration_recorder", "rootguard", plan.home,
                    """
                      name     = \(hcl(recorderName))
                      role_arn = \(roleRef(configRoleName))
                      recording_group {
                        all_supported                 = true
                        include_global_resource_types = true
                      }
                    """)
                resource(
                    "aws_config_configuration_recorder_status", "rootguard", plan.home,
                    "  name       = aws_config_configuration_recorder.rootguard.name\n  is_enabled = true\n  depends_on = [aws_config_delivery_channel.rootguard]"
                )
            case .putDeliveryChannel(let bucket):
                resource(
                    "aws_config_delivery_channel", "rootguard", plan.home,
                    "  name           = \(hcl(recorderName))\n  s3_bucket_name = \(hcl(bucket))\n  s3_key_prefix  = \"config\"\n  depends_on     = [aws_config_configuration_recorder.rootguard]"
                )
            case .putConfigRule(let identifier):
                let depends =
                    created.contains(.putConfigurationRecorder)
                    ? "\n  depends_on = [aws_config_configuration_recorder.rootguard]" : ""
                resource(
                    "aws_config_config_rule", identifier.lowercased(), plan.home,
                    "  name = \(hcl(configRuleName(identifier)))\n  source {\n    owner             = \"AWS\"\n    source_identifier = \(hcl(identifier))\n  }\(depends)"
                )
            case .enableSecurityHub:
                resource(
                    "aws_securityhub_account", "rootguard", plan.hubRegion, "  enable_default_standards = false")
            case .enableFSBP:
                let depends =
                    created.contains(.enableSecurityHub)
                    ? "\n  depends_on    = [aws_securityhub_account.rootguard]" : ""
                resource(
                    "aws_securityhub_standards_subscription", "rootguard_fsbp", plan.hubRegion,
                    "  standards_arn = \(hcl(plan.fsbpARN))\(depends)")
            }
        }
        return out
    }
}
