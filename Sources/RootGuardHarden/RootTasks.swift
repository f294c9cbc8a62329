import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel

/// `rootguard root-task …`: the tasks only a member account's root user can do, done through a privileged session
/// (`sts:AssumeRoot` with one task policy) from the management account or IAM's delegated administrator, on the
/// harden subsystem's model: read (in a session) → plan → `--apply` (in a session) → re-check (in a fresh session).
/// Every session is approved before it starts (`RootSessions.Approver`).
public enum RootTasks {
    public static let unsupported =
        "root-task has no infrastructure-code form: a privileged session is a one-off task, not a resource"

    /// Every action `root-task` calls with the caller's own credentials (`rootguard policy --with-root-task`): the
    /// sessions' own actions are granted by the task policies, not by the caller's policy.
    public static let requiredActions = ["sts:AssumeRoot", "sts:GetCallerIdentity"]

    /// The policy's Deny statements, one line each ("Deny s3:* to * (no condition)"), the ones that deny everyone
    /// first; a policy that is not JSON is named as such.
    public static func denials(in policy: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else {
            return ["the policy is not a JSON object"]
        }
        let statements: [[String: Any]]
        switch object["Statement"] {
        case let list as [[String: Any]]: statements = list
        case let one as [String: Any]: statements = [one]
        case nil: statements = []
        default: return ["the policy's statements could not be read"]
        }
        func list(_ value: Any?) -> String {
            switch value {
            case let text as String: return text
            case let items as [Any]: return items.map { "\($0)" }.joined(separator: ", ")
            case let map as [String: Any]:
                return map.keys.sorted().map { "\($0): \(list(map[$0]))" }.joined(separator: "; ")
            default: return "?"
            }
        }
        var everyone: [String] = []
        var others: [String] = []
        for (index, statement) in statements.enumerated() where statement["Effect"] as? String == "Deny" {
            let principal =
                statement["Principal"].map { list($0) } ?? statement["NotPrincipal"].map { "all but " + list($0) }
                ?? "?"
            let actions =
                statement["Action"].map { list($0) } ?? statement["NotAction"].map { "all but " + list($0) } ?? "?"
            let condition = (statement["Condition"] as? [String: Any]).map {
                "when " + $0.keys.sorted().joined(separator: ", ")
            }
            let sid = (statement["Sid"] as? String).map { " \"\($0)\"" } ?? ""
            let line =
                "statement \(index + 1)\(sid): Deny \(actions) to \(principal)"
                + (condition.map { " \($0)" } ?? " (no condition)")
            let broad = principal == "*" || principal == "AWS: *"
            if broad && condition == nil { everyone.append(line) } else { others.append(line) }
        }
        return everyone + others
    }

    /// The plan of an unlock task: nothing when there is no policy, else the one change, with the policy's Deny
    /// statements and where it is saved first as notes. `noun` is "bucket" or "queue", `target` how it is named.
    static func unlockPlan(
        _ subcommand: String, policy: String?, noun: String, target: String, change: PlannedChange, backupPath: String
    ) -> RootTaskPlan {
        guard let policy else {
            return RootTaskPlan(
                subcommand: subcommand, change: nil,
                notes: ["\(target) has no \(noun) policy: nothing in it can lock anyone out"])
        }
        let denials = denials(in: policy)
        var notes = denials.map { "the policy: \($0)" }
        if denials.isEmpty { notes.append("the policy denies nothing; deleting it removes only what it grants") }
        notes.append("the policy is saved to \(backupPath) before it is deleted")
        return RootTaskPlan(subcommand: subcommand, change: change, notes: notes)
    }

    /// The re-check of an unlock task: the policy read back in a fresh session (`readBack`), none left is PASS; a
    /// policy that could not be read is NOT_EVALUATED, never PASS.
    static func unlockRecheck(
        checkId: CheckID, noun: String, account: AccountID, resource: String, remediation: String,
        readBack: () async throws -> String?
    ) async -> (finding: Finding, after: String?) {
        do {
            let after = try await readBack()
            let finding = Finding(
                checkId: checkId, status: after == nil ? .pass : .fail, severity: .high, accountId: account,
                resource: resource,
                message: after == nil
                    ? "The \(noun) has no policy left: no \(noun) policy denies anyone."
                    : "A \(noun) policy is still present.",
                compliance: [:], remediation: remediation)
            return (finding, after)
        } catch {
            let finding = Finding(
                checkId: checkId, status: .notEvaluated, severity: .high, accountId: account, resource: resource,
                message: "Not evaluated: the \(noun) policy could not be read back: \(error).", compliance: [:],
                remediation: remediation, notEvaluatedCause: .unreadable)
            return (finding, nil)
        }
    }

