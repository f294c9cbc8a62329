import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardTrail

/// `rootguard trail`: hunt and triage root activity in CloudTrail.
struct Trail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hunt root-user activity in CloudTrail logs and tell approved use from the rest.",
        discussion: """
            SOURCES: files or directories (recursive; .json, .json.gz, .jsonl; digests skipped), s3://bucket/prefix, \
            'lookup' (CloudTrail event history, every enabled region, last 90 days) or '-' (standard input).
            Exit codes: 0 nothing unexpected, 3 unexpected root activity found, 4 some input could not be read \
            (3 wins over 4), 1 error, 64 bad usage.
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

    @Option(name: .customLong("account"), help: "Only this account (repeatable).")
    var accounts: [String] = []

    @Option(name: .customLong("region"), help: "Only this region (repeatable); for 'lookup', the regions to query.")
    var regions: [String] = []

    @Option(help: "YAML file of approved root-use windows; matching detections are marked expected.")
    var approvals: String?

    @Flag(help: "Also report AWS service events and calls made by a service on root's behalf (CIS leaves them out).")
    var includeServiceEvents = false

    @Option(help: "table (default), jsonl (one object per detection) or json (the whole report).")
    var output: OutputFormat = .table

    @Option(help: "Threads reading local files (default: the number of cores); objects read at once from S3.")
    var jobs: Int?

    @Flag(help: "Print files, bytes, records and the scan rate to stderr.")
    var stats = false

    @Flag(help: "No progress bar (it is shown only when stderr is a terminal).")
    var noProgress = false

    @Option(help: "Failed root sign-ins of an account at most this many minutes apart form a burst.")
    var burstWindow: Double = 15

    @Option(help: "Report a burst from this many failed sign-ins.")
    var burstThreshold: Int = 5

    @Option(help: "The named AWS profile (for s3:// and lookup).")
    var profile: String?

    @Option(help: "Send every AWS request to this URL (e.g. http://127.0.0.1:5000 for moto).")
    var endpointURL: String?

    @Option(help: "Region of the AWS client (for s3:// buckets; default from the environment or profile).")
    var clientRegion: String?

    @Flag(help: "Log every AWS request and response to stderr (credentials redacted).")
    var debug = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, jsonl, json
    }

    func validate() throws {
        if sources.isEmpty {
            throw ValidationError("give at least one source: a path, s3://bucket/prefix, lookup or -")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if burstThreshold < 2 { throw ValidationError("--burst-threshold must be at least 2") }
        if burstWindow <= 0 { throw ValidationError("--burst-window must be positive") }
        for account in accounts where !(account.count == 12 && account.allSatisfy(\.isNumber)) {
            throw ValidationError("--account must be a 12-digit account ID: \(account)")
        }
        for source in sources where source.hasPrefix("s3://") && TrailHunter.parseS3URI(source) == nil {
            throw ValidationError("not an S3 URI (s3://bucket/prefix): \(source)")
        }
    }

    func run() async throws {
        let now = Date()
        let filter: TrailFilter
        var options = TrailAnalysisOptions()
        do {
            filter = TrailFilter(
                since: try since.map { try Self.parseTime($0, now: now, flag: "--since") },
                until: try until.map { try Self.parseTime($0, now: now, flag: "--until") }, accounts: Set(accounts),
                regions: Set(regions))
            if let approvals { options.approvals = try ApprovalsFile.load(approvals) }
        } catch let error as ApprovalsFile.LoadError {
            Self.fail(error.description)
        } catch let error as ValidationError {
            Self.fail(error.message)
        }
        options.includeServiceEvents = includeServiceEvents
        options.burstThreshold = burstThreshold
        options.burstWindow = burstWindow * 60

        let started = Date()
        let progress = ProgressLine(enabled: !noProgress && isatty(STDERR_FILENO) != 0)
        var scan = ScanOutput()
        var local: [String] = []
        for source in sources {
            if source == "-" {
                let scanner = TrailBufferScanner(filter: filter)
                scanner.scanStream(name: "stdin", into: &scan) { buffer in
                    let n = read(STDIN_FILENO, buffer.baseAddress, buffer.count)
                    if n < 0 { throw POSIXError(.EIO) }
                    return n
                }
            } else if let (bucket, prefix) = TrailHunter.parseS3URI(source) {
                let result = await withHunter(filter) { hunter in
                    await hunter.scanS3(bucket: bucket, prefix: prefix) { progress.update(bytes: $0, total: nil) }
                }
                scan.merge(result)
            } else if source == "lookup" {
                let result = await withHunter(filter) { hunter in
                    let regions = self.regions.isEmpty ? await hunter.enabledRegions() : self.regions
                    return await hunter.scanLookup(regions: regions)
                }
                scan.merge(result)
            } else {
                local.append(source)
            }
        }
        if !local.isEmpty {
            var problems: [InputProblem] = []
            let files = LocalScan.files(under: local, filter: filter, problems: &problems)
            scan.problems += problems
            scan.stats.problems += problems.count
            let total = files.reduce(0) { $0 + $1.size }
            let threads = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            scan.merge(
                LocalScan.scan(files: files.map(\.path), jobs: threads, filter: filter) {
                    progress.update(bytes: $0, total: total)
                })
        }
        progress.clear()
        scan.stats.seconds = Date().timeIntervalSince(started)

        let report = TrailAnalysis.analyse(scan, options: options)
        for problem in report.problems {
            FileHandle.standardError.write(Data("rootguard: \(problem.input): \(problem.message)\n".utf8))
        }
        switch output {
        case .table: print(TrailTable.render(report, color: Terminal.useColor), terminator: "")
        case .jsonl:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for detection in report.detections {
                print(String(decoding: try encoder.encode(detection), as: UTF8.self))
            }
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(TrailJSON(report: report)), as: UTF8.self))
        }
        if stats { FileHandle.standardError.write(Data(TrailTable.stats(report).utf8)) }
        if !report.unexpected.isEmpty { throw ExitCode(3) }
        if !report.problems.isEmpty { throw ExitCode(4) }
    }

    private func withHunter(_ filter: TrailFilter, _ body: (TrailHunter) async -> ScanOutput) async -> ScanOutput {
        let options = AWSCommandLineOptions(
            profile: profile, region: clientRegion, endpointURL: endpointURL, maxAttempts: nil, timeoutSeconds: nil)
        do {
            return try await GlobalOptions.withClient(options, debug: debug) { client in
                await body(TrailHunter(client: client, filter: filter, concurrency: jobs ?? 8))
            }
        } catch {
            var output = ScanOutput()
            output.problems.append(InputProblem(input: "AWS", message: "\(error)"))
            output.stats.problems += 1
            return output
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(1)
    }

    /// ISO 8601 date or time, or a duration before now: 90d, 12h, 30m.
    static func parseTime(_ text: String, now: Date, flag: String) throws -> Date {
        if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 {
            let seconds: Double? =
                switch unit {
                case "d": 86_400
                case "h": 3_600
                case "m": 60
                case "s": 1
                default: nil
                }
            if let seconds { return now.addingTimeInterval(-amount * seconds) }
        }
        if let time = CloudTrailTime.parse(text) { return time }
        if let day = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return day }
        throw ValidationError("\(flag): not a time (2026-11-01, 2026-11-01T10:00:00Z, 7d, 12h): \(text)")
    }
}

/// The `--output json` document.
struct TrailJSON: Encodable {
    var summary: Summary
    var accounts: [AccountActivity]
    var detections: [Detection]
    var problems: [InputProblem]
    var stats: ScanStats

    struct Summary: Encodable {
        var detections: Int
        var unexpected: Int
        var accounts: Int
        var byDetection: [String: Int]
        var inputsWithProblems: Int
        var inflater: String
    }

    init(report: TrailReport) {
        summary = Summary(
            detections: report.detections.count, unexpected: report.unexpected.count, accounts: report.accounts.count,
            byDetection: Dictionary(grouping: report.detections, by: \.detection).mapValues(\.count),
            inputsWithProblems: Set(report.problems.map(\.input)).count, inflater: report.inflater)
        accounts = report.accounts
        detections = report.detections
        problems = report.problems
        stats = report.stats
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
        let rate = Double(bytes) / max(now.timeIntervalSince(started), 0.001) / 1e6
        var line = String(format: "scanning %.0f MB read, %.0f MB/s", Double(bytes) / 1e6, rate)
        if let total, total > 0 {
            let fraction = min(1, Double(bytes) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line =
                "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                + String(format: "%3.0f%% ", fraction * 100) + line
        }
        FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
        drawn = true
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
