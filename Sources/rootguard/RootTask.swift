import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardCollect
import RootGuardFiles
import RootGuardHarden
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `rootguard root-task`: the tasks only a member account's root can do, through privileged sessions, approved first.
struct RootTask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "root-task",
        abstract: "Do a member account's root-only tasks through privileged sessions (sts:AssumeRoot), approved first.",
        discussion: """
            From the management account or IAM's delegated administrator, with centralised root access (RootSessions) \
            enabled (`rootguard harden org-root-access`). Each subcommand reads in a privileged session, prints exactly \
            what it would do and changes nothing without --apply; with --apply it does the task in a fresh session and \
            checks the result in another. Before every session starts, an approval (account, task policy, window of \
            at most 20 minutes, your ARN as the only caller, the actions the task calls, --reason) is appended to \
            --approvals FILE, so `rootguard trail` and `watch` given that file report the session as expected, and \
            anyone else's session stays unexpected. \(HardenDriver.exitCodes)
            """,
        subcommands: [
            UnlockBucket.self, UnlockQueue.self, AllowPasswordRecovery.self, AuditCredentials.self,
            DeleteCredentials.self,
        ])
}

/// The options every root-task subcommand shares.
struct RootTaskOptions: ParsableArguments {
    @Option(help: "Why the session is needed (required; written into the approval).")
    var reason: String

    @Option(help: "The approvals file (YAML, as trail and watch read it) the approval of each session is appended to.")
    var approvals: String

    @Option(help: "A change or incident ticket for the approval.")
    var ticket: String?

    @Option(help: "plan (default) or json.")
    var format: HardenFormat = .plan

    @Flag(help: "Do the task (default: dry run; the reads still use an approved privileged session).")
    var apply = false

    var flags: HardenFlags {
        var flags = HardenFlags()
        flags.format = format
        flags.apply = apply
        return flags
    }

    func validate<H: Hardener>(_ type: H.Type) throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reason must say why the session is needed")
        }
        if format.isCode { throw ValidationError(RootTasks.unsupported) }
        try ApprovalRecorder.validate(approvals)
        try HardenDriver.validate(type, flags)
    }

    func recorder() -> ApprovalRecorder { ApprovalRecorder(path: approvals, reason: reason, ticket: ticket) }

    /// Runs the task through harden's driver with these flags; a denied call points to `policy --with-root-task`.
    func run<H: Hardener>(
        _ makeTask: () throws -> H, global: GlobalOptions, json: ((HardenRun<H>) throws -> String)? = nil,
        text: @escaping (HardenRun<H>, Bool) -> (stdout: String, stderr: String) = RootTaskText.plan
    ) async throws {
        try await HardenDriver.run(
            makeTask, flags: flags, global: global, policy: "rootguard policy --with-root-task", json: json,
            text: text)
    }

    /// `--save-policy`, before any call: a new file in a folder that exists.
    static func checkSavePath(_ path: String?) throws {
        guard let path else { return }
        if FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--save-policy: \(path) exists; the policy is saved only to a new file")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue,
            FileManager.default.isWritableFile(atPath: folder)
        else { throw ValidationError("--save-policy: \(path): the folder \(folder) does not exist or is not writable") }
    }
}

extension ApprovalRecorder {
    /// `check` as a usage error (exit 64), before any AWS call.
    static func validate(_ path: String) throws {
        do { try check(path) } catch { throw ValidationError("\(error)") }
    }
}

/// The text of a root task's run: harden's plan format.
enum RootTaskText {
    static func plan<H: Hardener>(_ run: HardenRun<H>, applying: Bool) -> (stdout: String, stderr: String) {
        (HardenRenderer.plan(run.outcome, applying: applying), "")
    }
}

/// `rootguard root-task unlock-bucket`.
struct UnlockBucket: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock-bucket",
        abstract: "Delete the bucket policy that locks everyone out of a member's S3 bucket (S3UnlockBucketPolicy).",
        discussion: """
            Reads the bucket policy in a privileged session and names its Deny statements; with --apply saves it to \
            --save-policy (a new file) and deletes it, then reads again in a fresh session: no policy left is done. \
            Use --region for the bucket's region. \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The member account that owns the bucket (12 digits).", transform: AccountID.argument)
    var account: AccountID

    @Option(help: "The bucket's name.")
    var bucket: String

    @Option(
        help:
            "Where the policy is saved before it is deleted (default: rootguard-<account>-<bucket>-policy-<time>.json)."
    )
    var savePolicy: String?

    @OptionGroup var options: RootTaskOptions

    func validate() throws {
        guard bucket.matchesWhole(#"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$"#) else {
            throw ValidationError("--bucket '\(TerminalSafe.escape(bucket))' is not an S3 bucket name")
        }
        try RootTaskOptions.checkSavePath(savePolicy)
        try options.validate(BucketPolicyUnlock.self)
    }

    func run() async throws {
        let path = savePolicy ?? RootTasks.backupName(account: account, what: bucket)
        let recorder = options.recorder()
        try await options.run(
            { BucketPolicyUnlock(account: account, bucket: bucket, backupPath: path, approver: recorder) },
            global: global)
    }
}

/// `rootguard root-task unlock-queue`.
struct UnlockQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock-queue",
        abstract: "Remove the queue policy that locks everyone out of a member's SQS queue (SQSUnlockQueuePolicy).",
        discussion: """
            Reads the queue policy in a privileged session and names its Deny statements; with --apply saves it to \
            --save-policy (a new file) and removes it, then reads again in a fresh session. The queue URL's account \
            must be --account. \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The member account that owns the queue (12 digits).", transform: AccountID.argument)
    var account: AccountID

    @Option(help: "The queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>).")
    var queueUrl: String

    @Option(
        help:
            "Where the policy is saved before it is removed (default: rootguard-<account>-<queue>-policy-<time>.json).")
    var savePolicy: String?

    @OptionGroup var options: RootTaskOptions

    func validate() throws {
        guard let parsed = QueuePolicyUnlock.parse(queueUrl) else {
            throw ValidationError("--queue-url '\(TerminalSafe.escape(queueUrl))' is not an SQS queue URL")
        }
        guard parsed.account == account.rawValue else {
            throw ValidationError("--queue-url names account \(parsed.account), not --account \(account)")
        }
        try RootTaskOptions.checkSavePath(savePolicy)
        try options.validate(QueuePolicyUnlock.self)
    }

    func run() async throws {
        let name = QueuePolicyUnlock.parse(queueUrl)?.name ?? "queue"
        let path = savePolicy ?? RootTasks.backupName(account: account, what: name)
        let recorder = options.recorder()
        try await options.run(
            { QueuePolicyUnlock(account: account, queueURL: queueUrl, backupPath: path, approver: recorder) },
            global: global)
    }
}

