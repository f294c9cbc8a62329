import Foundation
import RootGuardModel

/// Per-account picture of root activity, for incident responders.
public struct AccountActivity: Sendable, Codable, Equatable {
    public var accountId: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var detections: Int
    public var unexpected: Int
    public var bySeverity: [String: Int]
    public var byDetection: [String: Int]
    public var sourceIPs: [String]
    public var userAgents: [String]
    /// "yes", "no", "mixed", or "unknown" over sign-ins and sessions.
    public var mfaUsed: String

    enum CodingKeys: String, CodingKey {
        case accountId, firstSeen, lastSeen, detections, unexpected, bySeverity, byDetection, sourceIPs, userAgents
        case mfaUsed
    }

    public init(
        accountId: String, firstSeen: Date, lastSeen: Date, detections: Int, unexpected: Int,
        bySeverity: [String: Int], byDetection: [String: Int], sourceIPs: [String], userAgents: [String],
        mfaUsed: String
    ) {
        self.accountId = accountId
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.detections = detections
        self.unexpected = unexpected
        self.bySeverity = bySeverity
        self.byDetection = byDetection
        self.sourceIPs = sourceIPs
        self.userAgents = userAgents
        self.mfaUsed = mfaUsed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date {
            guard let date = TimeArgument.parseTimestamp(try c.decode(String.self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an ISO 8601 time")
            }
            return date
        }
        accountId = try c.decode(String.self, forKey: .accountId)
        firstSeen = try time(.firstSeen)
        lastSeen = try time(.lastSeen)
        detections = try c.decode(Int.self, forKey: .detections)
        unexpected = try c.decode(Int.self, forKey: .unexpected)
        bySeverity = try c.decode([String: Int].self, forKey: .bySeverity)
        byDetection = try c.decode([String: Int].self, forKey: .byDetection)
        sourceIPs = try c.decode([String].self, forKey: .sourceIPs)
        userAgents = try c.decode([String].self, forKey: .userAgents)
        mfaUsed = try c.decode(String.self, forKey: .mfaUsed)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accountId, forKey: .accountId)
        try c.encode(TimeArgument.format(firstSeen), forKey: .firstSeen)
        try c.encode(TimeArgument.format(lastSeen), forKey: .lastSeen)
        try c.encode(detections, forKey: .detections)
        try c.encode(unexpected, forKey: .unexpected)
        try c.encode(bySeverity, forKey: .bySeverity)
        try c.encode(byDetection, forKey: .byDetection)
        try c.encode(sourceIPs, forKey: .sourceIPs)
        try c.encode(userAgents, forKey: .userAgents)
        try c.encode(mfaUsed, forKey: .mfaUsed)
    }
}

/// The outcome of `rootguard trail`.
public struct TrailReport: Sendable, Codable {
    public var detections: [Detection]
    public var accounts: [AccountActivity]
    public var stats: ScanStats
    public var problems: [InputProblem]
    public var inflater: String

    /// Detections not covered by an approval (info-level service events never count).
    public var unexpected: [Detection] { detections.filter(\.isUnexpected) }
    /// How many detections are unexpected, without copying them.
    public var unexpectedCount: Int { detections.reduce(0) { $0 + ($1.isUnexpected ? 1 : 0) } }
}

/// Options of the analysis that follows a scan.
public struct TrailAnalysisOptions: Sendable {
    public var includeServiceEvents = false
    public var approvals: [Approval] = []
    /// Failed root sign-ins of one account this close together form one burst…
    public var burstWindow: TimeInterval = 15 * 60
    /// …reported when it holds at least this many.
    public var burstThreshold = 5

    public init() {}
}

/// De-duplicates, classifies, correlates and triages the records a scan kept.
public enum TrailAnalysis {
    /// Takes the scan (pass it with `consume`): each record's detections are released as they move into the report,
    /// so 300,000 detections are not held twice.
    public static func analyse(_ scan: consuming ScanOutput, options: TrailAnalysisOptions) -> TrailReport {
        var stats = scan.stats
        var seen = Set<String>()
        var detections: [Detection] = []
        var problems = scan.problems
        var records = scan.records
        scan.records = []
        detections.reserveCapacity(records.reduce(0) { $0 + $1.detections.count })
        for index in records.indices {
            let record = records[index]
            records[index].detections = []
            // A root-relevant record whose time cannot be read is still analysed (shown at the Unix epoch) and
            // reported, never silently dropped.
            if let problem = record.timeProblem {
                stats.problems += 1
                problems.append(InputProblem(input: record.source, message: problem))
            }
            if let key = record.duplicateKey, !seen.insert(key).inserted {
                stats.duplicates += 1
                continue
            }
            detections +=
                options.includeServiceEvents
                ? record.detections : record.detections.filter { $0.detection != DetectionCatalog.serviceEvent.id }
        }
        records = []
        joinAssumeRootSessions(&detections)
        return finish(consume detections, stats: stats, problems: problems, options: options)
    }

