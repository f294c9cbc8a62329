import Foundation
import Testing

/// OCSF as two independent consumers read it: the OCSF 1.6.0 JSON Schema (class + cloud profile) and py-ocsf-models
/// (Prowler's models), for audit's Compliance Findings and trail's Detection Findings, with CloudTrail's non-address
/// `sourceIPAddress` values (`AWS Internal`, service host names) and hostile fields in the records.
@Suite struct OCSFConsumersCLITests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ocsf_validate.py")

    static func validate(_ json: String) throws -> (status: Int32, problems: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rg-ocsf-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        let run = try CLI.run(
            ["-c", "python3 '\(script.path)' '\(file.path)'"], environment: HardenOrganizationCLITests.tools,
            shell: true)
        return (run.status, run.stdout + run.stderr)
    }

    @Test(arguments: ["insecure", "hardened"])
    func auditComplianceFindingsAreAccepted(_ example: String) throws {
        let audit = try CLI.run(["audit", "--example", example, "--output", "ocsf"], environment: [:])
        #expect(!audit.stdout.isEmpty)
        let (status, problems) = try Self.validate(audit.stdout)
        #expect(status == 0, "\(problems)")
    }

    @Test func trailDetectionFindingsAreAcceptedWhateverTheSourceAddress() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-ocsf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let sources = [
            "203.0.113.7", "2001:db8::7", "AWS Internal", "billingconsole.amazonaws.com",
            "\u{1B}]0;owned\u{07}\u{202E}evil", "999.1.1.1", "",
        ]
        let records: [[String: Any]] = sources.enumerated().map { index, source in
            [
                "eventVersion": "1.08",
                "userIdentity": [
                    "type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333",
                    "accessKeyId": "AKIAROOTKEYEXAMPLE01",
                ],
                "eventTime": "2026-12-01T10:0\(index):00Z", "eventSource": "iam.amazonaws.com",
                "eventName": "CreateUser", "awsRegion": "us-east-1", "sourceIPAddress": source,
                "userAgent": "agent \u{1B}[2J\u{9B}", "eventID": "e-\(index)", "eventType": "AwsApiCall",
                "recipientAccountId": "111122223333",
            ]
        }
        let file = folder.appendingPathComponent("records.json")
        try JSONSerialization.data(withJSONObject: ["Records": records]).write(to: file)
        let trail = try CLI.run(["trail", file.path, "--output", "ocsf"], environment: [:])
        #expect(trail.status == 3, "\(trail.stderr)")
        let (status, problems) = try Self.validate(trail.stdout)
        #expect(status == 0, "\(problems)")
        // Only addresses go in src_endpoint.ip; the rest where OCSF puts names; the severity caption is OCSF's own.
        let events = try #require(try JSONSerialization.jsonObject(with: Data(trail.stdout.utf8)) as? [[String: Any]])
        let endpoints = events.compactMap {
            (($0["evidences"] as? [[String: Any]])?.first?["src_endpoint"] as? [String: String])
        }
        #expect(Set(endpoints.compactMap { $0["ip"] }) == ["203.0.113.7", "2001:db8::7"])
        #expect(endpoints.contains { $0["hostname"] == "billingconsole.amazonaws.com" })
        #expect(endpoints.contains { $0["svc_name"] == "AWS Internal" })
        #expect(
            !events.contains { ($0["finding_info"] as? [String: Any])?["src_url"] != nil }, "a local path is no URL")
        let labels = Set(events.compactMap { $0["severity"] as? String })
        #expect(!labels.contains("Info"))
        // And the check can fail: a finding without its class's required members is refused by both consumers.
        let (broken, brokenProblems) = try Self.validate(#"[{"class_uid": 2004, "severity": "Info"}]"#)
        #expect(broken == 1)
        #expect(brokenProblems.contains("schema:") && brokenProblems.contains("py-ocsf-models:"))
    }
}
