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

/// `rootguard respond`: from a root alert to a contained account.
struct Respond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "From a root alert to a contained account: evidence, containment (dry run unless --apply), escalation.",
        discussion: """
            Scopes the incident from what trail, trail athena and watch write (--detections, json or jsonl) or from \
            --account and --since, reads every CloudTrail record of the root sessions from --logs (default: the \
            sources the detections name), finds what the unapproved sessions left behind (users, keys, login \
            profiles, roles, policies, root's own credentials; trails stopped, detectors deleted, rules disabled…), \
            confirms each against the account's current state and plans its containment: keys made Inactive (not \
            deleted), a deny-all inline policy on users and roles (and a revocation of a role's older sessions), \
            policies detached, monitoring restarted, a member's root credentials removed through \
            IAMDeleteRootUserCredentials, and with --quarantine a deny-all SCP on the member account except its \
            break-glass principals (refused for the management account: SCPs do not apply to it). Nothing outside the \
            incident's findings is touched. In a member account that is not the caller's the reads and steps go \
            through --member-role. --offline plans from the records alone, reading nothing from AWS.
            Exit codes: 0 nothing to contain (or applied and the re-check is clean), 2 containment pending (dry run; \
            also items that could not be confirmed or work left for a person), 3 applied but \
            something remains, 5 evidence failed integrity (a log file or digest tampered with, or expected and \
            missing; wins over 2 and 3), 1 error, 64 usage.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case plan, json, markdown, html }

    /// The exit code for evidence that failed integrity (tampered with, or expected and missing).
    static let evidenceFailed: Int32 = 5

    @Option(
        help: "Detections as trail, trail athena or watch write them (--output json or jsonl); '-' for standard input.")
    var detections: String?

    @Option(
        help:
            "Where the sessions' full records are read (repeatable): a path, s3://BUCKET/PREFIX or lookup (default: the sources the detections name)."
    )
    var logs: [String] = []

    @Option(
        name: .customLong("account"),
        help: "Only this account, 12 digits (repeatable); without --detections, with --since, the accounts to scope.",
        transform: AccountID.argument)
    var accounts: [AccountID] = []

    @Option(
        help: "Records at or after this time (ISO 8601 or 7d/12h/30m; default: an hour before the first detection).")
    var since: String?

    @Option(help: "Records at or before this time (same forms as --since).")
    var until: String?

    @Option(
        help:
            "Approved root-use windows (as trail reads them); with --reason, respond's own privileged sessions are approved in it first."
    )
    var approvals: String?

    @Option(help: "Why respond opens privileged root sessions (with --approvals).")
    var reason: String?

    @Option(help: "YAML attestations; their custody plan names whom to call (see Examples/attestations.yaml).")
    var attestations: String?

    @Option(help: "Write the evidence here (a new or empty folder): records, detections, report, SHA-256 manifest.")
    var evidence: String?

    @Flag(help: "Attach a deny-all SCP to each member account in scope, except the --allow-principal ARNs.")
    var quarantine = false

    @Option(
        name: .customLong("allow-principal"),
        help: "A break-glass principal ARN the quarantine SCP spares (repeatable).")
    var allowPrincipals: [String] = []

    @Option(help: "The role respond assumes in a member account that is not the caller's.")
    var memberRole = "OrganizationAccountAccessRole"

    @Option(help: "How many accounts are read, contained and re-checked at once (1–256).")
    var concurrency = 16

    @Option(help: "plan (default), json, markdown or html.")
    var format: Format = .plan

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var outputFile: String?

    @Option(help: "Send the incident summary here too (repeatable): an http(s) webhook URL or an SNS topic ARN.")
    var notify: [String] = []

    @Flag(help: "Plan from the records alone; read nothing from AWS (nothing is confirmed; --apply is refused).")
    var offline = false

    @Flag(help: "Make the changes (default: dry run).")
    var apply = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if detections == nil && (accounts.isEmpty || since == nil) {
            throw ValidationError("give --detections FILE, or --account ID and --since T")
        }
        if concurrency < 1 || concurrency > 256 { throw ValidationError("--concurrency must be between 1 and 256") }
        if quarantine && allowPrincipals.isEmpty {
            throw ValidationError(
                "--quarantine needs at least one --allow-principal (a break-glass role that may still act in the account)"
            )
        }
        for principal in allowPrincipals {
            guard let arn = ARN(rawValue: principal) else {
                throw ValidationError("--allow-principal must be an ARN, not '\(TerminalSafe.escape(principal))'")
            }
            // The quarantine's ArnNotLike would spare whatever a wildcard matches (everyone), or root itself.
            if principal.contains("*") || principal.contains("?") {
                throw ValidationError(
                    "--allow-principal '\(TerminalSafe.escape(principal))' holds a wildcard: the quarantine would spare everyone it matches; name each break-glass role"
                )
            }
            if arn.resource == "root" {
                throw ValidationError(
                    "--allow-principal '\(TerminalSafe.escape(principal))' is root: the quarantine would spare the principal it is meant to stop; name a break-glass role"
                )
            }
        }
        if !allowPrincipals.isEmpty && !quarantine { throw ValidationError("--allow-principal goes with --quarantine") }
        if offline && (apply || quarantine) { throw ValidationError("--offline reads nothing and changes nothing") }
        if reason != nil && approvals == nil { throw ValidationError("--reason goes with --approvals") }
        if let approvals, reason != nil { try ApprovalRecorder.validate(approvals) }
        if let outputFile { _ = try OutputFile.check(outputFile) }
        for target in notify {
            if target.hasPrefix("arn:") {
                guard let arn = ARN(rawValue: target), arn.isSNSTopic else {
                    throw ValidationError("--notify: '\(TerminalSafe.escape(target))' is not an SNS topic ARN")
                }
            } else {
                try ValueArguments.checkWebhook(target, flag: "--notify")
            }
        }
        do {
            _ = try logs.map { try TrailSource.parse($0) }
            _ = try since.map { try TimeArgument.parse($0, now: Date(), flag: "--since") }
            _ = try until.map { try TimeArgument.parse($0, now: Date(), flag: "--until") }
        } catch let error as TrailSource.Invalid {
            throw ValidationError(error.description)
        } catch let error as TimeArgument.Invalid {
            throw ValidationError(error.description)
        }
        if let evidence {
            do { try EvidenceFolder.probe(evidence) } catch { throw ValidationError("--evidence: \(error)") }
        }
        // Approvals only read (no --reason): a file that is not there is a typo, not "nothing approved".
        if let approvals, reason == nil {
            do { _ = try ApprovalsFile.load(approvals) } catch { throw ValidationError("--approvals: \(error)") }
        }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors(policy: "rootguard policy --with-respond") {
            let now = Date()
            let given: [Detection]
            do { given = try detections.map(DetectionsFile.load) ?? [] } catch {
                throw ValidationError("--detections: \(error)")
            }
            // An empty detections input proves nothing (a truncated file, a wrong path to a pipe): never "clean".
            let emptyInput = detections != nil && given.isEmpty
            if emptyInput, let detections {
                Output.error(
                    "--detections \(detections == "-" ? "(standard input)" : detections): holds no detection; nothing was scoped, which proves nothing"
                )
            }
            let known = approvals.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
            let approved = try known.map(ApprovalsFile.load) ?? []
            var sources = try logs.map { try TrailSource.parse($0) }
            if sources.isEmpty {
                let (defaults, unusable) = IncidentResponse.defaultSources(given)
                sources = defaults
                for source in unusable {
                    Output.stderr(
                        "note: detections from \(TerminalSafe.escape(source)) name no log file rootguard reads by default (only one file, or one S3 object under AWSLogs/<its account>/…/CloudTrail/); name the logs with --logs\n"
                    )
                }
            }
            if offline, let remote = sources.first(where: \.needsAWS) {
                throw ValidationError(
                    "--offline reads local logs only, and \(TerminalSafe.escape(remote.description)) needs AWS; name local logs with --logs"
                )
            }
            // One member-role session per account for the whole run: the hunt, the containment, the history.
            let members = MemberClients(role: memberRole)
            let scope = await IncidentResponse.scope(
                detections: given, logs: sources, accounts: accounts,
                since: try since.map { try TimeArgument.parse($0, now: now, flag: "--since") },
                until: try until.map { try TimeArgument.parse($0, now: now, flag: "--until") }, approvals: approved,
                hunter: try await hunter(sources: sources, detections: given, members: members))
            for problem in scope.problems {
                Output.error("\(problem.input): \(problem.message)")
            }
            // For every account in scope, what its records were read from (lookup says so itself, per account).
            let files = sources.filter { if case .lookup = $0 { false } else { true } }.map(\.description)
            if !files.isEmpty {
                for incident in scope.incidents {
                    let read = scope.records.filter { $0.accountId == incident.account }.count
                    Output.stderr(
                        "note: \(incident.account): \(plural(read, "root-relevant record")) read from \(TerminalSafe.escape(files.joined(separator: ", ")))\n"
                    )
                }
            }
            if sources.isEmpty && !scope.incidents.isEmpty {
                Output.error(
                    "no CloudTrail records were read: what the sessions left behind is unknown (name the logs with --logs)"
                )
            }
            // An --account no detection names: its sessions can only come from the logs read; none found is not
            // "nothing in scope" (the detections were of other accounts).
            var unnamed: [String] = []
            if detections != nil {
                let named = Set(given.flatMap { [$0.accountId] + ($0.details["targetAccount"].map { [$0] } ?? []) })
                for account in accounts.map(\.rawValue) where !named.contains(account) {
                    if !scope.incidents.contains(where: { $0.account == account }) {
                        unnamed.append(account)
                        Output.error(
                            "--account \(account): none of the \(given.count) detections is for this account (they name \(named.sorted().joined(separator: ", "))), and the logs read hold no root session of it"
                        )
                    }
                }
            }
            let custody = try attestations.map { try AttestationsFile.load($0) }?.custody.map(Self.custodyLines) ?? []
            let recorder = reason.map { ApprovalRecorder(path: approvals ?? "", reason: $0, ticket: nil) }
            var reports: [IncidentReport] = []
            var outcome = HardenOutcome(plan: HardenPlan(subcommand: "respond", changes: []))
            var integrity: [LogFileIntegrity.Result] = []
            var unreachable = false
            if offline {
                (reports, outcome, code) = planOffline(scope, custody: custody, now: now)
                integrity = await IncidentIntegrity.check(records: scope.records, client: nil)
            } else {
                let progress = CallProgress("respond")
                progress.start()
                defer { progress.stop() }
                try await Auditor.withClient(progress.wrap(global.makeClient)) { client in
                    let request = IncidentResponder.Request(
                        scope: scope, sources: sources, quarantine: quarantine, allowPrincipals: allowPrincipals,
                        members: members, approver: recorder, apply: apply, concurrency: concurrency,
                        custody: custody, now: now)
                    let result = try await IncidentResponder.contain(
                        request, client: client, command: { commandLine(for: $0) }
                    ) { account, phase in progress.mark(account.rawValue, phase.rawValue) }
                    for why in result.unreachable { Output.error(why) }
                    unreachable = !result.unreachable.isEmpty
                    (reports, outcome, code, integrity) = (
                        result.reports, result.outcome, result.code, result.integrity
                    )
                }
            }
            // The periods the records say a trail was stopped or deleted: gaps for every source, online or not.
            integrity += LoggingGaps.gaps(records: scope.records, until: now)
            // Each report gets the results naming its account; those naming none (a key listing, a file named
            // otherwise) go to every report, so no result is lost.
            let accounts = reports.map(\.incident.account)
            for index in reports.indices {
                let account = accounts[index]
                reports[index].integrity = integrity.filter { result in
                    result.location.contains(account) || !accounts.contains { result.location.contains($0) }
                }
            }
            let tampered = integrity.filter(\.failed)
            for result in tampered { Output.error(result.line) }
            // Gaps are facts about the past no run can change: listed on stderr and in every format (the first line
            // included), never folded into "nothing happened", and not an exit code of their own.
            for result in integrity where result.verdict == .gap {
                Output.stderr("gap: \(TerminalSafe.escape(result.location)): \(TerminalSafe.escape(result.reason))\n")
            }
            if !scope.problems.isEmpty || (sources.isEmpty && !scope.incidents.isEmpty) || emptyInput
                || !unnamed.isEmpty
            {
                // Unknown is never clean.
                if code == 0 { code = apply ? 3 : 2 }
            }
            // An account the caller cannot act in is an error (the others were contained all the same).
            if unreachable && code != Self.evidenceFailed { code = 1 }
            // Evidence that failed integrity has its own exit code, so a pipeline tells it from pending work.
            if !tampered.isEmpty && code != 1 { code = Self.evidenceFailed }
            let json = try IncidentPlanText.json(reports, outcome: outcome, problems: scope.problems)
            let markdown = reports.map(IncidentMarkdown.render).joined(separator: "\n---\n\n")
            let text: String
            switch format {
            case .plan: text = IncidentPlanText.render(reports, outcome: outcome, applying: apply)
            case .json: text = json
            case .markdown: text = markdown
            case .html: text = IncidentHTML.render(reports, version: RootGuardVersion.current)
            }
            if let outputFile {
                try OutputFile.write(Data(text.utf8), to: outputFile)
            } else {
                try Output.stdout(text)
            }
            if let evidence {
                var documents: [String: [UInt8]] = [
                    "integrity.json": Array((try JSONText.string(integrity, .pretty) + "\n").utf8),
                    "incident.json": Array(json.utf8), "report.md": Array(markdown.utf8),
                ]
                // What containment removed from principals older than the session, as it was just before: a policy
                // document as IAM takes it back, anything else as the collateral entry itself.
                for item in reports.flatMap(\.collateral) {
                    documents[item.file] =
                        item.current.hasPrefix("{")
                        ? Array((item.current + "\n").utf8) : Array((try JSONText.string(item, .pretty) + "\n").utf8)
                }
                // Evidence that cannot be written is an error, and the escalation below still goes out.
                do {
                    let manifest = try EvidenceFolder.write(
                        to: evidence, records: scope.records.map(\.record), detections: scope.detections,
                        documents: documents, tool: "rootguard \(RootGuardVersion.current)", now: now)
                    Output.stderr(
                        "evidence: \(manifest.files.count) files in \(TerminalSafe.escape(evidence)) (manifest.json holds their SHA-256)\n"
                    )
                } catch {
                    Output.error("--evidence: \(error)")
                    if code != Self.evidenceFailed { code = 1 }
                }
            }
            if !notify.isEmpty {
                let failed = await IncidentNotice.send(
                    reports, to: notify, makeClient: global.makeClient
                ) { Output.error($0) }
                if failed && code == 0 { code = 1 }
            }
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// The hunter that reads the sessions' records. `lookup` reads each in-scope account's own event history (a
    /// member's through --member-role: the caller's history holds none of a member's events), and says so.
    func hunter(sources: [TrailSource], detections: [Detection], members: MemberClients) async throws -> TrailHunter {
        var hunter = TrailHunter(makeClient: global.makeClient)
        guard !offline, sources.contains(where: { if case .lookup = $0 { true } else { false } }) else { return hunter }
        var inScope = Set(accounts.map(\.rawValue))
        if inScope.isEmpty {
            for detection in detections {
                inScope.insert(detection.accountId)
                if let target = detection.details["targetAccount"] { inScope.insert(target) }
            }
        }
        let caller = try await Auditor.withClient(global.makeClient) { try await $0.callerIdentity().account }
        let role = memberRole
        for account in inScope.sorted() {
            Output.stderr(
                account == caller.rawValue
                    ? "note: \(account): its event history (lookup) with the caller's credentials\n"
                    : "note: \(account): its event history (lookup) through role \(TerminalSafe.escape(role))\n")
        }
        hunter.lookupAccounts = inScope.sorted()
        hunter.lookupClient = { account, base in
            guard account != caller.rawValue, let id = AccountID(rawValue: account) else { return base }
            return members.client(id, base: base)
        }
        return hunter
    }

    /// The command that contains this incident (shown in the report).
    func commandLine(for incident: Incidents.Incident) -> String {
        var words = ["rootguard", "respond"]
        if let detections { words += ["--detections", detections] }
        for log in logs { words += ["--logs", log] }
        words += ["--account", incident.account]
        if let since { words += ["--since", since] }
        if let approvals, let reason { words += ["--approvals", approvals, "--reason", reason] }
        if quarantine { words += ["--quarantine"] + allowPrincipals.flatMap { ["--allow-principal", $0] } }
        return words.map(Self.shellQuote).joined(separator: " ") + " --apply"
    }

    static func shellQuote(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@".contains($0) }
            ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func custodyLines(_ plan: CustodyPlan) -> [String] {
        ["root password: \(plan.passwordHolders.joined(separator: ", "))"]
            + plan.mfaDevices.map { "MFA \($0.name) (\($0.type)): \($0.holders.joined(separator: ", "))" }
            + [
                "root e-mail inbox (\(plan.emailInbox.group)): \(plan.emailInbox.holders.joined(separator: ", "))",
                "phone (\(plan.phone.group)): \(plan.phone.holders.joined(separator: ", "))",
            ]
    }

    /// `--offline`: the containment planned from the records alone, nothing confirmed.
    func planOffline(
        _ scope: IncidentResponse.Scope, custody: [String], now: Date
    ) -> ([IncidentReport], HardenOutcome, Int32) {
        var changes: [PlannedChange] = []
        var notes: [String] = [
            "offline: nothing was read from AWS, so no item is confirmed; run without --offline to confirm and contain"
        ]
        var reports: [IncidentReport] = []
        for incident in scope.incidents {
            let artifacts = scope.artifacts[incident.account] ?? []
            // Offline, whether root can be reached through a privileged session is not known.
            let plan = Containment.plan(artifacts, account: incident.account, root: .unknown)
            changes += plan.changes
            let people = plan.forPeople
            notes += people.map { "for a person: \(incident.account): \($0)" }
            let lines = Containment.ordered(artifacts).compactMap { artifact -> IncidentReport.Containment? in
                let steps = Containment.containment(of: artifact).changes
                guard !steps.isEmpty else { return nil }
                return .init(
                    title: artifact.summary, before: "not read (offline)",
                    step: "planned: " + steps.map { "\($0.service) \($0.action)" }.joined(separator: ", "),
                    after: nil)
            }
            reports.append(
                IncidentReport(
                    incident: incident, artifacts: artifacts, containment: lines, forPeople: people,
                    context: .init(
                        rootEmail: nil, securityContact: nil, custody: custody, memberWithRootSessions: false,
                        generatedAt: now, unreadable: ["offline: the account was not read"]),
                    mode: "offline", commands: [commandLine(for: incident)]))
        }
        let outcome = HardenOutcome(plan: HardenPlan(subcommand: "respond", changes: changes, notes: notes))
        return (reports, outcome, scope.incidents.isEmpty ? 0 : 2)
    }
}
