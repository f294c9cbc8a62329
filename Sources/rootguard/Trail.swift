import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardFiles
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `rootguard trail`: hunt and triage root activity in CloudTrail.
struct Trail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trail", _superCommandName: "rootguard",
        abstract: "Hunt root-user activity in CloudTrail logs and tell approved use from the rest.",
        discussion: """
            SOURCES: files or directories (recursive; .json, .json.gz, .jsonl; digests skipped), s3://bucket/prefix, \
            'lookup' (CloudTrail event history, every enabled region, last 90 days) or '-' (standard input).
            Exit codes: 0 nothing unexpected, 3 unexpected root activity found, 4 some input could not be read \
            (3 wins over 4), 1 error, 64 bad usage. `rootguard trail athena --help`: the same hunt as SQL on Athena.
            """)

    @Argument(help: "Where to read CloudTrail records (see below).")
    var sources: [String] = []

    @Option(
        help:
            "Only records at or after this time: ISO 8601 (2026-11-01, 2026-11-01T10:00:00Z) or relative (7d, 12h, 30m)."
    )
    var since: String?

    @Option(help: "Only records at or before this time (same forms as --since).")
    var until: String?

    @Option(
        name: .customLong("account"), help: "Only this account, 12 digits (repeatable).",
        transform: AccountID.argument)
    var accounts: [AccountID] = []

    @Option(name: .customLong("region"), help: "Only this region (repeatable); for 'lookup', the regions to query.")
    var regions: [String] = []

    @OptionGroup var analysis: TrailAnalysisArguments

    @Option(
        help:
            "table (default), jsonl (one object per detection), json (the whole report), ocsf (Detection Findings), asff, csv or html."
    )
    var output: TrailFormat = .table

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var outputFile: String?

    @Flag(help: "Also send the detections to Security Hub (ASFF, BatchImportFindings) in the client's region.")
    var importToSecurityhub = false

    @Option(help: "Threads reading local files (default: the number of cores); objects read at once from S3.")
    var jobs: Int?

    @Flag(help: "Print files, bytes, records and the scan rate to stderr.")
    var stats = false

    @Flag(help: "No progress bar (it is shown only when stderr is a terminal).")
    var noProgress = false

    @OptionGroup(title: "AWS (for s3:// and lookup)") var aws: AWSConnectionOptions

    @Option(help: "Region of the AWS client (for s3:// buckets; default from the environment or profile).")
    var clientRegion: String?

    func validate() throws {
        if sources.isEmpty {
            throw ValidationError("give at least one source: a path, s3://bucket/prefix, lookup or -")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        for region in regions { try ValueArguments.checkRegion(region, flag: "--region") }
        do {
            _ = try typedSources()
            _ = try filter(now: Date())
        } catch let error as TrailSource.Invalid {
            throw ValidationError(error.description)
        } catch let error as TimeArgument.Invalid {
            throw ValidationError(error.description)
        }
    }

    func typedSources() throws -> [TrailSource] {
        try sources.map { try TrailSource.parse($0, lookupRegions: regions) }
    }

    func filter(now: Date) throws -> TrailFilter {
        TrailFilter(
            since: try since.map { try TimeArgument.parse($0, now: now, flag: "--since") },
            until: try until.map { try TimeArgument.parse($0, now: now, flag: "--until") }, accounts: Set(accounts),
            regions: Set(regions))
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let analysis = try self.analysis.options()
            if let outputFile { _ = try OutputFile.check(outputFile) }
            let progress = ProgressLine(enabled: !noProgress && isatty(STDERR_FILENO) != 0)
            let options = TrailHuntOptions(
                filter: try filter(now: Date()), analysis: analysis, jobs: jobs,
                progress: { progress.update(bytes: $0, total: $1) })
            let report = await TrailHunter(makeClient: aws.clientFactory(region: clientRegion))
                .hunt(try typedSources(), options: options)
            progress.clear()
            Output.stderr(TrailTableRenderer.problems(report))
            let makeClient = aws.clientFactory(region: clientRegion)
            // Findings name the region their Security Hub client imports into: the client's own.
            let region = aws.resolvedRegion(clientRegion)
            let context = TrailRenderContext(
                region: region.rawValue, partition: region.partition.name, generatedAt: Date(),
                color: outputFile == nil && Output.useColor)
            try ReportOutput.write(report, format: output, context: context, to: outputFile)
            if stats { Output.stderr(TrailTableRenderer.stats(report)) }
            code = report.exitCode
            if importToSecurityhub {
                let findings = ASFFRenderer.trail(
                    report, generatedAt: context.generatedAt, partition: context.partition, region: context.region)
                if try await !SecurityHubImportCommand.run(findings, makeClient: makeClient) { code = 1 }
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// How detections are triaged, shared by `trail` and `trail athena`.
struct TrailAnalysisArguments: ParsableArguments {
    @Option(help: "YAML file of approved root-use windows; matching detections are marked expected.")
    var approvals: String?

    @Flag(help: "Also report AWS service events and calls made by a service on root's behalf (CIS leaves them out).")
    var includeServiceEvents = false

    @Option(help: "Failed root sign-ins of an account at most this many minutes apart form a burst.")
    var burstWindow: Double = 15

    @Option(help: "Report a burst from this many failed sign-ins.")
    var burstThreshold: Int = 5

    func validate() throws {
        if burstThreshold < 2 { throw ValidationError("--burst-threshold must be at least 2") }
        if burstWindow <= 0 || !burstWindow.isFinite { throw ValidationError("--burst-window must be positive") }
    }

    /// The options, with the approvals file read and checked.
    func options() throws -> TrailAnalysisOptions {
        var analysis = TrailAnalysisOptions()
        analysis.includeServiceEvents = includeServiceEvents
        analysis.burstThreshold = burstThreshold
        analysis.burstWindow = burstWindow * 60
        if let approvals { analysis.approvals = try ApprovalsFile.load(approvals) }
        return analysis
    }
}

/// A one-line progress display on stderr, redrawn at most ten times a second.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast
    private let started = Date()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(bytes: Int, total: Int?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        Output.stderr("\r" + ProgressRenderer.line(bytes: bytes, total: total, seconds: now.timeIntervalSince(started)))
        drawn = true
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { Output.stderr("\r\u{1B}[K") }
    }
}