    /// Saves a policy before it is deleted: a new file (never one that exists), written whole or not at all.
    public static func save(_ policy: String, to path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            throw HardenFailure("\(path) exists; the policy is saved only to a new file (--save-policy)")
        }
        do {
            try Data(policy.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HardenFailure("cannot save the policy to \(path): \(error.localizedDescription)")
        }
    }

    /// A default name for the saved policy: `rootguard-<account>-<what>-policy-<UTC time>.json`.
    public static func backupName(account: AccountID, what: String, at date: Date = Date()) -> String {
        let stamp = TimeArgument.format(date).replacingOccurrences(of: ":", with: "").replacingOccurrences(
            of: "-", with: "")
        let safe = String(what.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
        return "rootguard-\(account)-\(safe)-policy-\(stamp).json"
    }
}

/// The one step of a single-change root task.
public struct RootTaskStep: Sendable {
    public init() {}
}

/// A root task's plan: at most one change (the task itself).
public struct RootTaskPlan: OneChangePerStepPlan {
    public typealias Step = RootTaskStep
    public var plan: HardenPlan
    public var steps: [RootTaskStep]

    init(subcommand: String, change: PlannedChange?, notes: [String]) {
        plan = HardenPlan(subcommand: subcommand, changes: change.map { [$0] } ?? [], notes: notes)
        steps = change == nil ? [] : [RootTaskStep()]
    }
}

/// `root-task unlock-bucket`: the bucket policy that locks everyone out of a member's bucket, read and deleted in
/// `S3UnlockBucketPolicy` sessions (saved to a file first); the re-check reads it again in a fresh session.
public struct BucketPolicyUnlock: Hardener {
    public static let subcommand = "root-task unlock-bucket"
    public static func unsupported(_ format: HardenFormat) -> String { RootTasks.unsupported }
    public static var requiredActions: [String] { RootTasks.requiredActions }

    public var account: AccountID
    public var bucket: String
    /// Where the policy is saved before it is deleted.
    public var backupPath: String
    public var approver: (any RootSessions.Approver)?

    public init(account: AccountID, bucket: String, backupPath: String, approver: (any RootSessions.Approver)?) {
        self.account = account
        self.bucket = bucket
        self.backupPath = backupPath
        self.approver = approver
    }

    public struct State: Sendable {
        /// The bucket policy before (nil: the bucket has none).
        public var policy: String?
        /// After `--apply`: the policy the re-check found (nil: none).
        public var after: String?
    }

    func policy(client: AWSClient) async throws -> String? {
        let root = try await RootSessions(client: client, approver: approver).session(
            account: account, task: .unlockBucket)
        do {
            let policy = try await root.s3().getBucketPolicy(.init(bucket: bucket)).policy
            return policy?.isEmpty == true ? nil : policy
        } catch let error as AWSError where error.code == "NoSuchBucketPolicy" {
            return nil
        } catch let error as AWSError where error.code == "NoSuchBucket" {
            throw HardenFailure("bucket \(bucket) does not exist (account \(account))")
        }
    }

    public func read(client: AWSClient) async throws -> State {
        State(policy: try await policy(client: client))
    }

    public func plan(_ state: State, client: AWSClient) async throws -> RootTaskPlan {
        RootTasks.unlockPlan(
            Self.subcommand, policy: state.policy, noun: "bucket", target: "s3://\(bucket) (\(account))",
            change: PlannedChange(
                service: "s3", action: "DeleteBucketPolicy", resource: "s3://\(bucket) (\(account))",
                why: "S3UnlockBucketPolicy session: the bucket policy locks the bucket"),
            backupPath: backupPath)
    }

