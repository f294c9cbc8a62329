import ArgumentParser
import Foundation
import RootGuard
import RootGuardCollect
import RootGuardCompliance
import RootGuardModel
import RootGuardReport

/// `rootguard audit`: the root user's posture in one account.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit the root user's posture of one account (or of a saved snapshot, offline).",
        discussion: """
            Without --snapshot or --example, collects facts from AWS with the configured credentials (read-only).
            Exit codes: 0 done (no FAIL at or above --fail-on), 1 error, 2 a FAIL at or above --fail-on.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Evaluate a snapshot saved with --save-snapshot instead of calling AWS.")
    var snapshot: String?

    @Option(help: "Evaluate a bundled example snapshot: insecure or hardened (no AWS needed).")
    var example: String?

    @Option(help: "Write the collected snapshot to this file (JSON) for later offline evaluation.")
    var saveSnapshot: String?

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(help: "Exit with 2 when a FAIL at or above this severity exists: critical, high, medium, low, info.")
    var failOn: Severity?

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

    @Flag(help: "Audit the whole organization (from the management account or IAM's delegated administrator).")
    var org = false

    @Option(
        help:
            "With --org: how to reach members: assume-role (full member audits) or assume-root (root credentials and SCPs only)."
    )
    var via: OrgAccess = .assumeRole

    @Option(help: "With --org --via assume-role: the role to assume in each member.")
    var role = "OrganizationAccountAccessRole"

    @Option(help: "With --org: member accounts audited at once.")
    var concurrency = 16

    @Option(help: "Seconds to wait for IAM to generate the credential report.")
    var reportWait: Int = 120

    @Option(
        help: "Evaluate as of this time (ISO 8601). Default: now for a live audit, the collection time for a snapshot.")
    var asOf: String?

    @Flag(help: "Show the remediation of passing findings too.")
    var verbose = false

    enum OrgAccess: String, ExpressibleByArgument, CaseIterable {
        case assumeRole = "assume-role"
        case assumeRoot = "assume-root"
    }

    func validate() throws {
        if org && example != nil {
            throw ValidationError("--example is a single account; it cannot be used with --org")
        }
        if snapshot != nil && saveSnapshot != nil { throw ValidationError("use either --snapshot or --save-snapshot") }
        if concurrency < 1 || concurrency > 256 { throw ValidationError("--concurrency must be between 1 and 256") }
        if snapshot != nil && example != nil { throw ValidationError("use either --snapshot or --example, not both") }
        if let example, !SnapshotFile.exampleNames.contains(example) {
            throw ValidationError("--example must be one of: \(SnapshotFile.exampleNames.joined(separator: ", "))")
        }
        if rootUsageWindow < 1 { throw ValidationError("--root-usage-window must be at least 1 day") }
        if reportWait < 1 { throw ValidationError("--report-wait must be at least 1 second") }
        for pattern in personalEmailPattern where (try? NSRegularExpression(pattern: pattern)) == nil {
            throw ValidationError("--personal-email-pattern '\(pattern)' is not a valid regular expression")
        }
        if let asOf, ISO8601DateFormatter().date(from: asOf) == nil {
            throw ValidationError("--as-of must be an ISO 8601 time such as 2026-11-21T00:00:00Z")
        }
    }

    func run() async throws {
        if org { return try await runOrganization() }
        var code: Int32 = 0
        try await runReportingErrors {
            let source: String
            let snapshot: Snapshot
            var evaluationTime = Date()
            if let path = self.snapshot {
                snapshot = try SnapshotFile.load(path)
                source = "snapshot \(path)"
                evaluationTime = snapshot.collectedAt
            } else if let example {
                snapshot = try SnapshotFile.example(example)
                source = "bundled example '\(example)'"
                evaluationTime = snapshot.collectedAt
            } else {
                snapshot = try await global.withClient { client in
                    try await Auditor.collect(
                        client: client, reportWait: .seconds(reportWait), monitoring: !noMonitoring,
                        regions: regions?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                        prove: prove)
                }
                source = "live (\(snapshot.account.callerARN))"
            }
            if let saveSnapshot { try SnapshotFile.save(snapshot, to: saveSnapshot) }
            let context = EvaluationContext(
                now: asOf.flatMap { ISO8601DateFormatter().date(from: $0) } ?? evaluationTime,
                rootUsageWindowDays: rootUsageWindow,
                attestations: try attestations.map(AttestationsFile.load),
                emailPolicy: EmailPolicy(
                    companyDomains: companyDomain, freeMailDomains: Set(freeMailDomain.map { $0.lowercased() }),
                    personalPatterns: personalEmailPattern.isEmpty
                        ? EmailPolicy.defaultPersonalPatterns : personalEmailPattern,
                    groupKeywords: EmailPolicy.defaultGroupKeywords + groupEmailKeyword.map { $0.lowercased() }),
                rootEmailOverride: rootEmail)
            let report = Auditor.evaluate(snapshot, context: context)
            switch output {
            case .json:
                print(try JSONReportRenderer.render(report))
            case .text:
                let renderer = TerminalReportRenderer(color: Terminal.useColor, verbose: verbose) {
                    Practices.title($0)
                }
                print(
                    renderer.render(
                        report,
                        header: .init(
                            accountID: snapshot.account.accountID, partition: snapshot.account.partition,
                            source: source,
                            collectedAt: snapshot.collectedAt)),
                    terminator: "")
            }
            code = Auditor.exitCode(for: report, failOn: failOn)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

extension Severity: ExpressibleByArgument {}

enum Terminal {
    /// Colour only on a terminal, and never under NO_COLOR.
    static var useColor: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }
}

extension Audit {
    var context: EvaluationContext {
        get throws {
            EvaluationContext(
                now: asOf.flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date(),
                rootUsageWindowDays: rootUsageWindow,
                attestations: try attestations.map(AttestationsFile.load),
                emailPolicy: EmailPolicy(
                    companyDomains: companyDomain, freeMailDomains: Set(freeMailDomain.map { $0.lowercased() }),
                    personalPatterns: personalEmailPattern.isEmpty
                        ? EmailPolicy.defaultPersonalPatterns : personalEmailPattern,
                    groupKeywords: EmailPolicy.defaultGroupKeywords + groupEmailKeyword.map { $0.lowercased() }),
                rootEmailOverride: rootEmail)
        }
    }

    func runOrganization() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let organization: OrganizationSnapshot
            if let path = snapshot {
                organization = try SnapshotFile.loadOrganization(path)
            } else {
                organization = try await collectOrganization()
            }
            if let saveSnapshot { try SnapshotFile.save(organization, to: saveSnapshot) }
            // Offline, the organization is judged as of its collection time unless --as-of says otherwise.
            var context = try context
            if snapshot != nil, asOf == nil { context.now = organization.management.collectedAt }
            let report = Auditor.evaluate(organization, context: context)
            switch output {
            case .json: print(try JSONReportRenderer.render(report))
            case .text: print(OrganizationSummary.render(report, organization: organization), terminator: "")
            }
            code = Auditor.exitCode(for: report, failOn: failOn)
        }
        if code != 0 { throw ExitCode(code) }
    }

    func collectOrganization() async throws -> OrganizationSnapshot {
        try await global.withClient { client in
            let management = try await Auditor.collect(
                client: client, reportWait: .seconds(reportWait), monitoring: !noMonitoring,
                regions: regions?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let showProgress = isatty(STDERR_FILENO) != 0
            return try await OrganizationCollector(
                client: client, access: via == .assumeRoot ? .assumeRoot : .assumeRole(role),
                concurrency: concurrency,
                toolVersion: Auditor.version,
                progress: { done, total in
                    guard showProgress else { return }
                    FileHandle.standardError.write(Data("\r  audited \(done)/\(total) member accounts".utf8))
                    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                }
            ).collect(management: management)
        }
    }
}

/// The organization summary: one row per account, one column per practice, the worst status in each cell.
enum OrganizationSummary {
    static func render(_ report: ReportV1, organization: OrganizationSnapshot) -> String {
        let practices = ["01", "02", "03", "05", "09", "13", "14", "15", "16", "17"]
        let accounts = [organization.management.account.accountID] + organization.members.map(\.accountID)
        let names = Dictionary(uniqueKeysWithValues: organization.members.map { ($0.accountID, $0.name) })
        var out = "rootguard audit --org · \(organization.organizationID) · \(accounts.count) accounts\n\n"
        out += "account       name                " + practices.map { "  \($0)" }.joined() + "   FAIL\n"
        for account in accounts {
            let findings = report.findings.filter { $0.accountId == account }
            let name = account == organization.management.account.accountID ? "(management)" : (names[account] ?? "")
            var row = account.padding(toLength: 14, withPad: " ", startingAt: 0)
            row += String(name.prefix(18)).padding(toLength: 20, withPad: " ", startingAt: 0)
            for practice in practices {
                let statuses = findings.filter { $0.compliance["ROOT-BP"]?.contains(practice) == true }.map(\.status)
                let cell: String =
                    statuses.contains(.fail)
                    ? "F"
                    : statuses.contains(.notEvaluated)
                        ? "?"
                        : statuses.contains(.manual)
                            ? "M"
                            : statuses.contains(.pass) ? "." : "-"
                row += "   \(cell)"
            }
            row += String(findings.filter { $0.status == .fail }.count).leftPadded(7)
            out += row + "\n"
        }
        out += "\n. pass   F fail   M manual   ? not evaluated   - not applicable or not audited\n"
        out += "Every finding, per account: --output json\n"
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
