import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

/// `watch` analyses one record at a time; `trail` a whole scan. They must mean the same thing: the streaming
/// analysis, fed the scan's records in time order, gives exactly the batch analysis's detections (the AssumeRoot
/// join across records, bursts, approvals) on the real sets.
@Suite("StreamingAnalysis agrees with TrailAnalysis")
struct StreamingAnalysisTests {
    struct Key: Hashable {
        var account: String
        var eventID: String
        var detection: String
        var expected: Bool
        var credential: String
    }

    func keys(_ detections: [Detection]) -> [Key: Int] {
        Dictionary(
            detections.map {
                (
                    Key(
                        account: $0.accountId, eventID: $0.eventID, detection: $0.detection, expected: $0.expected,
                        credential: $0.credential.rawValue), 1
                )
            }, uniquingKeysWith: +)
    }

    func compare(_ records: [JSONValue], options: TrailAnalysisOptions) throws {
        let batch = try analyse(records: records, options: options)
        var streaming = StreamingAnalysis(options: options)
        var seen = Set<String>()
        var streamed: [Detection] = []
        let events = records.compactMap { CloudTrailEvent(json: $0, source: "test") }
            .sorted { ($0.eventTime ?? .distantPast) < ($1.eventTime ?? .distantPast) }
        for event in events {
            // watch's state file plays the part of trail's de-duplication.
            guard
                seen.insert(
                    [event.accountId, event.eventID, event.eventTimeText, event.eventName].joined(separator: "/")
                ).inserted
            else { continue }
            streamed += streaming.analyse(event)
        }
        #expect(!batch.detections.isEmpty)
        #expect(keys(streamed) == keys(batch.detections))
    }

    @Test func onTheRootEventExamples() throws {
        try compare(try Fixture.examples().map(\.record), options: TrailAnalysisOptions())
    }

    @Test func onThePantherScenarioWithAndWithoutAnApproval() throws {
        let folder = Fixture.cloudtrail.appendingPathComponent(
            "panther-compromised-root-creds/test_scenarios/compromised-root-creds")
        let records =
            try pantherRecords(folder.appendingPathComponent("victim_cloudtrail.yml"))
            + pantherRecords(folder.appendingPathComponent("attacker_cloudtrail.yml"))
        try compare(records, options: TrailAnalysisOptions())
        var approved = TrailAnalysisOptions()
        let accounts = Set(records.compactMap { CloudTrailEvent(json: $0, source: "x")?.accountId })
        approved.approvals = accounts.map {
            Approval(account: $0, from: .distantPast, until: .distantFuture, ticket: "CHG-1")
        }
        try compare(records, options: approved)
    }

    @Test func aBurstIsReportedOnceAndAnAssumeRootSessionIsJoinedAcrossRecords() throws {
        var options = TrailAnalysisOptions()
        options.burstThreshold = 3
        var records: [JSONValue] = []
        for minute in 0..<5 {
            records.append(
                rootRecord(
                    "ConsoleLogin", source: "signin.amazonaws.com", response: ["ConsoleLogin": "Failure"],
                    extra: ["eventType": "AwsConsoleSignIn", "eventID": .string("fail-\(minute)")],
                    time: "2026-12-04T08:0\(minute):00Z"))
        }
        try compare(records, options: options)
        var streaming = StreamingAnalysis(options: options)
        let bursts = records.compactMap { CloudTrailEvent(json: $0, source: "x") }.flatMap { streaming.analyse($0) }
            .filter { $0.detection == DetectionCatalog.consoleLoginFailureBurst.id }
        #expect(bursts.count == 1)
    }
}
