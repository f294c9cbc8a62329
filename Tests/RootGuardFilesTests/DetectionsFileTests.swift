import Foundation
import RootGuardFiles
import RootGuardTrail
import Testing

/// `respond --detections` reads what trail, trail athena and watch write: the whole JSON report, a JSON array, or
/// JSON lines (watch's carry extra keys); anything else is one error naming the input and the line.
@Suite("detections files")
struct DetectionsFileTests {
    static let line = """
        {"eventID":"e-1","eventTime":"2026-12-05T09:00:00Z","accountId":"222233334444","region":"us-east-1",\
        "eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","detection":"root-console-login",\
        "severity":"high","title":"Root console sign-in","expected":false,"approval":null,"source":"logs/a.json",\
        "sourceIPAddress":"203.0.113.66","userAgent":"Mozilla","mfaUsed":false,"credential":"sign-in",\
        "accessKeyId":null,"outcome":"success","errorCode":null,"details":{"rootEmail":"root@example.com"},\
        "schemaVersion":1,"tool":{"name":"rootguard","version":"1.0.0"}}
        """

    @Test func theThreeShapesTrailAndWatchWriteAreRead() throws {
        let lines = try DetectionsFile.parse(Data("\n\(Self.line)\n\n\(Self.line)\n".utf8), name: "watch.jsonl")
        #expect(lines.count == 2 && lines[0].eventID == "e-1" && lines[0].details["rootEmail"] == "root@example.com")
        let report = """
            {
              "schemaVersion" : 1,
              "detections" : [
                \(Self.line)
              ],
              "summary" : {"detections" : 1}
            }
            """
        #expect(try DetectionsFile.parse(Data(report.utf8), name: "trail.json").map(\.eventID) == ["e-1"])
        #expect(try DetectionsFile.parse(Data("[\(Self.line)]".utf8), name: "a.json").count == 1)
        #expect(try DetectionsFile.parse(Data("  \n".utf8), name: "empty").isEmpty)
    }

    @Test func anythingElseIsOneErrorNamingTheLine() {
        let broken = Self.line.replacingOccurrences(of: #""eventTime":"2026-12-05T09:00:00Z","#, with: "")
        #expect {
            try DetectionsFile.parse(Data("\(Self.line)\n\(broken)\n".utf8), name: "alerts.jsonl")
        } throws: { error in
            "\(error)" == "alerts.jsonl: line 2 is not a detection as trail or watch write it (no eventTime)"
        }
        #expect(throws: DetectionsFile.Invalid.self) {
            try DetectionsFile.parse(Data(#"[{"eventID":"x"}]"#.utf8), name: "a.json")
        }
        #expect(throws: DetectionsFile.Invalid.self) {
            try DetectionsFile.parse(Data(#"{"detections":[{"eventID":3}]}"#.utf8), name: "r.json")
        }
        let time = Self.line.replacingOccurrences(of: "2026-12-05T09:00:00Z", with: "yesterday")
        #expect(throws: DetectionsFile.Invalid.self) { try DetectionsFile.parse(Data(time.utf8), name: "t.jsonl") }
    }
}
