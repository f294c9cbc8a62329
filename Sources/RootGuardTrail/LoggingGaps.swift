import Foundation
import RootGuardModel

/// Periods the records themselves say a trail was not logging: from a successful `StopLogging` to the next
/// `StartLogging` of the same trail, from a `DeleteTrail` to the next `CreateTrail` of its name (deleted and
/// re-created), or to the end of the window when the records read hold none. What happened then is unknown — said as a
/// gap in every report, never as "nothing happened". Digests give the same periods only where log file validation was
/// on and the logs are read from S3; the records give them for every source.
public enum LoggingGaps {
    public static func gaps(records: [CloudTrailEvent], until end: Date) -> [LogFileIntegrity.Result] {
        struct Key: Hashable {
            var account: String
            var region: String
            var trail: String
        }
        func trailName(_ record: CloudTrailEvent) -> String? {
            guard let name = record.string("requestParameters", "name"), !name.isEmpty else { return nil }
            // An ARN or a name: the name is what StartLogging and CreateTrail use too.
            return name.split(separator: "/").last.map(String.init) ?? name
        }
        let calls = records.filter {
            $0.eventSource == "cloudtrail.amazonaws.com" && $0.errorCode == nil && $0.eventTime != nil
        }
        .sorted { ($0.eventTime ?? .distantPast) < ($1.eventTime ?? .distantPast) }
        var open: [Key: CloudTrailEvent] = [:]
        var results: [LogFileIntegrity.Result] = []
        func close(_ key: Key, _ opening: CloudTrailEvent, at: Date?, by closing: CloudTrailEvent?) {
            guard let from = opening.eventTime else { return }
            let to = at ?? end
            guard to > from else { return }
            let span = "\(TimeArgument.format(from))–\(TimeArgument.format(to))"
            let what = opening.eventName == "DeleteTrail" ? "deleted" : "stopped"
            let how =
                closing.map { "\($0.eventName) at \($0.eventTimeText) (\($0.eventID))" }
                ?? "no \(opening.eventName == "DeleteTrail" ? "CreateTrail" : "StartLogging") in the records read"
            results.append(
                .init(
                    kind: .coverage, location: "trail \(key.trail) in \(key.account)/\(key.region) \(span)",
                    verdict: .gap,
                    reason:
                        "what happened between \(TimeArgument.format(from)) and \(TimeArgument.format(to)) is unknown: the trail was \(what) by \(opening.eventName) at \(opening.eventTimeText) (\(opening.eventID)); \(how)"
                ))
        }
        for call in calls {
            guard let name = trailName(call) else { continue }
            let key = Key(account: call.accountId, region: call.region, trail: name)
            switch call.eventName {
            case "StopLogging", "DeleteTrail":
                if open[key] == nil { open[key] = call }
            case "StartLogging", "CreateTrail":
                if let opening = open[key],
                    (opening.eventName == "DeleteTrail") == (call.eventName == "CreateTrail")
                        || call.eventName == "StartLogging"
                {
                    close(key, opening, at: call.eventTime, by: call)
                    open[key] = nil
                }
            default:
                continue
            }
        }
        for (key, opening) in open.sorted(by: { $0.key.trail < $1.key.trail }) {
            close(key, opening, at: nil, by: nil)
        }
        return results
    }
}
