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
                SnapshotCollector.requiredActions + SCPPathCollector.requiredActions
                    + OrganizationCollector.requiredActions
                    + TrailHunter.requiredActions)
        ).sorted()
    }

    /// The actions of `harden monitoring`, `scp`, `org-root-access`, `contacts` and `watch` (reads and writes).
    public static var hardenActions: [String] { Hardeners.requiredActions }

    /// The document for `partition` (`aws`, `aws-cn`, `aws-us-gov`); `withHarden` adds the writes of `harden`.
    public static func document(
        partition: String, withHarden: Bool, withImport: Bool = false, withWatch: Bool = false,
        withAthena: Bool = false
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

    /// Reads the SCP path from Organizations and evaluates; the partition is the caller's (from its ARN).
    public static func simulate(_ request: Request, client: AWSClient) async throws -> SCPEvaluator.Result {
        let partition = try await client.callerIdentity().partition
        let levels = try await SCPPathCollector(client: client).levels(account: request.account.rawValue)
        var context = RequestContext.root(
            account: request.account, partition: partition, action: request.action,
            resource: request.resource, assumedRoot: request.assumedRoot)
        if let principal = request.principal {
            context.keys["aws:principalarn"] = [principal]
            context.keys["aws:principaltype"] = [principal.contains(":assumed-role/") ? "AssumedRole" : "User"]
        }
        return SCPEvaluator.evaluate(levels: levels, context)
    }
}
