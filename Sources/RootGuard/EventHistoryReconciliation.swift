import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardTrail

/// A second source no one in the account can edit: the incident's root records in the trail's files reconciled with
/// CloudTrail's event history (`LookupEvents`, management events of the last 90 days), read in the incident's own
/// account (a member's through its role). A root event in the history and in no log file read is a deleted or never
/// delivered file (`missing`, an `error:`, named by its eventID); a root management record in the files and not in the
/// history is named too (`unverifiable`: forged, or older than the history). Events newer than CloudTrail's delivery
/// delay are not yet expected in the files.
public enum EventHistoryReconciliation {
    /// CloudTrail delivers a log file within about 15 minutes of its events.
    public static let deliveryDelay: TimeInterval = 15 * 60

    /// Compares the files' root records with the history's, for one account and region.
    public static func compare(
        files: [CloudTrailEvent], history: [CloudTrailEvent], account: String, region: String, now: Date
    ) -> [LogFileIntegrity.Result] {
        func management(_ event: CloudTrailEvent) -> Bool {
            let category = event.string("eventCategory") ?? "Management"
            return event.isRoot && category == "Management" && !event.eventID.isEmpty
        }
        let inFiles = Dictionary(
            files.filter(management).map { ($0.eventID, $0) }, uniquingKeysWith: { first, _ in first })
        let inHistory = Dictionary(
            history.filter(management).map { ($0.eventID, $0) }, uniquingKeysWith: { first, _ in first })
        var results: [LogFileIntegrity.Result] = []
        func location(_ event: CloudTrailEvent) -> String {
            "\(account)/\(region) event \(event.eventID) (\(event.eventName) at \(event.eventTimeText))"
        }
        for (id, event) in inHistory.sorted(by: { $0.key < $1.key }) where inFiles[id] == nil {
            let recent = (event.eventTime.map { now.timeIntervalSince($0) < deliveryDelay }) ?? false
            results.append(
                .init(
                    kind: .event, location: location(event), verdict: recent ? .unverifiable : .missing,
                    reason: recent
                        ? "in the event history, not yet in a log file read (within CloudTrail's delivery delay)"
                        : "a root event in the event history and in no log file read: its log file was deleted, or never delivered"
                ))
        }
        for (id, event) in inFiles.sorted(by: { $0.key < $1.key }) where inHistory[id] == nil {
            results.append(
                .init(
                    kind: .event, location: location(event), verdict: .unverifiable,
                    reason:
                        "in the log files, not in the event history (a forged record, or older than the history's 90 days)"
                ))
        }
        let agreed = inFiles.keys.filter { inHistory[$0] != nil }.count
        if agreed > 0 {
            results.append(
                .init(
                    kind: .event, location: "\(account)/\(region) event history", verdict: .verified,
                    reason: "\(plural(agreed, "root record")) of the log files \(agreed == 1 ? "is" : "are") in it"))
        }
        return results
    }

    /// Reads each account's history for the regions its records and detections name (and us-east-1, where global
    /// services' events land) over `window`, and compares. `client(account)` acts in that account.
    public static func check(
        records: [CloudTrailEvent], accounts: [String], regions extra: [String: Set<String>], since: Date, until: Date,
        now: Date, client: @Sendable (String) -> AWSClient
    ) async -> [LogFileIntegrity.Result] {
        let files = records.filter { !$0.source.hasPrefix("lookup:") }
        var results: [LogFileIntegrity.Result] = []
        for account in accounts.sorted() {
            guard let id = AccountID(rawValue: account) else { continue }
            let mine = files.filter { $0.accountId == account }
            var regions = Set(mine.map(\.region)).union(extra[account] ?? []).union(["us-east-1"])
            regions.remove("")
            let reader = CloudTrailReader(
                client: client(account),
                filter: TrailFilter(since: since, until: until, accounts: [id], keepRecords: true))
            for region in regions.sorted() {
                let scan = await reader.scanLookup(regions: [region])
                if !scan.problems.isEmpty {
                    results += scan.problems.map {
                        .init(
                            kind: .event, location: "\(account)/\(region) event history", verdict: .unverifiable,
                            reason: "cannot be read, so the log files have no second source: \($0.message)")
                    }
                    continue
                }
                results += compare(
                    files: mine.filter { $0.region == region }, history: scan.keptRecords(), account: account,
                    region: region, now: now)
            }
        }
        return results
    }
}
