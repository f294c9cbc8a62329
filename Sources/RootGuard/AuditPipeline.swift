import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardCollect
import RootGuardFiles
import RootGuardModel

/// Where an audit's facts come from.
public enum AuditSource: Sendable {
    /// Collected now with the client's credentials.
    case live(AuditCollection)
    /// A snapshot saved earlier (evaluated as of its collection time unless `asOf` says otherwise).
    case snapshot(path: String)
    /// A bundled example snapshot.
    case example(SnapshotFile.Example)
}

/// How a live audit collects.
public struct AuditCollection: Sendable {
    public var reportWait: Duration
    public var monitoring: Bool
    /// nil: every enabled region.
    public var regions: [String]?
    public var prove: Bool

    public init(
        reportWait: Duration = .seconds(120), monitoring: Bool = true, regions: [String]? = nil, prove: Bool = false
    ) {
        self.reportWait = reportWait
        self.monitoring = monitoring
        self.regions = regions
        self.prove = prove
    }
}

/// What an evaluation needs besides the snapshot, as the user gave it (files not yet read).
public struct EvaluationSettings: Sendable {
    public var asOf: Date?
    public var rootUsageWindowDays = 90
    public var attestationsPath: String?
    public var companyDomains: [String] = []
    public var extraFreeMailDomains: [String] = []
    /// Replace the default personal-address patterns when not empty.
    public var personalPatterns: [String] = []
    /// Added to the default group keywords.
    public var groupKeywords: [String] = []
    public var rootEmail: String?

    public init() {}

    public struct AsOfBeforeCollection: Error, CustomStringConvertible {
        public let asOf: Date
        public let collectedAt: Date
        public var description: String {
            "--as-of \(TimeArgument.format(asOf)) is before the facts were collected (\(TimeArgument.format(collectedAt))); nothing can be judged as of a time before it was seen"
        }
    }

    /// `--as-of` may move the clock forward from the collection (how will this snapshot look in 90 days?), never back.
    func checkAsOf(after collectedAt: Date) throws {
        if let asOf, asOf < collectedAt.addingTimeInterval(-1) {
            throw AsOfBeforeCollection(asOf: asOf, collectedAt: collectedAt)
        }
    }

    /// The context at `defaultNow` (or `asOf`), attestations read from their file.
    public func context(defaultNow: Date) throws -> EvaluationContext {
        EvaluationContext(
            now: asOf ?? defaultNow, rootUsageWindowDays: rootUsageWindowDays,
            attestations: try attestationsPath.map(AttestationsFile.load),
            emailPolicy: EmailPolicy(
                companyDomains: companyDomains, freeMailDomains: Set(extraFreeMailDomains.map { $0.lowercased() }),
                personalPatterns: personalPatterns.isEmpty ? EmailPolicy.defaultPersonalPatterns : personalPatterns,
                groupKeywords: EmailPolicy.defaultGroupKeywords + groupKeywords.map { $0.lowercased() }),
            rootEmailOverride: rootEmail)
    }
}

/// One account's audit, end to end.
public struct AccountAudit: Sendable {
    public var snapshot: Snapshot
    public var report: ReportV1
    /// `live (arn)`, `snapshot PATH` or `bundled example 'NAME'`.
    public var source: String
}

/// An organization's audit, end to end.
public struct OrganizationAudit: Sendable {
    public var organization: OrganizationSnapshot
    public var report: ReportV1
    /// What was sent to AWS (nil for a snapshot), and how long collection and evaluation took.
    public var calls: AWSCallStatistics.Counts?
    public var seconds: Double = 0

    /// Members whose collection ran out of time (`--member-timeout`).
    public var membersTimedOut: Int {
        organization.members.count { $0.rootCredentials.unavailable?.kind == .memberDeadline }
    }

    /// One line for `--stats`.
    public func statisticsLine(concurrency: Int) -> String {
        let members = organization.members.count
        var line = "stats: \(members) members in \(String(format: "%.1f", seconds)) s"
        if let calls {
            let perMember = members > 0 ? Double(calls.requests) / Double(members) : 0
            line +=
                "; \(calls.calls) AWS calls, \(calls.requests) requests (\(String(format: "%.1f", perMember)) per member), "
                + "\(calls.retries) retries, \(calls.throttled) throttled, \(calls.timeouts) timed out, "
                + "\(calls.connectionErrors) connection errors, \(calls.quotaExhausted) retries refused by an empty retry quota, "
                + "\(calls.paced) requests paced by the adaptive rate limit (\(String(format: "%.1f", calls.pacedSeconds)) s in all); "
                + "at most \(calls.peakInFlight) requests in flight (limits: \(concurrency) members at once, "
                + "\(AWSTransportLimits.connectionsPerHost) connections per endpoint)"
            let services = calls.byService.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
            if !services.isEmpty { line += "; requests by service: " + services.joined(separator: ", ") }
        } else {
            line += " (from a snapshot: no AWS calls)"
        }
        line += "; \(membersTimedOut) members over --member-timeout"
        return line
    }
}