/// `rootguard root-task allow-password-recovery`.
struct AllowPasswordRecovery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow-password-recovery",
        abstract: "Let a member's root password be recovered again (IAMCreateRootUserPassword).",
        discussion: """
            Creates root's login profile without a password, so whoever controls the root e-mail address can recover \
            a password: this re-opens a root sign-in path, and the re-check shows member-root-credentials-removed \
            failing for the account. Remove it again with delete-credentials when the task is done. \
            \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The member account (12 digits).", transform: AccountID.argument)
    var account: AccountID

    @OptionGroup var options: RootTaskOptions

    func validate() throws { try options.validate(RootPasswordRecovery.self) }

    func run() async throws {
        let recorder = options.recorder()
        try await options.run(
            { RootPasswordRecovery(account: account, approver: recorder) }, global: global,
            text: { run, applying in
                var (out, err) = RootTaskText.plan(run, applying: applying)
                if !run.plan.plan.changes.isEmpty { err += "warning: \(RootPasswordRecovery.warning)\n" }
                return (out, err)
            })
    }
}

/// `rootguard root-task audit-credentials`.
struct AuditCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-credentials",
        abstract: "List what each member's root holds: password, access keys, signing certificates, MFA devices.",
        discussion: """
            Reads with IAMAuditRootUserCredentials and changes nothing (--apply does nothing more). --format json \
            prints harden's JSON model with one member-root-credentials-removed finding per account in `reaudit`. \
            Exit codes: 0 no \
            root holds a credential, 2 some root does (delete-credentials is pending), 1 an account could not be read, \
            64 usage.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("account"), help: "A member account (12 digits, repeatable).", transform: AccountID.argument)
    var accounts: [AccountID]

    @OptionGroup var options: RootTaskOptions

    func validate() throws {
        if accounts.isEmpty { throw ValidationError("name at least one --account") }
        try options.validate(RootCredentialAudit.self)
    }

    func run() async throws {
        let recorder = options.recorder()
        try await options.run(
            { RootCredentialAudit(accounts: accounts, approver: recorder) }, global: global,
            json: { run in
                // harden's JSON model (docs/schemas/harden.schema.json): no changes; the findings read are its check.
                var outcome = run.outcome
                outcome.reaudit = RootCredentialAudit.findings(run.state)
                return try HardenRenderer.json(outcome)
            },
            text: { run, _ in
                var out = ""
                var err = ""
                for (account, inventory) in run.state.accounts {
                    switch inventory {
                    case .success(let found) where found.isEmpty: out += "\(account): root has no credentials\n"
                    case .success(let found):
                        out += "\(account): root has:\n"
                        for line in found.lines { out += "  - \(TerminalSafe.escape(line))\n" }
                    case .failure(let error): err += "error: \(account): \(TerminalSafe.escape(error.description))\n"
                    }
                }
                return (out, err)
            })
    }
}

/// `rootguard root-task delete-credentials` (also `harden remove-root-credentials`).
struct DeleteCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-credentials",
        abstract:
            "Delete member accounts' root password, access keys and signing certificates; deactivate MFA devices.",
        discussion: """
            Lists with IAMAuditRootUserCredentials and deletes with IAMDeleteRootUserCredentials (keys and \
            certificates first, the password next, MFA last and only when no password is left behind). Exit codes: \
            0 done (nothing left), 1 error (credentials unreadable), 2 credentials would be removed (dry run), \
            3 credentials remain after --apply, 64 usage.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("account"), help: "A member account (12 digits, repeatable).", transform: AccountID.argument)
    var accounts: [AccountID]

    @OptionGroup var options: RootTaskOptions

    func validate() throws {
        if accounts.isEmpty { throw ValidationError("name at least one --account") }
        try options.validate(RootCredentialRemoval.self)
    }

    func run() async throws {
        let recorder = options.recorder()
        try await options.run(
            { RootCredentialRemoval(accounts: accounts, approver: recorder) }, global: global,
            text: { run, applied in
                HardenRenderer.removal(RootCredentialRemoval.outcomes(run.state, applied: applied))
            })
    }
}
