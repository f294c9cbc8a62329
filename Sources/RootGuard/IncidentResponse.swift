import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardTrail

/// `rootguard respond`'s reading half: from what the hunters emit (detections) and the logs, the incidents — per
/// account the root sessions, each with every CloudTrail record of it, not only the detections — and what each
/// unapproved session left behind. The containment (`IncidentContainment`) and the reports are built on this.
public enum IncidentResponse {
    /// The incidents in scope and their records.
    public struct Scope: Sendable {
        public var incidents: [Incidents.Incident]
        /// Every record of the incidents' sessions, in time order.
        public var records: [CloudTrailEvent]
        /// The detections the incidents were scoped from (the file's and the logs', each once).
        public var detections: [Detection]
        /// Per account, what its unapproved sessions left behind.
        public var artifacts: [String: [SessionAftermath.Artifact]]
        /// Inputs that could not be read, and sessions whose records are missing.
        public var problems: [InputProblem]
        /// The log sources read.
        public var sources: [String]
    }

    /// The sources named in detections (`--logs` by default): the files, S3 objects and event-history regions the
    /// hunters read; a detection from a queue or Athena names no log file and is reported.
    public static func defaultSources(_ detections: [Detection]) -> (sources: [TrailSource], unusable: [String]) {
        var sources: [TrailSource] = []
        var unusable: [String] = []
        var lookupRegions: [String] = []
        // A detection's source is read only where a trail writes: one log file, never a folder (not "/", not a
        // home directory), and in S3 one object in CloudTrail's layout for the detection's own account (never a
        // bucket or prefix the detections merely name).
        var accounts: [String: Set<String>] = [:]
        for detection in detections { accounts[detection.source, default: []].insert(detection.accountId) }
        for (source, owners) in accounts.sorted(by: { $0.key < $1.key }) {
            if source.hasPrefix("lookup:") {
                lookupRegions.append(String(source.dropFirst("lookup:".count)))
            } else if source.hasPrefix("s3://") {
                let key = source.dropFirst("s3://".count).drop { $0 != "/" }.dropFirst()
                let parts = key.split(separator: "/", omittingEmptySubsequences: false)
                let inLayout =
                    key.contains("/CloudTrail/") && !key.hasSuffix("/")
                    && owners.allSatisfy { owner in
                        parts.firstIndex(of: "AWSLogs").map { index in
                            parts.dropFirst(index + 1).prefix(2).contains(Substring(owner))
                        } ?? false
                    }
                if inLayout, let parsed = try? TrailSource.parse(source) {
                    sources.append(parsed)
                } else {
                    unusable.append(source)
                }
            } else {
                var folder: ObjCBool = false
                if FileManager.default.fileExists(atPath: source, isDirectory: &folder), !folder.boolValue {
                    sources.append(.path(source))
                } else {
                    unusable.append(source)
                }
            }
        }
        if !lookupRegions.isEmpty { sources.append(.lookup(regions: lookupRegions)) }
        return (sources, unusable)
    }

    /// Scopes the incidents: the logs are read for the accounts in scope (`accounts`, else the detections') from
    /// `since` (default: an hour before the first detection) to `until`; every root session found there and in the
    /// detections becomes part of its account's incident, with all of its records.
    public static func scope(
        detections given: [Detection], logs: [TrailSource], accounts: [AccountID], since: Date?, until: Date?,
        approvals: [Approval], hunter: TrailHunter
    ) async -> Scope {
        // `accounts` narrows the detections' accounts (and, without detections, names them).
        var inScope = Set(accounts.map(\.rawValue))
        if inScope.isEmpty {
            for detection in given {
                inScope.insert(detection.accountId)
                if let target = detection.details["targetAccount"] { inScope.insert(target) }
            }
        }
        var problems: [InputProblem] = []
        var records: [CloudTrailEvent] = []
        var detections = given
        if !logs.isEmpty {
            var options = TrailHuntOptions()
            options.filter.accounts = Set(inScope.compactMap(AccountID.init(rawValue:)))
            let mine = given.filter {
                inScope.contains($0.accountId) || $0.details["targetAccount"].map(inScope.contains) == true
            }
            options.filter.since = since ?? mine.map(\.eventTime).min().map { $0.addingTimeInterval(-3600) }
            options.filter.until = until
            options.analysis.approvals = approvals
            let (report, kept) = await hunter.huntKeepingRecords(logs, options: options)
            problems += report.problems
            records = kept
            // The logs' detections are triaged afresh; the file's stay as written where the logs lack them.
            let known = Set(report.detections.map { "\($0.accountId)/\($0.eventID)/\($0.detection)" })
            detections =
                report.detections + given.filter { !known.contains("\($0.accountId)/\($0.eventID)/\($0.detection)") }
        }
        return assemble(
            detections: detections, records: records, inScope: inScope, problems: problems,
            sources: logs.map(\.description))
    }

    /// The scope from detections and records already in hand (what `watch` analysed): the incidents of the accounts
    /// `inScope`, each session's records, and what the unapproved sessions left behind.
    public static func assemble(
        detections all: [Detection], records: [CloudTrailEvent], inScope: Set<String>, problems known: [InputProblem],
        sources: [String]
    ) -> Scope {
        var problems = known
        let detections = all.filter {
            inScope.contains($0.accountId) || $0.details["targetAccount"].map(inScope.contains) == true
        }
        let incidents = Incidents.scope(detections).filter { inScope.contains($0.account) }
        var byID: [String: CloudTrailEvent] = [:]
        for record in records where byID[record.eventID] == nil { byID[record.eventID] = record }
        var sessionRecords: [CloudTrailEvent] = []
        var artifacts: [String: [SessionAftermath.Artifact]] = [:]
        for incident in incidents {
            for session in incident.sessions {
                var once = Set<String>()
                let ids = session.eventIDs.filter { once.insert($0).inserted }
                let mine = ids.compactMap { byID[$0] }
                if mine.count < ids.count {
                    problems.append(
                        InputProblem(
                            input: "session \(session.kind.rawValue) \(session.key) in \(incident.account)",
                            message:
                                "\(ids.count - mine.count) of its \(ids.count) records are not in the logs read; what they left behind is unknown (name the logs with --logs)"
                        ))
                }
                sessionRecords += mine
                if !session.approved {
                    artifacts[incident.account, default: []] += SessionAftermath.artifacts(in: mine)
                }
            }
        }
        var seen = Set<String>()
        sessionRecords = sessionRecords.filter { seen.insert($0.eventID).inserted }
            .sorted { ($0.eventTimeText, $0.eventID) < ($1.eventTimeText, $1.eventID) }
        return Scope(
            incidents: incidents, records: sessionRecords, detections: detections, artifacts: artifacts,
            problems: problems, sources: sources)
    }
}
