import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel
import RootGuardPatterns

/// `harden watch`: what `rootguard watch` reads from — an SQS queue (`rootguard-watch`) with a dead-letter queue,
/// a queue policy letting only rootguard's EventBridge rules send, and in every examined region the two rules (root
/// identity; the root-relevant calls other principals make). Rules outside the queue's region forward to its
/// default event bus (an SQS target must be in the rule's region). Dry run unless `--apply`; CloudFormation form.
public struct WatchQueue: Hardener {
    public static let subcommand = "watch"
    public static let formats: Set<HardenFormat> = [.plan, .json, .cloudformation]
    public static func unsupported(_ format: HardenFormat) -> String {
        "harden watch prints CloudFormation (--format cloudformation), not \(format.rawValue)"
    }

    /// Regions to cover (nil: the account's enabled regions).
    public var regions: [String]?

    public init(regions: [String]? = nil) { self.regions = regions }

    public func read(client: AWSClient) async throws -> State { try await Self.read(client: client, regions: regions) }
    public func plan(_ state: State, client: AWSClient) async throws -> Plan { try Self.plan(state) }
    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        try await Self.reaudit(client: client, plan: plan)
    }
    /// The template of everything `harden watch` manages (all of it is rootguard's, by name), whatever exists now;
    /// what exists is named for import.
    public func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode {
        guard let client else { throw HardenFailure("harden watch reads the account for its code") }
        let state = try await read(client: client)
        var desired = state
        desired.queueURL = nil
        desired.queueAttributes = [:]
        desired.deadLetterExists = false
        desired.forwardRoleExists = false
        desired.rules = [:]
        var existing: [String] = []
        if let url = state.queueURL { existing.append("Queue (\(url))") }
        if state.deadLetterExists { existing.append("DeadLetterQueue (\(Self.deadLetterName))") }
        if state.forwardRoleExists { existing.append("ForwardRole (\(Self.forwardRoleName))") }
        for (region, rules) in state.rules.sorted(by: { $0.key < $1.key }) {
            for rule in rules.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                existing.append(
                    "\(rule == .root ? "RootRule" : "NamedRule")\(CloudFormation.logicalSuffix(region)) (\(rule.name) in \(region))"
                )
            }
        }
        let notes =
            existing.isEmpty
            ? []
            : [
                "these already exist: import them into the stack (create-change-set --change-set-type IMPORT) instead of creating them: \(existing.joined(separator: ", "))"
            ]
        return HardenCode(try Self.cloudFormation(try Self.plan(desired)), notes: notes)
    }

    public static let queueName = "rootguard-watch"
    public static let deadLetterName = "rootguard-watch-dlq"
    public static let forwardRoleName = "rootguard-watch-forward"
    /// SQS moves a message to the dead-letter queue once it was received this many times (watch's --max-receives).
    public static let maxReceiveCount = 5

    static let detailTypes = [
        "AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "AWS Console Action via CloudTrail",
    ]

    public enum Rule: String, CaseIterable, Sendable, Hashable {
        case root, named

        public var name: String { self == .root ? "rootguard-watch-root" : "rootguard-watch-named" }
        /// Root's own activity; and the calls about root that other principals make (AssumeRoot, password recovery,
        /// primary e-mail changes).
        public var pattern: String {
            let types = WatchQueue.detailTypes.map { "\"\($0)\"" }.joined(separator: ",")
            switch self {
            case .root:
                return #"{"detail-type":[\#(types)],"detail":{"userIdentity":{"type":["Root"]}}}"#
            case .named:
                let names = RootEventNames.byOtherCallers.sorted().map { "\"\($0)\"" }.joined(separator: ",")
                return #"{"detail-type":[\#(types)],"detail":{"eventName":[\#(names)]}}"#
            }
        }
    }

    public enum Step: Sendable, Hashable {
        case createDeadLetterQueue
        case createQueue
        case setQueuePolicy
        case createForwardRole
        case putRule(region: String, rule: Rule)
    }

    public struct Plan: OneChangePerStepPlan {
        public typealias Step = WatchQueue.Step
        public var plan: HardenPlan
        public var steps: [Step]
        public var home: String
        public var regions: [String]
        public var account: AccountID
        public var partition: String

        var queueARN: String { "arn:\(partition):sqs:\(home):\(account):\(WatchQueue.queueName)" }
        var deadLetterARN: String { "arn:\(partition):sqs:\(home):\(account):\(WatchQueue.deadLetterName)" }
        var homeBusARN: String { "arn:\(partition):events:\(home):\(account):event-bus/default" }
        var forwardRoleARN: String { "arn:\(partition):iam::\(account):role/\(WatchQueue.forwardRoleName)" }
        func ruleARN(_ region: String, _ rule: Rule) -> String {
            "arn:\(partition):events:\(region):\(account):rule/\(rule.name)"
        }
        /// The rules that may send to the queue: those of its own region (the others forward to its bus).
        var sourceARNs: [String] { Rule.allCases.map { ruleARN(home, $0) } }
    }

    /// What exists now.
    public struct State: Sendable {
        public var account: AccountID
        public var partition: String
        public var home: String
        public var regions: [String]
        public var queueURL: String?
        public var queueAttributes: [String: String] = [:]
        public var deadLetterExists = false
        public var forwardRoleExists = false
        /// Region → rule → (enabled, target ARNs).
        public var rules: [String: [Rule: (enabled: Bool, pattern: String?, targets: [String])]] = [:]
    }

    public static let requiredActions = [
        "sts:GetCallerIdentity", "account:ListRegions", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
        "sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "events:DescribeRule", "events:ListTargetsByRule",
        "events:PutRule", "events:PutTargets", "events:TagResource", "iam:GetRole", "iam:CreateRole",
        "iam:PutRolePolicy", "iam:PassRole",
    ]
    /// What `rootguard watch` itself needs.
    public static let watchActions = [
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sns:Publish",
    ]

    public static func read(client: AWSClient, regions: [String]?) async throws -> State {
        let identity = try await client.callerIdentity()
        let (account, partition) = (identity.account, identity.partition)
        let home = client.configuration.region.rawValue
        var examined: [String]
        if let regions, !regions.isEmpty {
            examined = regions
        } else if let listed = await MonitoringCollector.listEnabledRegions(client) {
            examined = listed
        } else {
            throw HardenFailure(
                description: "the account's enabled regions cannot be listed (account:ListRegions); pass --regions")
        }
        if !examined.contains(home) { examined.insert(home, at: 0) }
        // Root sign-in events arrive in us-east-1 only.
        if !examined.contains("us-east-1") { examined.append("us-east-1") }
        var state = State(account: account, partition: partition, home: home, regions: examined)
        let sqs = client.sqs(region: AWSRegion(home))
        for name in [queueName, deadLetterName] {
            do {
                let url = try await sqs.getQueueUrl(.init(queueName: name)).queueUrl
                if name == queueName {
                    state.queueURL = url
                    state.queueAttributes =
                        try await sqs.getQueueAttributes(.init(queueUrl: url, attributeNames: ["All"])).attributes
                        ?? [:]
                } else {
                    state.deadLetterExists = true
                }
            } catch let error as AWSError
                where error.code.hasSuffix("NonExistentQueue") || error.code == "QueueDoesNotExist"
            {}
        }
        do {
            _ = try await client.iam().getRole(.init(roleName: forwardRoleName))
            state.forwardRoleExists = true
        } catch let error as AWSError where error.code == "NoSuchEntity" || error.kind == .notFound {}
        for region in examined {
            let events = client.eventBridge(region: AWSRegion(region))
            for rule in Rule.allCases {
                do {
                    let described = try await events.describeRule(.init(name: rule.name))
                    let targets = try await events.listTargetsByRule(.init(rule: rule.name)).targets?.compactMap(\.arn)
                    state.rules[region, default: [:]][rule] = (
                        described.state == "ENABLED", described.eventPattern, targets ?? []
                    )
                } catch let error as AWSError where error.code == "ResourceNotFoundException" {}
            }
        }
        return state
    }

    public static func plan(_ state: State) throws -> Plan {
        for rule in Rule.allCases {
            guard (try? EventPattern.parse(rule.pattern)) != nil else {
                throw HardenFailure("internal: \(rule.name)'s pattern does not parse")
            }
        }
        var result = Plan(
            plan: HardenPlan(subcommand: subcommand, changes: []), steps: [], home: state.home, regions: state.regions,
            account: state.account, partition: state.partition)
        var steps: [Step] = []
        if !state.deadLetterExists { steps.append(.createDeadLetterQueue) }
        if state.queueURL == nil {
            steps.append(.createQueue)
            steps.append(.setQueuePolicy)
        } else if !(state.queueAttributes["Policy"].map { policy in
            result.sourceARNs.allSatisfy { policy.contains($0) } && policy.contains("events.amazonaws.com")
        } ?? false) {
            steps.append(.setQueuePolicy)
        }
        let forwarding = state.regions.contains { $0 != state.home }
        if forwarding && !state.forwardRoleExists { steps.append(.createForwardRole) }
        for region in state.regions {
            let target = region == state.home ? result.queueARN : result.homeBusARN
            for rule in Rule.allCases {
                let current = state.rules[region]?[rule]
                if current?.enabled != true || current?.pattern.flatMap(normalized) != normalized(rule.pattern)
                    || current?.targets != [target]
                {
                    steps.append(.putRule(region: region, rule: rule))
                }
            }
        }
        result.steps = steps
        result.plan.changes = steps.map { describe($0, result) }
        if !steps.isEmpty {
            result.plan.notes.append(
                "run: rootguard watch --queue-url https://sqs.\(state.home).amazonaws.com/\(state.account)/\(queueName)"
            )
        }
        return result
    }

    /// Patterns compared as JSON values (AWS may return them re-serialised).
    static func normalized(_ pattern: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(pattern.utf8))
    }

    static func describe(_ step: Step, _ plan: Plan) -> PlannedChange {
        let why = "watch: root activity reaches rootguard watch"
        switch step {
        case .createDeadLetterQueue:
            return .init(
                service: "sqs", action: "CreateQueue", resource: "\(deadLetterName) (\(plan.home), 14 days)", why: why)
        case .createQueue:
            return .init(
                service: "sqs", action: "CreateQueue",
                resource: "\(queueName) (\(plan.home), dead letters after \(maxReceiveCount) receives)", why: why)
        case .setQueuePolicy:
            return .init(
                service: "sqs", action: "SetQueueAttributes",
                resource: "\(queueName) policy: events.amazonaws.com from rootguard's rules only", why: why)
        case .createForwardRole:
            return .init(
                service: "iam", action: "CreateRole", resource: "\(forwardRoleName) (trusts events.amazonaws.com)",
                why: why)
        case .putRule(let region, let rule):
            return .init(
                service: "events", action: "PutRule+PutTargets",
                resource: "\(rule.name) (\(region)) → \(region == plan.home ? queueName : "event bus of \(plan.home)")",
                why: why)
        }
    }

    static func queuePolicy(_ plan: Plan) -> String {
        PolicyJSON.text([
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "RootGuardRules", "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
                    "Action": "sqs:SendMessage", "Resource": .string(plan.queueARN),
                    "Condition": ["ArnEquals": ["aws:SourceArn": JSONValue(plan.sourceARNs)]],
                ]
            ],
        ])
    }

    static func forwardPolicy(_ plan: Plan) -> String {
        PolicyJSON.text([
            "Version": "2012-10-17",
            "Statement": [["Effect": "Allow", "Action": "events:PutEvents", "Resource": .string(plan.homeBusARN)]],
        ])
    }

    static func queueAttributes(_ plan: Plan) -> [String: String] {
        [
            "VisibilityTimeout": "60", "ReceiveMessageWaitTimeSeconds": "20", "SqsManagedSseEnabled": "true",
            "RedrivePolicy": PolicyJSON.text([
                "deadLetterTargetArn": .string(plan.deadLetterARN), "maxReceiveCount": .number(Double(maxReceiveCount)),
            ]),
        ]
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        let sqs = client.sqs(region: AWSRegion(plan.home))
        switch step {
        case .createDeadLetterQueue:
            _ = try await sqs.createQueue(
                .init(
                    queueName: Self.deadLetterName,
                    attributes: ["MessageRetentionPeriod": "1209600", "SqsManagedSseEnabled": "true"],
                    tags: ManagedTag.map))
        case .createQueue:
            _ = try await sqs.createQueue(
                .init(queueName: Self.queueName, attributes: Self.queueAttributes(plan), tags: ManagedTag.map))
        case .setQueuePolicy:
            let url = try await sqs.getQueueUrl(.init(queueName: Self.queueName)).queueUrl
            _ = try await sqs.setQueueAttributes(.init(queueUrl: url, attributes: ["Policy": Self.queuePolicy(plan)]))
        case .createForwardRole:
            let iam = client.iam()
            _ = try await iam.createRole(
                .init(
                    roleName: Self.forwardRoleName,
                    assumeRolePolicyDocument: .init(
                        json: PolicyJSON.serviceTrust(service: "events.amazonaws.com", account: plan.account)),
                    description: "rootguard watch: forward root activity to the queue's region", tags: ManagedTag.iam))
            _ = try await iam.putRolePolicy(
                .init(
                    roleName: Self.forwardRoleName, policyName: Self.forwardRoleName,
                    policyDocument: .init(json: Self.forwardPolicy(plan))))
        case .putRule(let region, let rule):
            let events = client.eventBridge(region: AWSRegion(region))
            _ = try await events.putRule(
                .init(
                    name: rule.name, eventPattern: rule.pattern, state: "ENABLED", description: "rootguard watch",
                    tags: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
            let target: EventBridge.Target =
                region == plan.home
                ? .init(id: "rootguard-watch", arn: plan.queueARN)
                : .init(id: "rootguard-watch-bus", arn: plan.homeBusARN, roleArn: plan.forwardRoleARN)
            try await Propagation.retrying {
                let result = try await events.putTargets(.init(rule: rule.name, targets: [target]))
                if (result.failedEntryCount ?? 0) > 0, let failed = result.failedEntries?.first {
                    throw HardenFailure(
                        "events PutTargets \(rule.name) (\(region)): \(failed.errorCode ?? "") \(failed.errorMessage ?? "")"
                    )
                }
            }
        }
    }

    /// Read back: the queue with its dead-letter queue and policy, and in each region both rules enabled with the
    /// right target. One finding per region, plus one for the queue.
    public static func reaudit(client: AWSClient, plan: Plan) async throws -> [Finding] {
        let state = try await read(client: client, regions: plan.regions)
        var findings: [Finding] = []
        func finding(_ region: String, _ status: Status, _ message: String, resource: String) -> Finding {
            var finding = Finding(
                checkId: "watch-pipeline", status: status, severity: .medium, accountId: state.account,
                resource: resource, message: message, compliance: ["ROOT-BP": ["18"]],
                remediation: "rootguard harden watch --apply")
            finding.region = region
            return finding
        }
        let redrive = state.queueAttributes["RedrivePolicy"] ?? ""
        let policy = state.queueAttributes["Policy"] ?? ""
        if state.queueURL == nil {
            findings.append(finding(plan.home, .fail, "Queue \(queueName) does not exist.", resource: plan.queueARN))
        } else if !redrive.contains(deadLetterName) || !plan.sourceARNs.allSatisfy({ policy.contains($0) }) {
            findings.append(
                finding(
                    plan.home, .fail, "Queue \(queueName) lacks its dead-letter queue or its policy for the rules.",
                    resource: plan.queueARN))
        } else {
            findings.append(
                finding(
                    plan.home, .pass,
                    "Queue \(queueName) takes events from rootguard's rules; dead letters go to \(deadLetterName).",
                    resource: plan.queueARN))
        }
        for region in plan.regions {
            let target = region == plan.home ? plan.queueARN : plan.homeBusARN
            let broken = Rule.allCases.filter { rule in
                let current = state.rules[region]?[rule]
                return current?.enabled != true || current?.targets != [target]
            }
            findings.append(
                broken.isEmpty
                    ? finding(
                        region, .pass,
                        "\(region): root activity and root-related calls reach \(region == plan.home ? queueName : "the bus of \(plan.home)").",
                        resource: plan.ruleARN(region, .root))
                    : finding(
                        region, .fail,
                        "\(region): \(broken.map(\.name).joined(separator: ", ")) missing or not targeted.",
                        resource: plan.ruleARN(region, .root)))
        }
        return findings
    }

    /// One CloudFormation template: deploy it in the queue's region and in every other region it names (a StackSet
    /// instance per region, the queue's region first); each resource carries its region's condition.
    public static func cloudFormation(_ plan: Plan) throws -> String {
        var conditions: [String: JSONValue] = [:]
        var resources: [String: JSONValue] = [:]
        func condition(_ region: String) -> String {
            let name = "In" + CloudFormation.logicalSuffix(region)
            conditions[name] = ["Fn::Equals": [["Ref": "AWS::Region"], .string(region)]]
            return name
        }
        let tags = ManagedTag.cloudFormation
        let home = condition(plan.home)
        resources["DeadLetterQueue"] = [
            "Type": "AWS::SQS::Queue", "Condition": .string(home),
            "Properties": [
                "QueueName": .string(deadLetterName), "MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": true,
                "Tags": tags,
            ],
        ]
        resources["Queue"] = [
            "Type": "AWS::SQS::Queue", "Condition": .string(home),
            "Properties": [
                "QueueName": .string(queueName), "VisibilityTimeout": 60, "ReceiveMessageWaitTimeSeconds": 20,
                "SqsManagedSseEnabled": true, "Tags": tags,
                "RedrivePolicy": [
                    "deadLetterTargetArn": ["Fn::GetAtt": ["DeadLetterQueue", "Arn"]],
                    "maxReceiveCount": .number(Double(maxReceiveCount)),
                ],
            ],
        ]
        resources["QueuePolicy"] = [
            "Type": "AWS::SQS::QueuePolicy", "Condition": .string(home),
            "Properties": [
                "Queues": [["Ref": "Queue"]], "PolicyDocument": PolicyJSON.object(queuePolicy(plan)),
            ],
        ]
        if plan.regions.contains(where: { $0 != plan.home }) {
            resources["ForwardRole"] = [
                "Type": "AWS::IAM::Role", "Condition": .string(home),
                "Properties": [
                    "RoleName": .string(forwardRoleName), "Tags": tags,
                    "AssumeRolePolicyDocument": PolicyJSON.object(
                        PolicyJSON.serviceTrust(service: "events.amazonaws.com", account: plan.account)),
                    "Policies": [
                        [
                            "PolicyName": .string(forwardRoleName),
                            "PolicyDocument": PolicyJSON.object(forwardPolicy(plan)),
                        ]
                    ],
                ],
            ]
        }
        for region in plan.regions {
            for rule in Rule.allCases {
                let target: JSONValue =
                    region == plan.home
                    ? ["Id": "rootguard-watch", "Arn": ["Fn::GetAtt": ["Queue", "Arn"]]]
                    : [
                        "Id": "rootguard-watch-bus", "Arn": .string(plan.homeBusARN),
                        "RoleArn": .string(plan.forwardRoleARN),
                    ]
                resources["\(rule == .root ? "RootRule" : "NamedRule")\(CloudFormation.logicalSuffix(region))"] = [
                    "Type": "AWS::Events::Rule", "Condition": .string(condition(region)),
                    "Properties": [
                        "Name": .string(rule.name), "State": "ENABLED",
                        "EventPattern": PolicyJSON.object(rule.pattern), "Targets": [target],
                    ],
                ]
            }
        }
        let template: JSONValue = [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": .string(
                "rootguard watch: queue, dead-letter queue and EventBridge rules for account \(plan.account); deploy in \(plan.regions.joined(separator: ", ")) (\(plan.home) first)"
            ),
            "Conditions": .object(conditions), "Resources": .object(resources),
            "Outputs": [
                "QueueUrl": ["Condition": .string(home), "Value": ["Ref": "Queue"]]
            ],
        ]
        return try CloudFormation.render(template)
    }
}