    /// Bursts, approvals, order and the per-account summary: what follows the detector, whoever ran it (a local
    /// scan, or Athena for `trail athena`, whose rows are already joined).
    public static func finish(
        _ detections: consuming [Detection], stats: ScanStats, problems: [InputProblem],
        options: TrailAnalysisOptions, inflater: String = Inflater.name
    ) -> TrailReport {
        var detections = consume detections
        var stats = stats
        var problems = problems
        // A record naming something other than an AWS account (a hostile or mangled log): its detections stay in the
        // report, and the odd account is said once per record, since outputs keyed by account ID (ASFF) leave it out.
        var oddAccounts = Set<String>()
        for detection in detections where AccountID(rawValue: detection.accountId) == nil {
            guard oddAccounts.insert(detection.eventID + "/" + detection.accountId).inserted else { continue }
            stats.problems += 1
            problems.append(
                InputProblem(
                    input: detection.source,
                    message:
                        "record \(detection.eventID.isEmpty ? "(no eventID)" : detection.eventID) names account '\(detection.accountId.prefix(40))', not a 12-digit AWS account ID: reported, but left out of ASFF findings"
                ))
        }
        detections += bursts(detections, options: options)
        triage(&detections, approvals: options.approvals)
        let order = Dictionary(
            uniqueKeysWithValues: DetectionCatalog.all.enumerated().map { ($0.element.id, $0.offset) })
        // Sorted by position with each detection's catalog rank looked up once (not twice per comparison).
        let ranks = detections.map { order[$0.detection] ?? 0 }
        let sorted = detections.indices.sorted { a, b in
            let x = detections[a]
            let y = detections[b]
            if x.eventTime != y.eventTime { return x.eventTime < y.eventTime }
            if x.accountId != y.accountId { return x.accountId < y.accountId }
            if x.eventID != y.eventID { return x.eventID < y.eventID }
            return ranks[a] < ranks[b]
        }
        detections = sorted.map { detections[$0] }
        return TrailReport(
            detections: detections, accounts: summarise(detections), stats: stats, problems: problems,
            inflater: inflater)
    }

    /// Actions of a session whose credentials an AssumeRoot call issued are task-scoped root use, not
    /// ordinary root use: they become `assume-root-session-action` and carry the call's facts.
    static func joinAssumeRootSessions(_ detections: inout [Detection]) {
        var calls: [String: Detection] = [:]
        for detection in detections where detection.detection == DetectionCatalog.assumeRootRequested.id {
            if let key = detection.details["issuedAccessKeyId"] { calls[key] = detection }
        }
        guard !calls.isEmpty else { return }
        var joined = Set<String>()
        for index in detections.indices {
            guard detections[index].credential == .session, let key = detections[index].accessKeyId,
                let call = calls[key]
            else { continue }
            joined.insert(detections[index].accountId + "/" + detections[index].eventID)
            join(&detections[index], call: call)
        }
        detections.removeAll {
            $0.detection == DetectionCatalog.unneededTask.id && joined.contains($0.accountId + "/" + $0.eventID)
        }
    }

    /// One session action joined with the AssumeRoot call that issued its credentials (batch and streaming).
    static func join(_ detection: inout Detection, call: Detection) {
        detection.credential = .assumeRootSession
        detection.details["assumeRootEventID"] = call.eventID
        detection.details["caller"] = call.details["caller"]
        detection.details["taskPolicy"] = call.details["taskPolicy"]
        if detection.detection == DetectionCatalog.apiCallSession.id {
            let kind = DetectionCatalog.assumeRootSessionAction
            detection.detection = kind.id
            detection.severity = kind.severity
            detection.title = kind.title
        }
    }

