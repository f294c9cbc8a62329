import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardModel
import RootGuardTrail

/// Where `rootguard trail` reads CloudTrail records.
public enum TrailSource: Sendable, Hashable, CustomStringConvertible {
    /// A file or a folder (recursive).
    case path(String)
    /// Log files under a bucket prefix.
    case s3(bucket: String, prefix: String)
    /// CloudTrail event history (LookupEvents); nil regions: every enabled region.
    case lookup(regions: [String]?)
    /// Standard input, streamed.
    case stdin

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// `-`, `lookup`, `s3://bucket/prefix`, or a path. `lookupRegions` are the regions `lookup` queries.
    public static func parse(_ text: String, lookupRegions: [String] = []) throws -> TrailSource {
        if text == "-" { return .stdin }
        if text == "lookup" { return .lookup(regions: lookupRegions.isEmpty ? nil : lookupRegions) }
        if text.hasPrefix("s3://") {
            let rest = text.dropFirst(5)
            let bucket = rest.prefix { $0 != "/" }
            guard !bucket.isEmpty else {
                throw Invalid(description: "not an S3 URI (s3://bucket/prefix): \(TerminalSafe.escape(text))")
            }
            var prefix = String(rest.dropFirst(bucket.count))
            if prefix.hasPrefix("/") { prefix.removeFirst() }
            return .s3(bucket: String(bucket), prefix: prefix)
        }
        return .path(text)
    }

    /// True for the sources read through the AWS client.
    public var needsAWS: Bool {
        switch self {
        case .s3, .lookup: true
        case .path, .stdin: false
        }
    }

    public var description: String {
        switch self {
        case .path(let path): path
        case .s3(let bucket, let prefix): "s3://\(bucket)/\(prefix)"
        case .lookup: "lookup"
        case .stdin: "stdin"
        }
    }
}

/// What a hunt looks at and how it triages.
public struct TrailHuntOptions: Sendable {
    public var filter: TrailFilter
    public var analysis: TrailAnalysisOptions
    /// Threads reading local files (nil: the number of cores); objects read at once from S3 (nil: 8).
    public var jobs: Int?
    /// Called with the bytes read so far and, for local files, the total.
    public var progress: (@Sendable (_ bytes: Int, _ total: Int?) -> Void)?

    public init(
        filter: TrailFilter = TrailFilter(), analysis: TrailAnalysisOptions = TrailAnalysisOptions(), jobs: Int? = nil,
        progress: (@Sendable (Int, Int?) -> Void)? = nil
    ) {
        self.filter = filter
        self.analysis = analysis
        self.jobs = jobs
        self.progress = progress
    }
}

/// scan → analyse → triage, for `rootguard trail`: every source read (local files in parallel, S3 objects
/// `jobs` at a time, the event history per region), then de-duplicated, classified, joined and triaged once.
public struct TrailHunter: Sendable {
    /// Builds the AWS client, only when a source needs it.
    public let makeClient: @Sendable () throws -> AWSClient

    /// The IAM actions `rootguard trail` needs for s3:// sources and `lookup`.
    public static let requiredActions = [
        "s3:ListBucket", "s3:GetObject", "cloudtrail:LookupEvents", "account:ListRegions",
    ]

    /// The accounts whose event history `lookup` reads, each through the client `lookupClient` derives from the
    /// caller's (a member's role for a member); empty: the caller's own history.
    public var lookupAccounts: [String] = []
    public var lookupClient: (@Sendable (String, AWSClient) -> AWSClient)?

    public init(makeClient: @escaping @Sendable () throws -> AWSClient) {
        self.makeClient = makeClient
    }

    public func hunt(_ sources: [TrailSource], options: TrailHuntOptions) async -> TrailReport {
        let started = Date()
        var scan = await self.scan(sources, options: options)
        scan.stats.seconds = Date().timeIntervalSince(started)
        return TrailAnalysis.analyse(consume scan, options: options.analysis)
    }

    /// The hunt, and every root-relevant record whole (each delivery once), for `respond`.
    public func huntKeepingRecords(
        _ sources: [TrailSource], options: TrailHuntOptions
    ) async -> (report: TrailReport, records: [CloudTrailEvent]) {
        var options = options
        options.filter.keepRecords = true
        let started = Date()
        var scan = await self.scan(sources, options: options)
        scan.stats.seconds = Date().timeIntervalSince(started)
        let records = scan.keptRecords()
        return (TrailAnalysis.analyse(consume scan, options: options.analysis), records)
    }

    func scan(_ sources: [TrailSource], options: TrailHuntOptions) async -> ScanOutput {
        var scan = ScanOutput()
        var client: AWSClient?
        var clientError: String?
        if sources.contains(where: \.needsAWS) {
            do { client = try makeClient() } catch { clientError = "\(error)" }
        }
        var local: [String] = []
        for source in sources {
            switch source {
            case .path(let path):
                local.append(path)
            case .stdin:
                let scanner = TrailBufferScanner(filter: options.filter)
                scanner.scanStream(name: "stdin", into: &scan) { buffer in
                    let n = read(STDIN_FILENO, buffer.baseAddress, buffer.count)
                    if n < 0 { throw POSIXError(.EIO) }
                    return n
                }
            case .s3(let bucket, let prefix):
                guard let client else {
                    scan.fail(source.description, "cannot be read: \(clientError ?? "no AWS client")")
                    continue
                }
                let reader = CloudTrailReader(client: client, filter: options.filter, concurrency: options.jobs ?? 8)
                let progress = options.progress
                scan.merge(await reader.scanS3(bucket: bucket, prefix: prefix) { progress?($0, nil) })
            case .lookup(let regions):
                guard let client else {
                    scan.fail(source.description, "cannot be read: \(clientError ?? "no AWS client")")
                    continue
                }
                // Each account's own history: a member's is read in the member (the caller's shows only its own).
                let targets: [(String?, AWSClient)] =
                    lookupAccounts.isEmpty || lookupClient == nil
                    ? [(nil, client)] : lookupAccounts.map { ($0, lookupClient!($0, client)) }
                for (account, target) in targets {
                    let reader = CloudTrailReader(client: target, filter: options.filter)
                    let chosen: [String]
                    if let regions {
                        chosen = regions
                    } else {
                        chosen = await reader.enabledRegions()
                    }
                    var read = await reader.scanLookup(regions: chosen)
                    if let account {
                        for index in read.problems.indices {
                            read.problems[index].input = "lookup in \(account): " + read.problems[index].input
                        }
                    }
                    scan.merge(read)
                }
            }
        }
        if let client { try? await client.shutdown() }
        if !local.isEmpty {
            var problems: [InputProblem] = []
            let files = LocalScan.files(under: local, filter: options.filter, problems: &problems)
            scan.problems += problems
            scan.stats.problems += problems.count
            let total = files.reduce(0) { $0 + $1.size }
            let threads = options.jobs ?? ProcessInfo.processInfo.activeProcessorCount
            let progress = options.progress
            scan.merge(
                LocalScan.scan(files: files, jobs: threads, filter: options.filter) {
                    progress?($0, total)
                })
        }
        return scan
    }
}

extension ScanOutput {
    /// Records an input that could not be read at all.
    mutating func fail(_ input: String, _ message: String) {
        stats.problems += 1
        problems.append(InputProblem(input: input, message: message))
    }
}
