import ArgumentParser
import Foundation
import RootGuard
import RootGuardCollect
import RootGuardCompliance
import RootGuardFiles
import RootGuardModel
import RootGuardReport

/// `rootguard audit`: the root user's posture in one account, or in a whole organization.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit the root user's posture of one account (or of a saved snapshot, offline).",
        discussion: """
            Without --snapshot or --example, collects facts from AWS with the configured credentials (read-only).
            Unknown is not pass: with --fail-on, a finding at or above the severity that is NOT_EVALUATED because its \
            data could not be read fails the gate too (its reason on stderr) unless --allow-not-evaluated; findings out \
            of this command's scope (ROOT-BP 14/15 outside --org, practices without a check) never do.
            Exit codes: 0 done (nothing at or above --fail-on), 1 error, 2 a FAIL or an unreadable NOT_EVALUATED at or \
            above --fail-on, or a regression against --baseline (a new FAIL, or coverage lost), 64 usage.
            """)

    @OptionGroup(title: "AWS") var global: GlobalOptions
    @OptionGroup(title: "Snapshots") var snapshots: SnapshotOptions
    @OptionGroup(title: "Evaluation") var evaluation: EvaluationOptions
    @OptionGroup(title: "Monitoring (ROOT-BP 16-20)") var monitoring: MonitoringOptions
    @OptionGroup(title: "Organization") var organization: OrganizationOptions

    @Option(help: "Output format: text, json, sarif, ocsf, asff, junit, csv or html.")
    var output: AuditFormat = .text

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var outputFile: String?

    @Option(help: "A previous report (--output json): print what changed after the report; exit 2 on a new FAIL.")
    var baseline: String?

    @Flag(help: "Also send the findings to Security Hub (ASFF, BatchImportFindings) in the client's region.")
    var importToSecurityhub = false

    @Option(
        help:
            "Exit with 2 when a FAIL (or a finding whose data could not be read) at or above this severity exists: critical, high, medium, low, info."
    )
    var failOn: Severity?

    @Flag(help: "With --fail-on: accept findings that are NOT_EVALUATED because their data could not be read.")
    var allowNotEvaluated = false

    @Flag(help: "With --baseline: report coverage lost (judged before, not evaluated now) without failing on it.")
    var allowCoverageLoss = false

    @Flag(help: "Show the remediation of passing findings too.")
    var verbose = false

    func validate() throws {
        if organization.org && snapshots.example != nil {
            throw ValidationError("--example is a single account; it cannot be used with --org")
        }
        if snapshots.snapshot != nil && snapshots.saveSnapshot != nil {
            throw ValidationError("use either --snapshot or --save-snapshot")
        }
        if snapshots.snapshot != nil && snapshots.example != nil {
            throw ValidationError("use either --snapshot or --example, not both")
        }
        try validateRegionList(monitoring.regions.map(splitRegionList), global: global)
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let settings = try evaluation.settings(asOf: snapshots.asOfDate())
            let baselineReport = try baseline.map(ReportFile.load)
            // Every input file is read and checked before the first AWS call: a typo must not cost a whole collection.
            if let attestations = evaluation.attestations { _ = try AttestationsFile.load(attestations) }
            if let outputFile { _ = try OutputFile.check(outputFile) }
            let report: ReportV1
            let context: AuditReportContext
            if organization.org {
                let showProgress = isatty(STDERR_FILENO) != 0
                let audit = try await Auditor.auditOrganization(
                    snapshotPath: snapshots.snapshot, collection: monitoring.collection,
                    access: organization.access, concurrency: organization.concurrency,
                    memberTimeout: organization.memberTimeout, settings: settings, saveSnapshot: snapshots.saveSnapshot,
                    approver: organization.approvals.map {
                        ApprovalRecorder(path: $0, reason: organization.reason ?? "", ticket: nil)
                    },
                    progress: { done, total in
                        guard showProgress else { return }
                        Output.stderr("\r  audited \(done)/\(total) member accounts" + (done == total ? "\n" : ""))
                    }, makeClient: global.makeClient)
                report = audit.report
                if organization.stats { Output.stderr(audit.statisticsLine(concurrency: organization.concurrency)) }
                let management = audit.organization.management.account
                context = AuditReportContext(
                    partition: management.partition, region: management.region,
                    subject: "organization \(audit.organization.organizationID)", organization: audit.organization)
                try ReportOutput.write(
                    try Render.render(report, format: output, context: context) {
                        OrganizationMatrixRenderer.render(report, organization: audit.organization)
                    }, to: outputFile)
            } else {
                let source: AuditSource =
                    if let path = snapshots.snapshot {
                        .snapshot(path: path)
                    } else if let example = snapshots.example {
                        .example(example)
                    } else {
                        .live(monitoring.collection)
                    }
                let progress = CallProgress("collecting")
                if case .live = source { progress.start() }
                let audit: AccountAudit
                do {
                    defer { progress.stop() }
                    audit = try await Auditor.audit(
                        source, settings: settings, saveSnapshot: snapshots.saveSnapshot,
                        makeClient: progress.wrap(global.makeClient))
                }
                report = audit.report
                let account = audit.snapshot.account
                context = AuditReportContext(
                    partition: account.partition, region: account.region, subject: "account \(account.accountID)")
                try ReportOutput.write(
                    try Render.render(report, format: output, context: context) {
                        TerminalReportRenderer(color: outputFile == nil && Output.useColor, verbose: verbose) {
                            Practices.title($0)
                        }
                        .render(
                            report,
                            header: .init(
                                accountID: account.accountID, partition: account.partition, source: audit.source,
                                collectedAt: audit.snapshot.collectedAt))
                    }, to: outputFile)
            }
            code = report.exitCode(failOn: failOn, allowNotEvaluated: allowNotEvaluated)
            if let failOn {
                Output.stderr(Self.unreadableGate(report, failOn: failOn, allowed: allowNotEvaluated))
            } else {
                Output.stderr(Self.unreadableNote(report))
            }
            if let baselineReport {
                if let why = ReportDiff.mismatch(old: baselineReport, new: report) {
                    throw ReportMismatch(description: "--baseline: \(why)")
                }
                let diff = ReportDiff(old: baselineReport, new: report, allowCoverageLoss: allowCoverageLoss)
                // After a text report on stdout; beside a machine format, on stderr so the document stays valid.
                if output == .text && outputFile == nil {
                    try Output.stdout("\n" + DiffRenderer.text(diff))
                } else {
                    Output.stderr(DiffRenderer.text(diff))
                }
                if diff.exitCode != 0 { code = diff.exitCode }
            }
            if importToSecurityhub {
                let findings = ASFFRenderer.audit(report, context: context)
                if try await !SecurityHubImportCommand.run(findings, makeClient: global.makeClient) { code = 1 }
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

extension Audit {
    /// The gate's word on findings it could not judge: why it fails (or that they were accepted), naming them.
    static func unreadableGate(_ report: ReportV1, failOn: Severity, allowed: Bool) -> String {
        let unknown = report.unreadable(atOrAbove: failOn)
        guard !unknown.isEmpty else { return "" }
        let ids = Array(Set(unknown.map(\.checkId.rawValue))).sorted()
        let named = ids.prefix(8).joined(separator: ", ") + (ids.count > 8 ? ", …" : "")
        let what =
            "\(plural(unknown.count, "finding")) at or above \(failOn.rawValue) could not be evaluated because their data could not be read (\(named))"
        return allowed
            ? "fail-on: \(what); accepted with --allow-not-evaluated\n"
            : "fail-on: \(what): unknown is not a pass, the gate fails (each reason is in the report; --allow-not-evaluated accepts them)\n"
    }
}

extension Audit {
    /// Without a gate, still one line when findings could not read their data: the exit code alone (0) must not read
    /// as "everything was checked".
    static func unreadableNote(_ report: ReportV1) -> String {
        let unknown = report.findings.filter(\.isUnreadable)
        guard !unknown.isEmpty else { return "" }
        let ids = Array(Set(unknown.map(\.checkId.rawValue))).sorted()
        let named = ids.prefix(8).joined(separator: ", ") + (ids.count > 8 ? ", …" : "")
        return
            "note: \(plural(unknown.count, "finding")) could not be evaluated because their data could not be read (\(named)); unknown is not a pass — each reason is in the report, and --fail-on SEVERITY makes them fail the run\n"
    }
}

/// Where the facts come from and go to.
struct SnapshotOptions: ParsableArguments {
    @Option(help: "Evaluate a snapshot saved with --save-snapshot instead of calling AWS.")
    var snapshot: String?

    @Option(help: "Evaluate a bundled example snapshot: insecure or hardened (no AWS needed).")
    var example: SnapshotFile.Example?

    @Option(help: "Write the collected snapshot to this file (JSON) for later offline evaluation.")
    var saveSnapshot: String?

    @Option(
        help:
            "Evaluate as of this time (2026-11-21, 2026-11-21T00:00:00Z or 30d ago). Default: now for a live audit, the collection time for a snapshot."
    )
    var asOf: String?

    func validate() throws { _ = try asOfDate() }

    func asOfDate() throws -> Date? {
        do {
            return try asOf.map { try TimeArgument.parse($0, now: Date(), flag: "--as-of") }
        } catch let error as TimeArgument.Invalid {
            throw ValidationError(error.description)
        }
    }
}

extension SnapshotFile.Example: ExpressibleByArgument {}

/// What the checks are judged against.
struct EvaluationOptions: ParsableArguments {
    @Option(help: "YAML file of attestations for what no API can see (see Examples/attestations.yaml).")
    var attestations: String?

    @Option(help: "Root use within this many days fails ROOT-BP 05.")
    var rootUsageWindow: Int = 90

    @Option(help: "A domain the organisation owns (repeatable); root e-mails must be on one of them.")
    var companyDomain: [String] = []

    @Option(help: "An extra consumer e-mail domain to treat as free-mail (repeatable).")
    var freeMailDomain: [String] = []

    @Option(help: "A regular expression for local parts that look like a person (repeatable; replaces the defaults).")
    var personalEmailPattern: [String] = []

    @Option(help: "A word that marks a group e-mail address, e.g. 'cloudteam' (repeatable; added to the defaults).")
    var groupEmailKeyword: [String] = []

    @Option(help: "The root e-mail address, when no API can show it (standalone accounts).")
    var rootEmail: String?

    func validate() throws {
        if rootUsageWindow < 1 { throw ValidationError("--root-usage-window must be at least 1 day") }
        for pattern in personalEmailPattern where (try? NSRegularExpression(pattern: pattern)) == nil {
            throw ValidationError("--personal-email-pattern '\(pattern)' is not a valid regular expression")
        }
    }

    func settings(asOf: Date?) throws -> EvaluationSettings {
        var settings = EvaluationSettings()
        settings.asOf = asOf
        settings.rootUsageWindowDays = rootUsageWindow
        settings.attestationsPath = attestations
        settings.companyDomains = companyDomain
        settings.extraFreeMailDomains = freeMailDomain
        settings.personalPatterns = personalEmailPattern
        settings.groupKeywords = groupEmailKeyword
        settings.rootEmail = rootEmail
        return settings
    }
}

/// How a live audit collects.
struct MonitoringOptions: ParsableArguments {
    @Option(
        help:
            "Regions for the monitoring checks, comma-separated (default: every enabled region, from account:ListRegions)."
    )
    var regions: String?

    @Flag(help: "Skip the monitoring checks (CloudTrail, alarms, EventBridge, GuardDuty, Config, Security Hub).")
    var noMonitoring = false

    @Flag(
        help:
            "Also ask AWS to evaluate the root patterns (logs:TestMetricFilter, events:TestEventPattern) and report any disagreement with rootguard's engine."
    )
    var prove = false

    @Option(help: "Seconds to wait for IAM to generate the credential report.")
    var reportWait: Int = 120

    func validate() throws {
        if reportWait < 1 { throw ValidationError("--report-wait must be at least 1 second") }
    }

    var collection: AuditCollection {
        AuditCollection(
            reportWait: .seconds(reportWait), monitoring: !noMonitoring,
            regions: regions?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, prove: prove)
    }
}

/// `--org` and how members are reached.
struct OrganizationOptions: ParsableArguments {
    @Flag(help: "Audit the whole organization (from the management account or IAM's delegated administrator).")
    var org = false

    @Option(
        help:
            "With --org: how to reach members: assume-role (full member audits) or assume-root (root credentials and SCPs only)."
    )
    var via: Via = .assumeRole

    @Option(help: "With --org --via assume-role: the role to assume in each member.")
    var role = "OrganizationAccountAccessRole"

    @Option(help: "With --org: member accounts audited at once.")
    var concurrency = 16

    @Option(
        help:
            "With --org: seconds one member's audit may take; a member still unanswered then is reported not evaluated and the others go on."
    )
    var memberTimeout: Double = 300

    @Flag(
        help:
            "With --org: print to stderr what the run cost and what bounded it: members, AWS calls and requests (per member), retries, throttling, timeouts, the most requests in flight, wall time."
    )
    var stats = false

    @Option(
        help:
            "With --org: the approvals file each member's privileged audit session (IAMAuditRootUserCredentials) is approved in before it starts, so a later hunt sees them as expected (with --reason)."
    )
    var approvals: String?

    @Option(help: "With --org and --approvals: why the audit sessions are started (written into each approval).")
    var reason: String?

    enum Via: String, ExpressibleByArgument, CaseIterable {
        case assumeRole = "assume-role"
        case assumeRoot = "assume-root"
    }

    func validate() throws {
        if concurrency < 1 || concurrency > 256 { throw ValidationError("--concurrency must be between 1 and 256") }
        if !(memberTimeout > 0) { throw ValidationError("--member-timeout must be a positive number of seconds") }
        if (approvals == nil) != (reason == nil) { throw ValidationError("--approvals and --reason go together") }
        if let approvals {
            if !org { throw ValidationError("--approvals is for --org (the members' privileged audit sessions)") }
            try ApprovalRecorder.validate(approvals)
        }
    }

    var access: OrganizationCollector.Access { via == .assumeRoot ? .assumeRoot : .assumeRole(role) }
}
