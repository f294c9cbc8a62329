import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardCollect
import RootGuardModel
import RootGuardPolicy

/// `harden scp`: a service control policy that denies every member's root user, except inside AssumeRoot sessions
/// (`aws:AssumedRoot`, so centralised root tasks keep working), attached to the organization root or the given
/// targets. Proven with rootguard's SCP evaluator before it is proposed; only rootguard's own policy
/// (`rootguard-deny-root`, tagged `managed-by=rootguard`) is ever created or attached, nothing is detached.
public struct DenyRootSCP: Hardener {
    public static let subcommand = "scp"
    public static let formats: Set<HardenFormat> = [.plan, .json, .cloudformation, .terraform]
    public static let policyName = "rootguard-deny-root"
    /// AWS's quota of SCPs attached to one root, OU or account.
    public static let maxPoliciesPerTarget = 5
    public static let requiredActions = [
        "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListPoliciesForTarget",
        "organizations:ListTargetsForPolicy", "organizations:DescribePolicy", "organizations:ListAccounts",
        "organizations:ListParents", "organizations:EnablePolicyType", "organizations:CreatePolicy",
        "organizations:AttachPolicy",
    ]

    /// The organization root, OUs or accounts to attach to (empty: the root).
    public var targets: [String]

    public init(targets: [String] = []) { self.targets = targets }

    /// The policy: deny everything to `arn:<partition>:iam::*:root` when the request is not an AssumeRoot session.
    public static func document(partition: String) -> IAMPolicy {
        IAMPolicy(statements: [
            .init(
                sid: "RootGuardDenyRootUser", effect: .deny, actions: ["*"],
                conditions: [
                    "ArnLike": ["aws:PrincipalArn": ["arn:\(partition):iam::*:root"]],
                    "Null": ["aws:AssumedRoot": ["true"]],
                ])
        ])
    }

    public static func documentText(partition: String) -> String {
        PolicyJSON.text(document(partition: partition))
    }

    /// What the organization looks like to the plan.
    public struct State: Sendable {
        public var rootID: String
        public var scpEnabled: Bool
        /// rootguard's policy, when it exists.
        public var policyID: String?
        /// Target → SCP ids attached to it.
        public var attached: [String: [String]]
        public var members: [AccountID]
        public var partition: String
    }

    public func read(client: AWSClient) async throws -> State { try await Self.read(client: client, targets: targets) }

    public static func read(client: AWSClient, targets: [String]) async throws -> State {
        let organizations = client.organizations()
        guard let root = try await organizations.listRoots(.init()).roots?.first, let rootID = root.id else {
            throw HardenFailure("organizations ListRoots returned no root; run from the management account")
        }
        let scpEnabled =
            root.policyTypes?.contains { $0.type == "SERVICE_CONTROL_POLICY" && $0.status == "ENABLED" } ?? false
        var policyID: String?
        var attached: [String: [String]] = [:]
        // Read even when the root does not list the policy type as enabled: a target that exists and its quota are
        // known before anything is proposed.
        do {
            for try await page in organizations.listPoliciesPaginator(.init(filter: "SERVICE_CONTROL_POLICY")) {
                if let match = page.policies?.first(where: { $0.name == policyName }) { policyID = match.id }
            }
        } catch let error as AWSError where error.code == "PolicyTypeNotEnabledException" {}
        for target in targets.isEmpty ? [rootID] : targets {
            var ids: [String] = []
            do {
                for try await page in organizations.listPoliciesForTargetPaginator(
                    .init(targetId: target, filter: "SERVICE_CONTROL_POLICY"))
                {
                    ids += page.policies?.compactMap(\.id) ?? []
                }
            } catch let error as AWSError where error.code == "PolicyTypeNotEnabledException" {
            } catch let error as AWSError
                where error.code == "TargetNotFoundException" || error.code == "OrganizationalUnitNotFoundException"
                || error.code == "ParentNotFoundException"
                || error.code == "AccountNotFoundException" || error.kind == .notFound
            {
                throw HardenFailure("target \(target) does not exist in this organization")
            }
            attached[target] = ids
        }
        var members: [AccountID] = []
        for try await page in organizations.listAccountsPaginator(.init()) {
            members += page.accounts?.compactMap { $0.id.flatMap(AccountID.init(rawValue:)) } ?? []
        }
        let identity = try await client.callerIdentity()
        return State(
            rootID: rootID, scpEnabled: scpEnabled, policyID: policyID, attached: attached,
            members: members.filter { $0 != identity.account }, partition: identity.partition)
    }

