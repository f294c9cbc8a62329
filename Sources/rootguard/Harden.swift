import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardFiles
import RootGuardHarden
import RootGuardModel
import RootGuardReport

/// `rootguard harden`: changes that secure root. Dry run unless `--apply`.
struct Harden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Secure the root user (dry run unless --apply).",
        discussion: """
            Every subcommand prints what it would change and changes nothing without --apply; with --apply it makes \
            the changes, touching only what rootguard creates (named rootguard-…, tagged managed-by=rootguard), and \
            audits again. \(HardenDriver.exitCodes)
            """,
        subcommands: [
            Monitoring.self, HardenWatch.self, SCP.self, OrgRootAccess.self, Contacts.self, RemoveRootCredentials.self,
        ])
}

extension HardenFormat: ExpressibleByArgument {}

/// The options every harden subcommand shares: how the plan is shown and whether it is applied.
struct HardenFlags: ParsableArguments {
    @Option(help: "plan (default), json, cloudformation or terraform, as the subcommand offers (see its help).")
    var format: HardenFormat = .plan

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false
}

/// The one driver of every harden subcommand: checks the format, runs the hardener through `HardenRunner` (or
/// prints its code) and turns the run into harden's exit code.
enum HardenDriver {
    static let exitCodes = """
        Exit codes: 0 nothing to change (or applied and the re-audit passes), 2 changes pending (dry run), 1 error, \
        3 applied but the re-audit still fails, 64 usage.
        """

    static func validate<H: Hardener>(_ type: H.Type, _ flags: HardenFlags) throws {
        if let problem = HardenRunner.usageProblem(type, format: flags.format, apply: flags.apply) {
            throw ValidationError(problem)
        }
    }

