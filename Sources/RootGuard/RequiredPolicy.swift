import RootGuardAWS
import RootGuardCollect
import RootGuardHarden
import RootGuardModel
import RootGuardPolicy

/// The least-privilege IAM policy rootguard needs (`rootguard policy`): every call of every collector and reader,
/// plus `sts:AssumeRoot` restricted to the task policies it uses.
public enum RequiredPolicy {
    /// Every read-only action of `audit`, `audit --org`, `policy simulate` and `trail`.
    public static var readActions: [String] {
        Array(
            Set(
                SnapshotCollector.requiredActions + SCPSimulator.requiredActions
                    + OrganizationCollector.requiredActions
                    + TrailHunter.requiredActions)
        ).sorted()
    }

    /// The actions of `harden monitoring`, `scp`, `org-root-access`, `contacts` and `watch` (reads and writes).
    public static var hardenActions: [String] { Hardeners.requiredActions }

    /// The actions of `respond`: reading the logs, the account's facts, confirming and containing, `--notify` to SNS.
    public static var respondActions: [String] {
        Array(
            Set(
                IncidentContainment.requiredActions + AccountDirectory.requiredActions + TrailHunter.requiredActions
                    + IncidentIntegrity.requiredActions
                    + ["sns:Publish"])
        ).sorted()
    }

    /// The document for `partition` (`aws`, `aws-cn`, `aws-us-gov`); `withHarden` adds the writes of `harden`.
    public static func document(
        partition: String, withHarden: Bool, withImport: Bool = false, withWatch: Bool = false,
        withAthena: Bool = false, withRootTask: Bool = false, withRespond: Bool = false
    ) -> IAMPolicy {
        var statements: [IAMPolicy.Statement] = [
            .init(sid: "RootGuardAuditReadOnly", effect: .allow, actions: readActions),
            rootSession("RootGuardMemberRootAudit", task: .audit, partition: partition),
        ]
        if withHarden {
            statements.append(
                rootSession("RootGuardRemoveMemberRootCredentials", task: .deleteCredentials, partition: partition))
            statements.append(.init(sid: "RootGuardHarden", effect: .allow, actions: hardenActions))
        }
        if withRootTask {
            // Every task `root-task` offers; what each session may do is the task policy's, not the caller's.
            statements.append(
                .init(
                    sid: "RootGuardRootTaskSessions", effect: .allow, actions: RootSessions.requiredActions,
                    conditions: [
                        "StringEquals": [
                            "sts:TaskPolicyArn": RootSessions.Task.allCases.map { $0.policyARN(partition: partition) }
                        ]
                    ]))
        }
        if withRespond {
            // respond removes a member's root credentials through a privileged session; it reads and contains what
            // the root session left behind with the caller's credentials (and, in other accounts, through
            // --member-role, which needs the same IAM, CloudTrail, GuardDuty, Config, EventBridge and Security Hub
            // actions there).
            if !withHarden {
                statements.append(
                    rootSession("RootGuardRemoveMemberRootCredentials", task: .deleteCredentials, partition: partition))
            }
            statements.append(.init(sid: "RootGuardRespond", effect: .allow, actions: respondActions))
        }
        if withImport {
            statements.append(
                .init(sid: "RootGuardSecurityHubImport", effect: .allow, actions: SecurityHubImport.requiredActions))
        }
        if withWatch {
            statements.append(.init(sid: "RootGuardWatch", effect: .allow, actions: WatchQueue.watchActions.sorted()))
        }
        if withAthena {
            statements.append(
                .init(sid: "RootGuardAthenaHunt", effect: .allow, actions: AthenaHunt.requiredActions.sorted()))
        }
        return IAMPolicy(statements: statements)
    }

    /// `sts:AssumeRoot` limited to one task policy with the `sts:TaskPolicyArn` condition key.
    static func rootSession(_ sid: String, task: RootSessions.Task, partition: String) -> IAMPolicy.Statement {
        .init(
            sid: sid, effect: .allow, actions: RootSessions.requiredActions,
            conditions: ["StringEquals": ["sts:TaskPolicyArn": [task.policyARN(partition: partition)]]])
    }

    /// The partition of a region, without asking AWS (`cn-north-1` → `aws-cn`).
    public static func partition(ofRegion region: String) -> String { AWSRegion(region).partition.name }
}

/// `rootguard policy simulate`: the SCPs on the path root → OUs → account, evaluated for one request.
public enum SCPSimulator {
    public struct Request: Sendable {
        public var account: AccountID
        /// nil: the account's root user; else a principal ARN.
        public var principal: String?
        public var action: String
        public var resource: String
        public var assumedRoot: Bool

        public init(account: AccountID, principal: String?, action: String, resource: String, assumedRoot: Bool) {
            self.account = account
            self.principal = principal
            self.action = action
            self.resource = resource
            self.assumedRoot = assumedRoot
        }
    }

    public static let requiredActions = ["organizations:DescribeOrganization"] + SCPPathCollector.requiredActions

    /// What the simulation found: SCPs never apply to the organization's management account, so for it there is no
    /// SCP path to evaluate and nothing SCPs could deny.
    public struct Simulation: Sendable {
        public var request: Request
        /// The organization's management account (from `DescribeOrganization`).
        public var managementAccount: AccountID
        /// The SCP evaluation; nil for the management account.
        public var result: SCPEvaluator.Result?

        public var scpsApply: Bool { request.account != managementAccount }
        public var permitted: Bool { result?.permitted ?? true }
        public var explanation: String {
            guard let result else {
                return
                    "SCPs do not apply to the organization's management account \(managementAccount): nothing here restricts its root user (protect it with MFA, no access keys and alarms instead)"
            }
            return result.explanation
        }
    }

    /// Reads the organization and, for a member, the SCP path from Organizations and evaluates; the partition is the
    /// caller's (from its ARN).
    public static func simulate(_ request: Request, client: AWSClient) async throws -> Simulation {
        let organization = try await client.organizations().describeOrganization().organization
        guard let management = organization?.masterAccountId.flatMap(AccountID.init(rawValue:)) else {
            throw AWSError(
                kind: .malformedResponse, code: "NoManagementAccount",
                message: "DescribeOrganization named no 12-digit management account", service: "organizations",
                operation: "DescribeOrganization")
        }
        guard request.account != management else {
            return Simulation(request: request, managementAccount: management, result: nil)
        }
        let partition = try await client.callerIdentity().partition
        let levels = try await SCPPathCollector(client: client).levels(account: request.account.rawValue)
        var context = RequestContext.root(
            account: request.account, partition: partition, action: request.action,
            resource: request.resource, assumedRoot: request.assumedRoot)
        if let principal = request.principal {
            context.keys["aws:principalarn"] = [principal]
            context.keys["aws:principaltype"] = [principal.contains(":assumed-role/") ? "AssumedRole" : "User"]
        }
        return Simulation(
            request: request, managementAccount: management, result: SCPEvaluator.evaluate(levels: levels, context))
    }
}