    public struct Plan: OneChangePerStepPlan {
        public typealias Step = DenyRootSCP.Step
        public var plan: HardenPlan
        public var steps: [Step]
    }

    public enum Step: Sendable, Hashable {
        case enablePolicyType
        case createPolicy
        case attach(target: String)
    }

    public func plan(_ state: State, client: AWSClient) async throws -> Plan {
        try await Self.plan(state, targets: targets, client: client)
    }

    /// Reads every member's SCP path, then plans.
    public static func plan(_ state: State, targets: [String], client: AWSClient) async throws -> Plan {
        let collector = SCPPathCollector(client: client, cache: .init(wholeOrganization: true))
        var levels: [AccountID: [SCPEvaluator.Level]] = [:]
        for member in state.members { levels[member] = try await collector.levels(account: member.rawValue) }
        return try plan(state, targets: targets, levels: levels)
    }

    /// The changes that make every member's root denied, after proving the policy does it.
    public static func plan(
        _ state: State, targets: [String], levels: [AccountID: [SCPEvaluator.Level]]
    ) throws
        -> Plan
    {
        let chosen = targets.isEmpty ? [state.rootID] : targets
        var steps: [Step] = []
        var changes: [PlannedChange] = []
        var notes: [String] = []
        let why = "member-root-denied-by-scp (ROOT-BP 15)"
        try prove(partition: state.partition, targets: chosen, levels: levels, rootID: state.rootID)
        if !state.scpEnabled {
            steps.append(.enablePolicyType)
            changes.append(
                .init(
                    service: "organizations", action: "EnablePolicyType",
                    resource: "SERVICE_CONTROL_POLICY on \(state.rootID)",
                    why: why))
        }
        if state.policyID == nil {
            steps.append(.createPolicy)
            changes.append(
                .init(service: "organizations", action: "CreatePolicy", resource: policyName, why: why))
        }
        for target in chosen {
            let ids = state.attached[target] ?? []
            if let ours = state.policyID, ids.contains(ours) { continue }
            guard ids.count < maxPoliciesPerTarget else {
                throw HardenFailure(
                    "target \(target) already has \(ids.count) SCPs attached, AWS's maximum; detach one (rootguard never does) or choose another target"
                )
            }
            steps.append(.attach(target: target))
            changes.append(
                .init(service: "organizations", action: "AttachPolicy", resource: "\(policyName) → \(target)", why: why)
            )
        }
        if !changes.isEmpty {
            notes.append(
                "existing SCPs stay attached; only \(policyName) (tagged \(ManagedTag.key)=\(ManagedTag.value)) is created or attached"
            )
        }
        return Plan(plan: HardenPlan(subcommand: subcommand, changes: changes, notes: notes), steps: steps)
    }

    /// With the policy at each chosen target, every member's root must be denied the probe actions (and AssumeRoot
    /// sessions must not be): the evaluator says so, or the plan is refused.
    static func prove(
        partition: String, targets: [String], levels: [AccountID: [SCPEvaluator.Level]], rootID: String
    ) throws {
        let parsed = document(partition: partition).parsed
        for (account, path) in levels {
            var withPolicy = path
            for index in withPolicy.indices where targets.contains(withPolicy[index].target) {
                withPolicy[index].policies.append(.init(name: policyName, document: parsed))
            }
            let covered = withPolicy.contains { $0.policies.contains { $0.name == policyName } }
            guard covered else { continue }  // a member outside the chosen targets: reported by the re-audit
            for action in MemberRootDeniedBySCP.probeActions {
                let result = SCPEvaluator.evaluate(
                    levels: withPolicy, .root(account: account, partition: partition, action: action))
                guard !result.permitted else {
                    throw HardenFailure(
                        "internal: the generated SCP would still let the root of \(account) do \(action)")
                }
            }
        }
    }