    /// Runs `hardener`; `text` prints a run in the plan format when the hardener has its own (default: harden's).
    static func run<H: Hardener>(
        _ makeHardener: () throws -> H, flags: HardenFlags, global: GlobalOptions,
        policy: String = "rootguard policy --with-harden", json: ((HardenRun<H>) throws -> String)? = nil,
        text: ((HardenRun<H>, Bool) -> (stdout: String, stderr: String))? = nil
    ) async throws {
        var code: Int32 = 0
        try await runReportingErrors(policy: policy) {
            let hardener = try makeHardener()
            if flags.format.isCode {
                let code =
                    H.codeNeedsClient
                    ? try await global.withClient {
                        try await HardenRunner.code(hardener, format: flags.format, client: $0)
                    }
                    : try await HardenRunner.code(hardener, format: flags.format, client: nil)
                try Output.stdout(code.text)
                for note in code.notes { Output.stderr("note: \(TerminalSafe.escape(note))\n") }
                return
            }
            let progress = CallProgress(flags.apply ? "applying" : "reading")
            progress.start()
            let run: HardenRun<H>
            do {
                defer { progress.stop() }
                run = try await Auditor.withClient(progress.wrap(global.makeClient)) { client in
                    try await HardenRunner.run(hardener, client: client, apply: flags.apply)
                }
            }
            switch (flags.format, text) {
            case (.json, _): try Output.stdout(try json?(run) ?? HardenRenderer.json(run.outcome))
            case (_, let text?):
                let (out, err) = text(run, flags.apply)
                try Output.stdout(out)
                Output.stderr(err)
            default: try Output.stdout(HardenRenderer.plan(run.outcome, applying: flags.apply))
            }
            code = hardener.exitCode(run, applying: flags.apply)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `rootguard harden remove-root-credentials --account ID… [--apply]`: the earlier name of
/// `root-task delete-credentials`, kept as an alias; its sessions are approved when --reason and --approvals are given.
struct RemoveRootCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-root-credentials",
        abstract:
            "Delete member accounts' root password, access keys and signing certificates, and deactivate their MFA devices.",
        discussion: """
            The earlier name of `rootguard root-task delete-credentials`. Uses sts:AssumeRoot \
            (IAMAuditRootUserCredentials to list, IAMDeleteRootUserCredentials to delete) from the management account \
            or IAM's delegated administrator; centralised root access (RootSessions) must be enabled. Without --apply \
            nothing is changed: the command prints exactly what would be removed. With --apply it removes it and audits \
            the account again. With --reason and --approvals each session is approved first, as root-task does; \
            without them the sessions are unapproved (trail reports them as unexpected). Exit codes: 0 done (nothing \
            left), 1 error (credentials unreadable), 2 credentials would be removed (dry run), 3 credentials remain \
            after --apply, 64 usage. --format json prints the run in harden's common plan model.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("account"), help: "A member account id, 12 digits (repeatable).",
        transform: AccountID.argument)
    var accounts: [AccountID]

    @Option(help: "Why the sessions are needed (with --approvals).")
    var reason: String?

    @Option(help: "The approvals file each session's approval is appended to (with --reason).")
    var approvals: String?

    @OptionGroup var flags: HardenFlags

    func validate() throws {
        if accounts.isEmpty { throw ValidationError("name at least one --account") }
        if (reason == nil) != (approvals == nil) { throw ValidationError("--reason and --approvals go together") }
        if let approvals { try ApprovalRecorder.validate(approvals) }
        try HardenDriver.validate(RootCredentialRemoval.self, flags)
    }

    func run() async throws {
        let recorder = approvals.map { ApprovalRecorder(path: $0, reason: reason ?? "", ticket: nil) }
        try await HardenDriver.run(
            { RootCredentialRemoval(accounts: accounts, approver: recorder) }, flags: flags, global: global,
            text: { run, applied in
                var (out, err) = HardenRenderer.removal(RootCredentialRemoval.outcomes(run.state, applied: applied))
                let opened = run.state.accounts.contains { if case .success = $0.before { true } else { false } }
                if recorder == nil && opened {
                    err +=
                        "note: these privileged sessions were not approved; `rootguard root-task delete-credentials "
                        + "--reason … --approvals FILE` records an approval before each one\n"
                }
                return (out, err)
            })
    }
}

/// `rootguard harden scp`.
struct SCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scp",
        abstract: "Create and attach an SCP that denies every member's root user (AssumeRoot sessions exempt).",
        discussion: """
            From the management account (or a delegated administrator). The policy (rootguard-deny-root) is proven \
            with rootguard's SCP evaluator for every member before it is proposed; existing SCPs stay attached; a target \
            that already holds 5 SCPs is refused. Formats: \(DenyRootSCP.formatList). \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("target"),
        help: "The organization root, an OU or an account to attach to (repeatable; default: the root).")
    var targets: [String] = []

    @OptionGroup var flags: HardenFlags

    func validate() throws {
        for target in targets
        where target.matchesWhole(#"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[0-9]{12})$"#) == false {
            throw ValidationError(
                "--target must be a root (r-…), an OU (ou-…) or a 12-digit account id, not '\(TerminalSafe.escape(target))'"
            )
        }
        try HardenDriver.validate(DenyRootSCP.self, flags)
    }

    func run() async throws {
        try await HardenDriver.run({ DenyRootSCP(targets: targets) }, flags: flags, global: global)
    }
}

/// `rootguard harden org-root-access`.
struct OrgRootAccess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org-root-access",
        abstract: "Turn on centralised root access: IAM trusted access, RootCredentialsManagement, RootSessions.",
        discussion: "Formats: \(OrganizationRootAccess.formatList). \(HardenDriver.exitCodes)")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var flags: HardenFlags

    func validate() throws { try HardenDriver.validate(OrganizationRootAccess.self, flags) }

    func run() async throws {
        try await HardenDriver.run({ OrganizationRootAccess() }, flags: flags, global: global)
    }
}