/// collect → evaluate → report: the audit pipeline over `SnapshotCollector` and `Evaluator`, from a live account, a
/// snapshot or a bundled example, for one account or an organization.
public enum Auditor {
    /// source → snapshot (saved when asked) → checks → report.
    public static func audit(
        _ source: AuditSource, settings: EvaluationSettings, saveSnapshot: String? = nil,
        makeClient: @Sendable () throws -> AWSClient
    ) async throws -> AccountAudit {
        // A bad path costs nothing: it is refused before any collection.
        if let saveSnapshot { try SnapshotFile.checkWritable(saveSnapshot) }
        let snapshot: Snapshot
        let description: String
        var now = Date()
        switch source {
        case .snapshot(let path):
            snapshot = try SnapshotFile.load(path)
            description = "snapshot \(path)"
            now = snapshot.collectedAt
        case .example(let example):
            snapshot = try SnapshotFile.example(example)
            description = "bundled example '\(example.rawValue)'"
            now = snapshot.collectedAt
        case .live(let collection):
            try settings.checkAsOf(after: Date())  // before a collection that would be wasted
            snapshot = try await withClient(makeClient) { client in
                try await SnapshotCollector.collect(
                    client: client, reportWait: collection.reportWait, monitoring: collection.monitoring,
                    regions: collection.regions, prove: collection.prove)
            }
            description = "live (\(snapshot.account.callerARN))"
        }
        if let saveSnapshot { try SnapshotFile.save(snapshot, to: saveSnapshot) }
        try settings.checkAsOf(after: snapshot.collectedAt)
        let report = Evaluator.evaluate(snapshot, context: try settings.context(defaultNow: now))
        return AccountAudit(snapshot: snapshot, report: report, source: description)
    }

    /// The organization: the management account in full, then every member through `access`.
    public static func auditOrganization(
        snapshotPath: String?, collection: AuditCollection, access: OrganizationCollector.Access, concurrency: Int,
        memberTimeout: Double = 300, settings: EvaluationSettings, saveSnapshot: String? = nil,
        approver: (any RootSessions.Approver)? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
        makeClient: @Sendable () throws -> AWSClient
    ) async throws -> OrganizationAudit {
        if let saveSnapshot { try SnapshotFile.checkWritable(saveSnapshot) }
        let organization: OrganizationSnapshot
        var now = Date()
        let started = ContinuousClock.now
        var calls: AWSCallStatistics.Counts?
        if let snapshotPath {
            organization = try SnapshotFile.loadOrganization(snapshotPath)
            // Offline, the organization is judged as of its collection time.
            now = organization.management.collectedAt
        } else {
            organization = try await withClient(makeClient) { client in
                let management = try await SnapshotCollector.collect(
                    client: client, reportWait: collection.reportWait, monitoring: collection.monitoring,
                    regions: collection.regions)
                let collected = try await OrganizationCollector(
                    client: client, access: access, concurrency: concurrency, memberTimeout: memberTimeout,
                    toolVersion: RootGuardVersion.current, approver: approver, progress: progress
                ).collect(management: management)
                calls = client.statistics.counts
                return collected
            }
        }
        if let saveSnapshot { try SnapshotFile.save(organization, to: saveSnapshot) }
        try settings.checkAsOf(after: organization.management.collectedAt)
        let report = Evaluator.evaluate(organization, context: try settings.context(defaultNow: now))
        return OrganizationAudit(
            organization: organization, report: report, calls: calls, seconds: (ContinuousClock.now - started).inSeconds
        )
    }

    /// Runs `body` with a client and always shuts the client down afterwards.
    public static func withClient<T>(
        _ makeClient: () throws -> AWSClient, _ body: (AWSClient) async throws -> T
    ) async throws -> T {
        try await makeClient().using(body)
    }
}