    public func perform(_ step: RootTaskStep, plan: RootTaskPlan, state: inout State, client: AWSClient) async throws {
        guard let policy = state.policy else { return }
        try RootTasks.save(policy, to: backupPath)
        let root = try await RootSessions(client: client, approver: approver).session(
            account: account, task: .unlockBucket)
        _ = try await root.s3().deleteBucketPolicy(.init(bucket: bucket))
    }

    public func reaudit(_ plan: RootTaskPlan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let (finding, after) = await RootTasks.unlockRecheck(
            checkId: "root-task-bucket-unlocked", noun: "bucket", account: account,
            resource: "arn:\(client.configuration.region.partition.name):s3:::\(bucket)",
            remediation: "rootguard root-task unlock-bucket --account \(account) --bucket \(bucket)",
            readBack: { try await policy(client: client) })
        state.after = after
        return [finding]
    }
}

/// `root-task unlock-queue`: the same for an SQS queue policy (`SQSUnlockQueuePolicy`): read with
/// GetQueueAttributes, removed by setting the Policy attribute to empty.
public struct QueuePolicyUnlock: Hardener {
    public static let subcommand = "root-task unlock-queue"
    public static func unsupported(_ format: HardenFormat) -> String { RootTasks.unsupported }
    public static var requiredActions: [String] { RootTasks.requiredActions }

    public var account: AccountID
    public var queueURL: String
    public var backupPath: String
    public var approver: (any RootSessions.Approver)?

    public init(account: AccountID, queueURL: String, backupPath: String, approver: (any RootSessions.Approver)?) {
        self.account = account
        self.queueURL = queueURL
        self.backupPath = backupPath
        self.approver = approver
    }

    /// The account and queue name of a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), and the
    /// region its host names; nil when it is not a queue URL.
    public static func parse(_ url: String) -> (account: String, name: String, region: String?)? {
        // Printable ASCII only: a pasted line break or a space is not part of any queue URL.
        guard url.utf8.allSatisfy({ (0x21...0x7E).contains($0) }), let components = URLComponents(string: url),
            let scheme = components.scheme, scheme == "https" || scheme == "http", let host = components.host
        else { return nil }
        let parts = components.path.split(separator: "/").map(String.init)
        // A 12-digit account (ASCII digits: `isNumber` would take Arabic-Indic ones) and SQS's queue-name alphabet.
        let name = parts.count == 2 ? parts[1] : ""
        let stem = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        guard parts.count == 2, parts[0].utf8.count == 12, parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            (1...80).contains(name.count),
            stem.utf8.allSatisfy({
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D
                    || $0 == 0x5F
            })
        else {
            return nil
        }
        let labels = host.split(separator: ".").map(String.init)
        var region: String?
        if labels.count >= 4, labels[0] == "sqs" { region = labels[1] }
        if labels.count >= 4, labels[1] == "queue" { region = labels[0] }
        return (parts[0], parts[1], region)
    }

    public struct State: Sendable {
        public var policy: String?
        public var after: String?
    }

    func sqs(_ client: AWSClient) async throws -> SQS.Client {
        let root = try await RootSessions(client: client, approver: approver).session(
            account: account, task: .unlockQueue)
        return root.sqs(region: Self.parse(queueURL)?.region.map { AWSRegion($0) })
    }

    func policy(client: AWSClient) async throws -> String? {
        let sqs = try await sqs(client)
        do {
            let policy = try await sqs.getQueueAttributes(.init(queueUrl: queueURL, attributeNames: ["Policy"]))
                .attributes?["Policy"]
            return policy?.isEmpty == true ? nil : policy
        } catch let error as AWSError
            where error.code == "AWS.SimpleQueueService.NonExistentQueue" || error.code == "QueueDoesNotExist"
        {
            throw HardenFailure("queue \(queueURL) does not exist")
        }
    }

    public func read(client: AWSClient) async throws -> State { State(policy: try await policy(client: client)) }

    public func plan(_ state: State, client: AWSClient) async throws -> RootTaskPlan {
        RootTasks.unlockPlan(
            Self.subcommand, policy: state.policy, noun: "queue", target: queueURL,
            change: PlannedChange(
                service: "sqs", action: "SetQueueAttributes", resource: "\(queueURL) Policy → (none)",
                why: "SQSUnlockQueuePolicy session: the queue policy locks the queue"),
            backupPath: backupPath)
    }