/// `rootguard harden contacts`.
struct Contacts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Set the SECURITY, OPERATIONS and BILLING alternate contacts from a YAML file.",
        discussion: """
            The file: security: {name, title, email, phone}, and the same for operations and billing (any of the three). \
            From the management account, --account sets them in members. Formats: \(AlternateContacts.formatList). \
            \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The YAML file of contacts.")
    var contacts: String

    @Option(
        name: .customLong("account"), help: "A member account, 12 digits (repeatable; default: this account).",
        transform: AccountID.argument)
    var accounts: [AccountID] = []

    @OptionGroup var flags: HardenFlags

    func validate() throws { try HardenDriver.validate(AlternateContacts.self, flags) }

    func run() async throws {
        try await HardenDriver.run(
            { AlternateContacts(contacts: try ContactsFile.load(contacts), accounts: accounts) }, flags: flags,
            global: global)
    }
}

/// `rootguard harden monitoring`.
struct Monitoring: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitoring",
        abstract:
            "Build what ROOT-BP 16–20 finds missing: trail, root-activity alarm chain, EventBridge rules, GuardDuty, Config, Security Hub.",
        discussion: """
            Reads the account's monitoring as `audit` does and plans only what is missing: a multi-region trail \
            delivering to CloudWatch Logs (unless a qualifying one already does), the root-activity metric filter (proven \
            by rootguard's pattern engine), an alarm (Sum ≥ 1 over 300 s) and an SNS topic with the --notify subscriber, \
            EventBridge rules for root sign-in (us-east-1) and root API calls (every examined region; other regions \
            forward to the home region's event bus), a GuardDuty detector per region, a Config recorder with the three \
            root rules, and Security Hub with AWS Foundational Security Best Practices. Existing resources rootguard did \
            not create are never changed: when one is the broken link, a note says what to do. An e-mail subscriber \
            stays PendingConfirmation until the person confirms it, and the re-audit says so. Formats: \
            \(RootMonitoring.formatList). \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "Who is told: sns:TOPIC_ARN (an existing topic in the home region), email:ADDRESS or https:URL.",
            valueName: "target"))
    var notify: String?

    @Option(help: "Regions to examine and cover, comma-separated (default: the account's enabled regions).")
    var regions: String?

    @Option(
        help:
            "An existing bucket for a new trail and Config (default: rootguard creates rootguard-logs-ACCOUNT-REGION).")
    var trailBucket: String?

    @OptionGroup var flags: HardenFlags

    var regionList: [String]? { regions.map(splitRegionList) }

    func validate() throws {
        if let notify {
            do { _ = try RootMonitoring.Notify.parse(notify) } catch { throw ValidationError("\(error)") }
        }
        try HardenDriver.validate(RootMonitoring.self, flags)
        try validateRegionList(regionList, global: global)
        if let trailBucket,
            trailBucket.matchesWhole(#"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"#) == false
        {
            throw ValidationError("--trail-bucket '\(TerminalSafe.escape(trailBucket))' is not a valid S3 bucket name")
        }
    }

    func run() async throws {
        try await HardenDriver.run(
            {
                RootMonitoring(
                    options: .init(
                        regions: regionList, notify: try notify.map(RootMonitoring.Notify.parse),
                        trailBucket: trailBucket))
            }, flags: flags, global: global)
    }
}

/// `rootguard harden watch`.
struct HardenWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract:
            "Create what rootguard watch reads: SQS queue, dead-letter queue, and EventBridge rules in every region.",
        discussion: """
            In the configured region: rootguard-watch (dead letters to rootguard-watch-dlq after 5 receives) with a policy \
            that lets only rootguard's rules send. In every examined region: rootguard-watch-root (root's activity) and \
            rootguard-watch-named (AssumeRoot, password recovery and primary e-mail changes by any caller); outside the \
            queue's region they forward to its default event bus through the role rootguard-watch-forward. Formats: \
            \(WatchQueue.formatList). \(HardenDriver.exitCodes)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Regions to cover, comma-separated (default: the account's enabled regions).")
    var regions: String?

    @OptionGroup var flags: HardenFlags

    func validate() throws {
        try HardenDriver.validate(WatchQueue.self, flags)
        try validateRegionList(regionList, global: global)
    }

    var regionList: [String]? { regions.map(splitRegionList) }

    func run() async throws {
        try await HardenDriver.run({ WatchQueue(regions: regionList) }, flags: flags, global: global)
    }
}

/// `--regions a,b`: the names, trimmed.
func splitRegionList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
}

/// Every name a region of the partition the configured region belongs to (checked before anything is planned).
func validateRegionList(_ regions: [String]?, global: GlobalOptions) throws {
    guard let regions else { return }
    for region in regions where !MonitoringFacts.isRegionName(region) {
        throw ValidationError("--regions: '\(TerminalSafe.escape(region))' is not a region name (like eu-west-1)")
    }
    if let problem = global.connection.resolvedRegion(global.region).partition.problem(with: regions) {
        throw ValidationError("--regions: \(TerminalSafe.escape(problem))")
    }
}
