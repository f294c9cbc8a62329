import Foundation
import RootGuardModel
import Yams

@testable import RootGuardTrail

/// Fixture files and helpers shared by the trail tests.
enum Fixture {
    static var folder: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures") }
    static var cloudtrail: URL { folder.appendingPathComponent("cloudtrail") }

    struct Example: Decodable {
        var source: String
        var label: String
        var record: JSONValue
    }

    static func examples() throws -> [Example] {
        try JSONDecoder().decode(
            [Example].self, from: Data(contentsOf: folder.appendingPathComponent("root-event-examples.json")))
    }

    /// The repository's root (for the corpus generator in Benchmarks/).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rg-trail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Scans bytes as one input and analyses the result.
func analyse(
    _ text: String, name: String = "test.json", options: TrailAnalysisOptions = TrailAnalysisOptions(),
    filter: TrailFilter = TrailFilter()
) -> TrailReport {
    var output = ScanOutput()
    let scanner = TrailBufferScanner(filter: filter)
    Array(text.utf8).withUnsafeBytes { scanner.scan($0, name: name, into: &output) }
    return TrailAnalysis.analyse(output, options: options)
}

func analyse(records: [JSONValue], options: TrailAnalysisOptions = TrailAnalysisOptions()) throws -> TrailReport {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let text =
        "{\"Records\":["
        + (try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }).joined(
            separator: ",") + "]}"
    return analyse(text, options: options)
}

/// The detection ids of a report, sorted.
func ids(_ report: TrailReport) -> [String] { report.detections.map(\.detection).sorted() }

/// A root record in the documented shape, with fields replaced or added.
func rootRecord(
    _ name: String, source: String = "iam.amazonaws.com", account: String = "111122223333",
    key: String = "ASIAEXAMPLEKEY000001", console: Bool = true, params: JSONValue = .null,
    response: JSONValue = .null, extra: [String: JSONValue] = [:], time: String = "2026-11-02T10:00:00Z",
    identity: [String: JSONValue] = [:]
) -> JSONValue {
    var userIdentity: [String: JSONValue] = [
        "type": "Root", "principalId": .string(account), "arn": .string("arn:aws:iam::\(account):root"),
        "accountId": .string(account), "accessKeyId": .string(key),
        "sessionContext": ["attributes": ["creationDate": "2026-11-02T09:59:00Z", "mfaAuthenticated": "true"]],
    ]
    for (k, v) in identity { userIdentity[k] = v }
    var record: [String: JSONValue] = [
        "eventVersion": "1.10", "userIdentity": .object(userIdentity), "eventTime": .string(time),
        "eventSource": .string(source), "eventName": .string(name), "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7", "userAgent": "AWS Internal", "requestParameters": params,
        "responseElements": response, "eventID": .string(UUID().uuidString.lowercased()), "readOnly": false,
        "eventType": "AwsApiCall", "recipientAccountId": .string(account),
    ]
    if console { record["sessionCredentialFromConsole"] = "true" }
    for (k, v) in extra { record[k] = v }
    return .object(record)
}

/// Records of a Panther test-scenario YAML file (`Logs:` list).
func pantherRecords(_ file: URL) throws -> [JSONValue] {
    struct Scenario: Decodable {
        var Logs: [JSONValue]  // swiftlint:disable:this identifier_name
    }
    return try YAMLDecoder().decode(Scenario.self, from: String(contentsOf: file, encoding: .utf8)).Logs
}