    public func perform(_ step: Step, plan: Plan, state: inout State, client: AWSClient) async throws {
        let organizations = client.organizations()
        switch step {
        case .enablePolicyType:
            _ = try await organizations.enablePolicyType(
                .init(rootId: state.rootID, policyType: "SERVICE_CONTROL_POLICY"))
        case .createPolicy:
            let created = try await organizations.createPolicy(
                .init(
                    content: Self.documentText(partition: state.partition),
                    description: "rootguard: deny the root user in member accounts, except AssumeRoot sessions",
                    name: Self.policyName, type: "SERVICE_CONTROL_POLICY",
                    tags: [.init(key: ManagedTag.key, value: ManagedTag.value)]))
            state.policyID = created.policy?.policySummary?.id
        case .attach(let target):
            guard let policyID = state.policyID else { throw HardenFailure("\(Self.policyName) was not created") }
            _ = try await organizations.attachPolicy(.init(policyId: policyID, targetId: target))
        }
    }

    /// ROOT-BP 15 for every member, on the organization read afresh.
    public func reaudit(_ plan: Plan, state: inout State, client: AWSClient) async throws -> [Finding] {
        try await Reaudit.memberRootDeniedBySCP(client: client)
    }

    public func code(_ format: HardenFormat, client: AWSClient?) async throws -> HardenCode {
        guard let client else { throw HardenFailure("harden scp reads the organization for its code") }
        let state = try await read(client: client)
        let chosen = targets.isEmpty ? [state.rootID] : targets
        var notes: [String] = []
        if let id = state.policyID {
            notes.append(
                format == .terraform
                    ? "\(Self.policyName) exists (\(id)): `terraform import aws_organizations_policy.rootguard_deny_root \(id)` before apply"
                    : "\(Self.policyName) exists (\(id)): import it into the stack (resource RootGuardDenyRoot, PolicyId \(id)) instead of creating it"
            )
        }
        let text =
            format == .terraform
            ? Self.terraform(partition: state.partition, targets: chosen)
            : try Self.cloudFormation(partition: state.partition, targets: chosen)
        return HardenCode(text, notes: notes)
    }

    // MARK: - Infrastructure as code

    /// One CloudFormation template (also usable as a StackSet in the management account).
    public static func cloudFormation(partition: String, targets: [String]) throws -> String {
        let content = try JSONDecoder().decode(JSONValue.self, from: Data(documentText(partition: partition).utf8))
        let template: JSONValue = [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "rootguard: an SCP that denies the root user in member accounts, except AssumeRoot sessions",
            "Parameters": [
                "TargetIds": [
                    "Type": "CommaDelimitedList",
                    "Description": "The organization root, OUs or accounts to attach the policy to",
                    "Default": .string(targets.joined(separator: ",")),
                ]
            ],
            "Resources": [
                "RootGuardDenyRoot": [
                    "Type": "AWS::Organizations::Policy",
                    "Properties": [
                        "Name": .string(policyName), "Type": "SERVICE_CONTROL_POLICY",
                        "Description": "rootguard: deny the root user in member accounts, except AssumeRoot sessions",
                        "Content": content, "TargetIds": ["Ref": "TargetIds"],
                        "Tags": ManagedTag.cloudFormation,
                    ],
                ]
            ],
            "Outputs": ["PolicyId": ["Value": ["Fn::GetAtt": ["RootGuardDenyRoot", "Id"]]]],
        ]
        return try CloudFormation.render(template)
    }

    /// Terraform (AWS provider): the policy and one attachment per target.
    public static func terraform(partition: String, targets: [String]) -> String {
        var out = """
            # rootguard: an SCP that denies the root user in member accounts, except AssumeRoot sessions.
            resource "aws_organizations_policy" "rootguard_deny_root" {
              name        = "\(policyName)"
              type        = "SERVICE_CONTROL_POLICY"
              description = "rootguard: deny the root user in member accounts, except AssumeRoot sessions"
              content     = <<-POLICY
                \(documentText(partition: partition))
              POLICY
              tags = {
                "\(ManagedTag.key)" = "\(ManagedTag.value)"
              }
            }

            """
        for target in targets {
            let name = target.replacingOccurrences(of: "-", with: "_")
            out += """

                resource "aws_organizations_policy_attachment" "rootguard_deny_root_\(name)" {
                  policy_id = aws_organizations_policy.rootguard_deny_root.id
                  target_id = "\(target)"
                }

                """
        }
        return out
    }
}
