import ArgumentParser
import Foundation
import RootGuard
import RootGuardModel
import RootGuardReport

/// `rootguard harden`: changes that secure root. Dry run unless `--apply`.
struct Harden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Secure the root user (dry run unless --apply).",
        discussion: """
            Every subcommand prints what it would change and changes nothing without --apply; with --apply it makes \
            the changes, touching only what rootguard creates (named rootguard-…, tagged managed-by=rootguard), and \
            audits again. Exit codes: 0 nothing to change (or applied and the re-audit passes), 2 changes pending \
            (dry run), 1 error, 3 applied but the re-audit still fails.
            """,
        subcommands: [
            Monitoring.self, HardenWatch.self, SCP.self, OrgRootAccess.self, Contacts.self, RemoveRootCredentials.self,
        ])
}

/// `rootguard harden remove-root-credentials --account ID… [--apply]`.
struct RemoveRootCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-root-credentials",
        abstract:
            "Delete member accounts' root password, access keys and signing certificates, and deactivate their MFA devices.",
        discussion: """
            Uses sts:AssumeRoot (IAMAuditRootUserCredentials to list, IAMDeleteRootUserCredentials to delete) from the \
            management account or IAM's delegated administrator; centralised root access (RootSessions) must be enabled. \
            Without --apply nothing is changed: the command prints exactly what would be removed. With --apply it removes \
            it and audits the account again. Exit codes: 0 done (nothing left), 1 error, 2 credentials would be removed (dry \
            run), 3 credentials remain after --apply. --format json prints the run in harden's common plan model.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("account"), help: "A member account id, 12 digits (repeatable).",
        transform: AccountID.argument)
    var accounts: [AccountID]

    @Flag(help: "Really delete (default: dry run).")
    var apply = false

    @Option(help: "plan (default: per account, what is or would be removed) or json (harden's common plan model).")
    var format: PlanFormat = .plan

    func validate() throws {
        if accounts.isEmpty { throw ValidationError("name at least one --account") }
        if format == .cloudformation || format == .terraform {
            throw ValidationError(
                "remove-root-credentials has no infrastructure-code form (AWS offers no resource for it)")
        }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let outcomes = try await global.withClient { client in
                await RootCredentialRemoval.run(accounts: accounts, apply: apply, client: client)
            }
            if format == .json {
                try Output.stdout(try HardenRenderer.json(RootCredentialRemoval.hardenOutcome(outcomes)))
            } else {
                let (out, err) = HardenRenderer.removal(outcomes)
                try Output.stdout(out)
                Output.stderr(err)
            }
            code = RootCredentialRemoval.exitCode(outcomes)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// How a plan is shown.
enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case plan, json, cloudformation, terraform
}

/// Prints a harden outcome and turns it into the exit code.
func finish(_ outcome: HardenOutcome, format: PlanFormat, applying: Bool) throws -> Int32 {
    switch format {
    case .json: try Output.stdout(try HardenRenderer.json(outcome))
    default: try Output.stdout(HardenRenderer.plan(outcome, applying: applying))
    }
    return outcome.exitCode(applying: applying)
}

/// `rootguard harden scp`.
struct SCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scp",
        abstract: "Create and attach an SCP that denies every member's root user (AssumeRoot sessions exempt).",
        discussion: """
            From the management account (or a delegated administrator). The policy (rootguard-deny-root) is proven \
            with rootguard's SCP evaluator for every member before it is proposed; existing SCPs stay attached; a target \
            that already holds 5 SCPs is refused. --format cloudformation|terraform prints infrastructure code instead.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("target"),
        help: "The organization root, an OU or an account to attach to (repeatable; default: the root).")
    var targets: [String] = []

    @Option(help: "plan (default), json, cloudformation or terraform.")
    var format: PlanFormat = .plan

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false

    func validate() throws {
        for target in targets
        where target.range(
            of: #"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$"#, options: .regularExpression) == nil
        {
            throw ValidationError(
                "--target must be a root (r-…), an OU (ou-…) or a 12-digit account id, not '\(TerminalSafe.escape(target))'"
            )
        }
        if apply && (format == .cloudformation || format == .terraform) {
            throw ValidationError("--apply makes the changes itself; --format \(format.rawValue) only prints code")
        }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            try await global.withClient { client in
                let state = try await DenyRootSCP.read(client: client, targets: targets)
                let chosen = targets.isEmpty ? [state.rootID] : targets
                switch format {
                case .cloudformation:
                    try Output.stdout(try DenyRootSCP.cloudFormation(partition: state.partition, targets: chosen))
                    return
                case .terraform:
                    try Output.stdout(DenyRootSCP.terraform(partition: state.partition, targets: chosen))
                    return
                default: break
                }
                let plan = try await DenyRootSCP.plan(state, targets: targets, client: client)
                var outcome = HardenOutcome(plan: plan)
                if apply {
                    outcome.applied = await DenyRootSCP.apply(plan, state: state, client: client)
                    if !outcome.applied.contains(where: { $0.error != nil }) {
                        outcome.reaudit = try await Hardening.reauditSCP(client: client)
                    }
                }
                code = try finish(outcome, format: format, applying: apply)
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `rootguard harden org-root-access`.
struct OrgRootAccess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org-root-access",
        abstract: "Turn on centralised root access: IAM trusted access, RootCredentialsManagement, RootSessions.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "plan (default) or json.")
    var format: PlanFormat = .plan

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false

    func validate() throws {
        if format == .cloudformation || format == .terraform {
            throw ValidationError("org-root-access has no infrastructure-code form (AWS offers no resource for it)")
        }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            try await global.withClient { client in
                let plan = try await OrganizationRootAccess.plan(client: client)
                var outcome = HardenOutcome(plan: plan)
                if apply {
                    outcome.applied = await OrganizationRootAccess.apply(plan, client: client)
                    if !outcome.applied.contains(where: { $0.error != nil }) {
                        outcome.reaudit = try await OrganizationRootAccess.reaudit(client: client)
                    }
                }
                code = try finish(outcome, format: format, applying: apply)
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `rootguard harden contacts`.
struct Contacts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Set the SECURITY, OPERATIONS and BILLING alternate contacts from a YAML file.",
        discussion: """
            The file: security: {name, title, email, phone}, and the same for operations and billing (any of the three). \
            From the management account, --account sets them in members.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The YAML file of contacts.")
    var contacts: String

    @Option(
        name: .customLong("account"), help: "A member account, 12 digits (repeatable; default: this account).",
        transform: AccountID.argument)
    var accounts: [AccountID] = []

    @Option(help: "plan (default), json or terraform.")
    var format: PlanFormat = .plan

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false

    func validate() throws {
        if format == .cloudformation {
            throw ValidationError("CloudFormation has no alternate-contact resource; use --format terraform or --apply")
        }
        if apply && format == .terraform {
            throw ValidationError("--apply makes the changes itself; --format terraform only prints code")
        }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let wanted = try AlternateContacts.load(contacts)
            if format == .terraform {
                try Output.stdout(AlternateContacts.terraform(wanted, accounts: accounts))
                return
            }
            try await global.withClient { client in
                let plan = try await AlternateContacts.plan(client: client, contacts: wanted, accounts: accounts)
                var outcome = HardenOutcome(plan: plan)
                if apply {
                    outcome.applied = await AlternateContacts.apply(plan, client: client, contacts: wanted)
                    let identity = try await client.sts().getCallerIdentity()
                    let own = try AccountID.parse(identity.account ?? "", what: "caller account")
                    outcome.reaudit = await AlternateContacts.reaudit(
                        client: client, contacts: wanted, accounts: accounts, self: own,
                        partition: identity.arn.flatMap(RequiredPolicy.partition(ofARN:)) ?? "aws")
                }
                code = try finish(outcome, format: format, applying: apply)
            }
        }
        if code != 0 { throw ExitCode(code) }
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
            stays PendingConfirmation until the person confirms it, and the re-audit says so.
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

    @Option(help: "plan (default), json, cloudformation or terraform.")
    var format: PlanFormat = .plan

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false

    var regionList: [String]? { regions.map(splitRegionList) }

    func validate() throws {
        if let notify {
            do { _ = try RootMonitoring.Notify.parse(notify) } catch { throw ValidationError("\(error)") }
        }
        if apply && (format == .cloudformation || format == .terraform) {
            throw ValidationError("--apply makes the changes itself; --format \(format.rawValue) only prints code")
        }
        try validateRegionList(regionList)
        if let trailBucket,
            trailBucket.range(of: #"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"#, options: .regularExpression) == nil
        {
            throw ValidationError("--trail-bucket '\(TerminalSafe.escape(trailBucket))' is not a valid S3 bucket name")
        }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let options = RootMonitoring.Options(
                regions: regionList, notify: try notify.map(RootMonitoring.Notify.parse),
                trailBucket: trailBucket)
            try await global.withClient { client in
                let (facts, extra) = try await RootMonitoring.read(client: client, options: options)
                let plan = try RootMonitoring.plan(facts: facts, extra: extra, options: options)
                switch format {
                case .cloudformation:
                    try Output.stdout(try RootMonitoring.cloudFormation(plan))
                    return
                case .terraform:
                    try Output.stdout(RootMonitoring.terraform(plan))
                    return
                default: break
                }
                var outcome = HardenOutcome(plan: plan.plan)
                if apply {
                    outcome.applied = await RootMonitoring.apply(plan, client: client)
                    if !outcome.applied.contains(where: { $0.error != nil }) {
                        outcome.reaudit = try await RootMonitoring.reaudit(client: client, plan: plan)
                    }
                }
                code = try finish(outcome, format: format, applying: apply)
            }
        }
        if code != 0 { throw ExitCode(code) }
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
            queue's region they forward to its default event bus through the role rootguard-watch-forward.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Regions to cover, comma-separated (default: the account's enabled regions).")
    var regions: String?

    @Option(help: "plan (default), json or cloudformation.")
    var format: PlanFormat = .plan

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false

    func validate() throws {
        if format == .terraform {
            throw ValidationError("harden watch prints CloudFormation (--format cloudformation)")
        }
        if apply && format == .cloudformation {
            throw ValidationError("--apply makes the changes itself; --format cloudformation only prints code")
        }
        try validateRegionList(regionList)
    }

    var regionList: [String]? { regions.map(splitRegionList) }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            try await global.withClient { client in
                let state = try await WatchQueue.read(client: client, regions: regionList)
                let plan = try WatchQueue.plan(state)
                if format == .cloudformation {
                    try Output.stdout(try WatchQueue.cloudFormation(plan))
                    return
                }
                var outcome = HardenOutcome(plan: plan.plan)
                if apply {
                    outcome.applied = await WatchQueue.apply(plan, client: client)
                    if !outcome.applied.contains(where: { $0.error != nil }) {
                        outcome.reaudit = try await WatchQueue.reaudit(client: client, plan: plan)
                    }
                }
                code = try finish(outcome, format: format, applying: apply)
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `--regions a,b`: the names, trimmed.
func splitRegionList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
}

func validateRegionList(_ regions: [String]?) throws {
    for region in regions ?? [] where !MonitoringFacts.isRegionName(region) {
        throw ValidationError("--regions: '\(TerminalSafe.escape(region))' is not a region name (like eu-west-1)")
    }
}
