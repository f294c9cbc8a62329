import Foundation
import RootGuard
import RootGuardReport
import RootGuardTrail
import Testing

/// The printed least-privilege policy (`rootguard policy`) against its golden file in the report fixtures.
@Suite struct RequiredPolicyTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RootGuardReportTests/Fixtures/policy.json")

    @Test func thePrintedPolicyMatchesItsGoldenFileInEachPartition() throws {
        let rendered = try PolicyRenderer.json(RequiredPolicy.document(partition: "aws", withHarden: true))
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: Self.golden, atomically: true, encoding: .utf8)
        }
        #expect(rendered == (try String(contentsOf: Self.golden, encoding: .utf8)), "policy.json differs")
        let china = try PolicyRenderer.json(RequiredPolicy.document(partition: "aws-cn", withHarden: false))
        #expect(china.contains("arn:aws-cn:iam::aws:policy/root-task/IAMAuditRootUserCredentials"))
        #expect(!china.contains("arn:aws:"))
    }
}

/// watch reads the containers trail reads: a message body holding `{"Records":[…]}` or a bare array gives every
/// record in it, not none.
@Suite struct WatchMessageBodyTests {
    static let record =
        #"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-02T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","eventID":"ID","recipientAccountId":"111122223333"}"#

    static func record(_ id: String) -> String { record.replacingOccurrences(of: #""ID""#, with: "\"\(id)\"") }

    @Test func aRecordsContainerAndABareArrayGiveEveryRecord() throws {
        let container = try RootWatch.decode(#"{"Records":[\#(Self.record("a")),\#(Self.record("b"))]}"#, id: "m1")
        #expect(container.map(\.eventID) == ["a", "b"])
        let array = try RootWatch.decode("[\(Self.record("c"))]", id: "m2")
        #expect(array.map(\.eventID) == ["c"])
        let sns = try JSONSerialization.data(
            withJSONObject: ["Type": "Notification", "Message": #"{"Records":[\#(Self.record("d"))]}"#])
        #expect(try RootWatch.decode(String(decoding: sns, as: UTF8.self), id: "m3").map(\.eventID) == ["d"])
        #expect(try RootWatch.decode(Self.record("e"), id: "m4").map(\.eventID) == ["e"])
        #expect(throws: RootWatch.BadMessage.self) { try RootWatch.decode(#"{"Records":[{"x":1}]}"#, id: "m5") }
        #expect(throws: RootWatch.BadMessage.self) { try RootWatch.decode(#"{"Records":[]}"#, id: "m6") }
    }
}