    /// The burst detection of a run of failed sign-ins (on the first, with the count, span, addresses and ids).
    static func burst(of run: [Detection]) -> Detection? {
        guard var burst = run.first else { return nil }
        let kind = DetectionCatalog.consoleLoginFailureBurst
        burst.detection = kind.id
        burst.severity = kind.severity
        burst.title = kind.title
        burst.details["count"] = String(run.count)
        burst.details["firstEventTime"] = run.first.map { TimeArgument.format($0.eventTime) }
        burst.details["lastEventTime"] = run.last.map { TimeArgument.format($0.eventTime) }
        burst.details["sourceIPs"] = Array(Set(run.compactMap(\.sourceIPAddress))).sorted().joined(separator: ",")
        burst.details["eventIDs"] = run.map(\.eventID).joined(separator: ",")
        return burst
    }

    /// Failed root sign-ins of one account, each within `burstWindow` of the previous, at least
    /// `burstThreshold` of them: one burst detection on the first, with the count and the span.
    static func bursts(_ detections: [Detection], options: TrailAnalysisOptions) -> [Detection] {
        let failures = detections.filter { $0.detection == DetectionCatalog.consoleLoginFailure.id }
        var result: [Detection] = []
        for (_, list) in Dictionary(grouping: failures, by: \.accountId) {
            let sorted = list.sorted { $0.eventTime < $1.eventTime }
            var run: [Detection] = []
            func close() {
                if run.count >= options.burstThreshold, let burst = burst(of: run) { result.append(burst) }
                run = []
            }
            for failure in sorted {
                if let last = run.last, failure.eventTime.timeIntervalSince(last.eventTime) > options.burstWindow {
                    close()
                }
                run.append(failure)
            }
            close()
        }
        return result
    }

    /// Marks each detection expected when an approval covers it. A burst is expected only when every
    /// failure in it is.
    static func triage(_ detections: inout [Detection], approvals: [Approval]) {
        guard !approvals.isEmpty else { return }
        let index = ApprovalIndex(approvals)
        for position in detections.indices
        where detections[position].detection != DetectionCatalog.consoleLoginFailureBurst.id {
            let detection = detections[position]
            if let approval = index.approval(for: detection, taskPolicy: detection.details["taskPolicy"]) {
                detections[position].expected = true
                detections[position].approval = approval.label
            }
        }
        var failureExpected: [String: Bool] = [:]
        for detection in detections where detection.detection == DetectionCatalog.consoleLoginFailure.id {
            failureExpected[detection.eventID] = detection.expected
        }
        for index in detections.indices
        where detections[index].detection == DetectionCatalog.consoleLoginFailureBurst.id {
            let ids = (detections[index].details["eventIDs"] ?? "").split(separator: ",").map(String.init)
            detections[index].expected = !ids.isEmpty && ids.allSatisfy { failureExpected[$0] == true }
        }
    }

    /// Per account, grouped by position (not by copying 300,000 detections into groups).
    static func summarise(_ detections: [Detection]) -> [AccountActivity] {
        Dictionary(grouping: detections.indices, by: { detections[$0].accountId }).map { account, positions in
            var first = Date.distantFuture
            var last = Date.distantPast
            var mfa = Set<Bool>()
            var unexpected = 0
            var bySeverity: [String: Int] = [:]
            var byDetection: [String: Int] = [:]
            var sourceIPs = Set<String>()
            var userAgents = Set<String>()
            for position in positions {
                let d = detections[position]
                first = min(first, d.eventTime)
                last = max(last, d.eventTime)
                if let used = d.mfaUsed { mfa.insert(used) }
                if !d.expected && d.severity > .info { unexpected += 1 }
                bySeverity[d.severity.rawValue, default: 0] += 1
                byDetection[d.detection, default: 0] += 1
                if let ip = d.sourceIPAddress { sourceIPs.insert(ip) }
                if let agent = d.userAgent { userAgents.insert(agent) }
            }
            return AccountActivity(
                accountId: account, firstSeen: positions.isEmpty ? .distantPast : first,
                lastSeen: last, detections: positions.count, unexpected: unexpected, bySeverity: bySeverity,
                byDetection: byDetection, sourceIPs: sourceIPs.sorted(), userAgents: userAgents.sorted(),
                mfaUsed: mfa.count == 2 ? "mixed" : mfa.first.map { $0 ? "yes" : "no" } ?? "unknown")
        }.sorted { $0.accountId < $1.accountId }
    }
}

extension TrailReport {
    /// `trail`'s exit code: 3 unexpected root activity (it wins), 4 some input could not be read, else 0.
    public var exitCode: Int32 { detections.contains(where: \.isUnexpected) ? 3 : !problems.isEmpty ? 4 : 0 }
}