    public func perform(_ step: RootTaskStep, plan: RootTaskPlan, state: inout State, client: AWSClient) async throws {
        guard let policy = state.policy else { return }
        try RootTasks.save(policy, to: backupPath)
        _ = try await sqs(client).setQueueAttributes(.init(queueUrl: queueURL, attributes: ["Policy": ""]))
    }

    public func reaudit(_ plan: RootTaskPlan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let name = Self.parse(queueURL)?.name ?? queueURL
        let region = Self.parse(queueURL)?.region ?? client.configuration.region.rawValue
        let (finding, after) = await RootTasks.unlockRecheck(
            checkId: "root-task-queue-unlocked", noun: "queue", account: account,
            resource: "arn:\(client.configuration.region.partition.name):sqs:\(region):\(account):\(name)",
            remediation: "rootguard root-task unlock-queue --account \(account) --queue-url \(queueURL)",
            readBack: { try await policy(client: client) })
        state.after = after
        return [finding]
    }
}

/// `root-task allow-password-recovery`: a login profile without a password for a member's root
/// (`IAMCreateRootUserPassword`), so the root e-mail's owner can recover a password. It re-opens a root sign-in
/// path: the re-check shows ROOT-BP 14 failing for that account, by design.
public struct RootPasswordRecovery: Hardener {
    public static let subcommand = "root-task allow-password-recovery"
    public static func unsupported(_ format: HardenFormat) -> String { RootTasks.unsupported }
    public static var requiredActions: [String] { RootTasks.requiredActions }

    public var account: AccountID
    public var approver: (any RootSessions.Approver)?

    public init(account: AccountID, approver: (any RootSessions.Approver)?) {
        self.account = account
        self.approver = approver
    }

    public struct State: Sendable {
        public var before: RootCredentialInventory
        public var after: RootCredentialInventory?
    }

    public static let warning =
        "this re-opens a root sign-in path: whoever controls the root e-mail address can recover a password and "
        + "sign in as root; remove it again with `rootguard root-task delete-credentials` when the task is done"

    public func read(client: AWSClient) async throws -> State {
        State(before: try await RootSessions(client: client, approver: approver).inventory(account: account))
    }

    public func plan(_ state: State, client: AWSClient) async throws -> RootTaskPlan {
        if state.before.loginProfile {
            return RootTaskPlan(
                subcommand: Self.subcommand, change: nil,
                notes: ["\(account): root already has a console password (login profile); password recovery is open"])
        }
        return RootTaskPlan(
            subcommand: Self.subcommand,
            change: PlannedChange(
                service: "iam", action: "CreateLoginProfile", resource: "\(account) root (no password)",
                why: "IAMCreateRootUserPassword session: allow the root password to be recovered"),
            notes: ["warning: " + Self.warning])
    }

    public func perform(_ step: RootTaskStep, plan: RootTaskPlan, state: inout State, client: AWSClient) async throws {
        let root = try await RootSessions(client: client, approver: approver).session(
            account: account, task: .createPassword)
        _ = try await root.iam().createLoginProfile(.init())
    }

    /// The task's own check (a login profile exists) and ROOT-BP 14, which it makes fail.
    public func reaudit(_ plan: RootTaskPlan, state: inout State, client: AWSClient) async throws -> [Finding] {
        let resource = account.rootARN(partition: client.configuration.region.partition.name)
        do {
            let after = try await RootSessions(client: client, approver: approver).inventory(account: account)
            state.after = after
            return [
                Finding(
                    checkId: "root-task-password-recovery-allowed", status: after.loginProfile ? .pass : .fail,
                    severity: .medium, accountId: account, resource: resource,
                    message: after.loginProfile
                        ? "Root has a login profile: its password can be recovered from the root e-mail address."
                        : "Root still has no login profile.",
                    compliance: [:], remediation: "rootguard root-task allow-password-recovery --account \(account)"),
                Finding(
                    checkId: "member-root-credentials-removed", status: after.isEmpty ? .pass : .fail,
                    severity: .high, accountId: account, resource: resource,
                    message: after.isEmpty
                        ? "Root has no credentials."
                        : "Root has credentials again (\(after.lines.joined(separator: "; "))): expected while the "
                            + "recovery is open; remove them when the task is done.",
                    compliance: ["ROOT-BP": ["14"]],
                    remediation: "rootguard root-task delete-credentials --account \(account) --apply"),
            ]
        } catch {
            return [
                Finding(
                    checkId: "root-task-password-recovery-allowed", status: .notEvaluated, severity: .medium,
                    accountId: account, resource: resource,
                    message: "Not evaluated: root's credentials could not be read back: \(error).", compliance: [:],
                    remediation: "rootguard root-task allow-password-recovery --account \(account)",
                    notEvaluatedCause: .unreadable)
            ]
        }
    }

