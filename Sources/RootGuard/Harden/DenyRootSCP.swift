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
public enum DenyRootSCP {
    public static let policyName = "rootguard-deny-root"
    public static let tag = (key: "managed-by", value: "rootguard")
    /// AWS's quota of SCPs attached to one root, OU or account.
    public static let maxPoliciesPerTarget = 5
    public static let requiredActions = [
        "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListPoliciesForTarget",
        "organizations:ListTargetsForPolicy", "organizations:DescribePolicy", "organizations:ListAccounts",
        "organizations:ListParents", "organizations:EnablePolicyType", "organizations:CreatePolicy",
        "organizations:AttachPolicy",
    ]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document(partition: partition))) ?? Data(), as: UTF8.self)
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

    public static func read(client: AWSClient, targets: [String]) async throws -> State {
        let organizations = client.organizations()
        guard let root = try await organizations.listRoots(.init()).roots?.first, let rootID = root.id else {
            throw Failure(description: "organizations ListRoots returned no root; run from the management account")
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
                throw Failure(description: "target \(target) does not exist in this organization")
            }
            attached[target] = ids
        }
        var members: [AccountID] = []
        for try await page in organizations.listAccountsPaginator(.init()) {
            members += page.accounts?.compactMap { $0.id.flatMap(AccountID.init(rawValue:)) } ?? []
        }
        let identity = try await client.sts().getCallerIdentity()
        let partition = identity.arn.flatMap(RequiredPolicy.partition(ofARN:)) ?? "aws"
        let management = identity.account.flatMap(AccountID.init(rawValue:))
        return State(
            rootID: rootID, scpEnabled: scpEnabled, policyID: policyID, attached: attached,
            members: members.filter { $0 != management }, partition: partition)
    }

    /// Reads every member's SCP path, then plans.
    public static func plan(_ state: State, targets: [String], client: AWSClient) async throws -> HardenPlan {
        let collector = SCPPathCollector(client: client, cache: .init(wholeOrganization: true))
        var levels: [AccountID: [SCPEvaluator.Level]] = [:]
        for member in state.members { levels[member] = try await collector.levels(account: member.rawValue) }
        return try plan(state, targets: targets, levels: levels)
    }

    /// The changes that make every member's root denied, after proving the policy does it.
    public static func plan(
        _ state: State, targets: [String], levels: [AccountID: [SCPEvaluator.Level]]
    ) throws
        -> HardenPlan
    {
        let chosen = targets.isEmpty ? [state.rootID] : targets
        var changes: [PlannedChange] = []
        var notes: [String] = []
        let why = "member-root-denied-by-scp (ROOT-BP 15)"
        try prove(partition: state.partition, targets: chosen, levels: levels, rootID: state.rootID)
        if !state.scpEnabled {
            changes.append(
                .init(
                    service: "organizations", action: "EnablePolicyType",
                    resource: "SERVICE_CONTROL_POLICY on \(state.rootID)",
                    why: why))
        }
        if state.policyID == nil {
            changes.append(
                .init(service: "organizations", action: "CreatePolicy", resource: policyName, why: why))
        }
        for target in chosen {
            let ids = state.attached[target] ?? []
            if let ours = state.policyID, ids.contains(ours) { continue }
            guard ids.count < maxPoliciesPerTarget else {
                throw Failure(
                    description:
                        "target \(target) already has \(ids.count) SCPs attached, AWS's maximum; detach one (rootguard never does) or choose another target"
                )
            }
            changes.append(
                .init(service: "organizations", action: "AttachPolicy", resource: "\(policyName) → \(target)", why: why)
            )
        }
        if !changes.isEmpty {
            notes.append(
                "existing SCPs stay attached; only \(policyName) (tagged \(tag.key)=\(tag.value)) is created or attached"
            )
        }
        return HardenPlan(subcommand: "scp", changes: changes, notes: notes)
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
                    throw Failure(
                        description: "internal: the generated SCP would still let the root of \(account) do \(action)")
                }
            }
        }
    }

    public static func apply(_ plan: HardenPlan, state: State, client: AWSClient) async -> [AppliedChange] {
        let organizations = client.organizations()
        var policyID = state.policyID
        var applied: [AppliedChange] = []
        for change in plan.changes {
            do {
                switch change.action {
                case "EnablePolicyType":
                    _ = try await organizations.enablePolicyType(
                        .init(rootId: state.rootID, policyType: "SERVICE_CONTROL_POLICY"))
                case "CreatePolicy":
                    let created = try await organizations.createPolicy(
                        .init(
                            content: documentText(partition: state.partition),
                            description: "rootguard: deny the root user in member accounts, except AssumeRoot sessions",
                            name: policyName, type: "SERVICE_CONTROL_POLICY",
                            tags: [.init(key: tag.key, value: tag.value)]))
                    policyID = created.policy?.policySummary?.id
                case "AttachPolicy":
                    guard let policyID else { throw Failure(description: "\(policyName) was not created") }
                    let target = String(change.resource.split(separator: " ").last ?? "")
                    _ = try await organizations.attachPolicy(.init(policyId: policyID, targetId: target))
                default:
                    throw Failure(description: "unknown change \(change.action)")
                }
                applied.append(.init(change: change, error: nil))
            } catch {
                applied.append(.init(change: change, error: "\(error)"))
                break  // what follows depends on it; running again finishes the job
            }
        }
        return applied
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
                        "Tags": [["Key": .string(tag.key), "Value": .string(tag.value)]],
                    ],
                ]
            ],
            "Outputs": ["PolicyId": ["Value": ["Fn::GetAtt": ["RootGuardDenyRoot", "Id"]]]],
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(template), as: UTF8.self) + "\n"
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
                "\(tag.key)" = "\(tag.value)"
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

/// Re-audits after a harden run.
public enum Hardening {
    /// ROOT-BP 15 for every member, on the organization read afresh (members through AssumeRoot's audit session
    /// where it is on; the SCP verdict needs only Organizations).
    public static func reauditSCP(client: AWSClient) async throws -> [Finding] {
        let management = try await Auditor.collect(client: client, reportWait: .seconds(30), monitoring: false)
        let organization = try await OrganizationCollector(
            client: client, access: .assumeRoot, toolVersion: Auditor.version
        ).collect(management: management)
        return MemberRootDeniedBySCP().evaluate(organization, .init(now: Date()))
    }
}
