import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

/// The periods the records themselves say a trail was not logging, for any source.
@Suite("logging gaps from the records")
struct LoggingGapsTests {
    static func record(
        _ name: String, _ time: String, trail: String = "org-trail", error: String? = nil
    )
        -> CloudTrailEvent
    {
        var fields: [String: JSONValue] = [
            "eventName": .string(name), "eventTime": .string(time), "eventSource": "cloudtrail.amazonaws.com",
            "awsRegion": "us-east-1", "recipientAccountId": "111122223333", "eventID": .string("\(name)-\(time)"),
            "requestParameters": .object(["name": .string("arn:aws:cloudtrail:us-east-1:111122223333:trail/\(trail)")]),
        ]
        if let error { fields["errorCode"] = .string(error) }
        return CloudTrailEvent(json: .object(fields), source: "test")!
    }

    static let end = TimeArgument.parseTimestamp("2026-12-05T12:00:00Z")!

    @Test func stopThenStartIsOneGapAndAStopWithoutStartRunsToTheEnd() {
        let gaps = LoggingGaps.gaps(
            records: [
                Self.record("StopLogging", "2026-12-05T02:00:00Z"),
                Self.record("StartLogging", "2026-12-05T03:30:00Z"),
                Self.record("StopLogging", "2026-12-05T05:00:00Z", trail: "other"),
                // A refused StopLogging stopped nothing.
                Self.record("StopLogging", "2026-12-05T06:00:00Z", error: "AccessDenied"),
            ], until: Self.end)
        #expect(gaps.count == 2)
        #expect(gaps.allSatisfy { $0.verdict == .gap && $0.kind == .coverage })
        let first = gaps.first { $0.location.contains("trail org-trail") }
        #expect(first?.reason.contains("between 2026-12-05T02:00:00Z and 2026-12-05T03:30:00Z is unknown") == true)
        let open = gaps.first { $0.location.contains("trail other") }
        #expect(open?.reason.contains("no StartLogging in the records read") == true)
        #expect(open?.location.hasSuffix("2026-12-05T05:00:00Z–2026-12-05T12:00:00Z") == true)
    }

    @Test func aDeletedAndRecreatedTrailIsAGap() {
        let gaps = LoggingGaps.gaps(
            records: [
                Self.record("DeleteTrail", "2026-12-05T02:00:00Z"), Self.record("CreateTrail", "2026-12-05T04:00:00Z"),
            ], until: Self.end)
        #expect(gaps.count == 1)
        #expect(gaps.first?.reason.contains("deleted by DeleteTrail") == true)
        #expect(gaps.first?.reason.contains("CreateTrail at 2026-12-05T04:00:00Z") == true)
        #expect(LoggingGaps.gaps(records: [], until: Self.end).isEmpty)
    }
}