    /// Judged on the task's own check: ROOT-BP 14 failing afterwards is what the task is for.
    public func exitCode(_ run: HardenRun<Self>, applying: Bool) -> Int32 {
        var outcome = run.outcome
        outcome.reaudit = outcome.reaudit.filter { $0.checkId == "root-task-password-recovery-allowed" }
        return outcome.exitCode(applying: applying)
    }
}

/// `root-task audit-credentials`: what each member's root holds, read in `IAMAuditRootUserCredentials` sessions.
/// Changes nothing.
public struct RootCredentialAudit: Hardener {
    public static let subcommand = "root-task audit-credentials"
    public static func unsupported(_ format: HardenFormat) -> String { RootTasks.unsupported }
    public static var requiredActions: [String] { RootTasks.requiredActions }

    public var accounts: [AccountID]
    public var approver: (any RootSessions.Approver)?

    public init(accounts: [AccountID], approver: (any RootSessions.Approver)?) {
        self.accounts = accounts
        self.approver = approver
    }

    public struct State: Sendable {
        public var accounts: [(account: AccountID, inventory: Result<RootCredentialInventory, HardenFailure>)]
        /// The caller's partition (for root ARNs).
        public var partition: String
    }

    public func read(client: AWSClient) async throws -> State {
        let sessions = RootSessions(client: client, approver: approver)
        var states = State(accounts: [], partition: client.configuration.region.partition.name)
        for account in accounts {
            do {
                states.accounts.append((account, .success(try await sessions.inventory(account: account))))
            } catch {
                states.accounts.append((account, .failure(HardenFailure("\(error)"))))
            }
        }
        return states
    }

    public func plan(_ state: State, client: AWSClient) async throws -> RootTaskPlan {
        RootTaskPlan(subcommand: Self.subcommand, change: nil, notes: [])
    }

    public func perform(_ step: RootTaskStep, plan: RootTaskPlan, state: inout State, client: AWSClient) async throws {}

    public func reaudit(_ plan: RootTaskPlan, state: inout State, client: AWSClient) async throws -> [Finding] { [] }

    /// ROOT-BP 14 per account, from what was read.
    public static func findings(_ state: State) -> [Finding] {
        state.accounts.map { account, inventory in
            let resource = account.rootARN(partition: state.partition)
            let remediation = "rootguard root-task delete-credentials --account \(account) --apply"
            switch inventory {
            case .success(let found):
                return Finding(
                    checkId: "member-root-credentials-removed", status: found.isEmpty ? .pass : .fail, severity: .high,
                    accountId: account, resource: resource,
                    message: found.isEmpty
                        ? "Root has no credentials." : "Root has: \(found.lines.joined(separator: "; ")).",
                    compliance: ["ROOT-BP": ["14"]], remediation: remediation)
            case .failure(let error):
                return Finding(
                    checkId: "member-root-credentials-removed", status: .notEvaluated, severity: .high,
                    accountId: account, resource: resource,
                    message: "Not evaluated: root's credentials could not be read: \(error).",
                    compliance: ["ROOT-BP": ["14"]], remediation: remediation, notEvaluatedCause: .unreadable)
            }
        }
    }

    /// 1 when an account could not be read, else 2 when a root holds credentials (delete-credentials is pending),
    /// else 0.
    public func exitCode(_ run: HardenRun<Self>, applying: Bool) -> Int32 {
        let findings = Self.findings(run.state)
        if findings.contains(where: { $0.status == .notEvaluated }) { return 1 }
        return findings.contains { $0.status == .fail } ? 2 : 0
    }
}
