import Foundation
import RootGuard
import RootGuardAWS
import RootGuardFiles
import RootGuardModel
import RootGuardTesting
import Testing

/// The report formats through the built binary: files written atomically, `diff` and `--baseline` exit codes, and
/// the ASFF import into Security Hub against moto.
@Suite("rootguard report formats, diff and Security Hub import", .motoServer, .serialized)
struct ReportsCLITests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rg-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: ["sarif", "ocsf", "asff", "junit", "csv", "html", "json", "text"])
    func everyAuditFormatGoesToAFileLeavingNothingElseBehind(_ format: String) throws {
        let folder = try Self.folder()
        let target = folder.appendingPathComponent("report.\(format)")
        let result = try CLI.run(
            ["audit", "--example", "insecure", "--output", format, "--output-file", target.path], environment: [:])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let written = try String(contentsOf: target, encoding: .utf8)
        #expect(!written.isEmpty)
        #expect(!written.contains("\u{1B}["), "no colour codes in a file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.\(format)"])
    }

    @Test(arguments: ["ocsf", "asff", "csv", "html"])
    func everyTrailFormatIsWritten(_ format: String) throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/cloudtrail")
        let target = try Self.folder().appendingPathComponent("trail.\(format)")
        let result = try CLI.run(
            ["trail", examples.path, "--output", format, "--output-file", target.path], environment: [:])
        #expect(result.status == 3)  // the example holds unexpected root activity
        #expect(try Data(contentsOf: target).count > 1000)
    }

    @Test func anOutputFileThatCannotBeWrittenFailsBeforeAnyWork() throws {
        let result = try CLI.run(
            ["audit", "--example", "insecure", "--output", "sarif", "--output-file", "/dev/null"], environment: [:])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func diffExitsTwoOnARegressionAndOneOnTheWrongKindOfReport() throws {
        let folder = try Self.folder()
        let hardened = folder.appendingPathComponent("hardened.json").path
        let insecure = folder.appendingPathComponent("insecure.json").path
        for (example, path) in [("hardened", hardened), ("insecure", insecure)] {
            #expect(
                try CLI.run(
                    ["audit", "--example", example, "--output", "json", "--output-file", path], environment: [:]
                ).status == 0)
        }
        let worse = try CLI.run(["diff", hardened, insecure], environment: [:])
        #expect(worse.status == 2)
        #expect(worse.stdout.contains("New failures ("))
        #expect(worse.stdout.contains("Regression:"))
        // Hardening fixed most failures, but a FAIL became MANUAL (an attestation now decides): coverage lost,
        // which is a regression until accepted.
        let better = try CLI.run(["diff", insecure, hardened, "--output", "json"], environment: [:])
        #expect(better.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(better.stdout.utf8)) as? [String: Any]
        #expect(((object?["fixed"] as? [[String: Any]]) ?? []).count >= 10)
        let lost = (object?["coverageLost"] as? [[String: Any]]) ?? []
        #expect(
            Set(lost.compactMap { $0["checkId"] as? String }) == ["root-mfa-multiple-devices"])
        let accepted = try CLI.run(["diff", insecure, hardened, "--allow-coverage-loss"], environment: [:])
        #expect(accepted.status == 0)
        let html = try CLI.run(["diff", hardened, insecure, "--output", "html"], environment: [:])
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))

        // Two reports of different accounts are refused in one line (it had reported every FAIL as new).
        var document =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: insecure)))
            as? [String: Any] ?? [:]
        let findings = (document["findings"] as? [[String: Any]]) ?? []
        let account = try #require(findings.first?["accountId"] as? String)
        document["findings"] = findings.map { finding -> [String: Any] in
            var finding = finding
            finding["accountId"] = account == "999988887777" ? "111100002222" : "999988887777"
            return finding
        }
        let elsewhere = folder.appendingPathComponent("elsewhere.json").path
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: elsewhere))
        let mismatched = try CLI.run(["diff", hardened, elsewhere], environment: [:])
        #expect(mismatched.status == 1, "\(mismatched.stdout)")
        #expect(mismatched.stderr.contains("the reports are of different accounts"), "\(mismatched.stderr)")
        #expect(!mismatched.stdout.contains("New failures"))
        // A check the new report did not run at all: coverage lost, not silence.
        var fewer =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: insecure)))
            as? [String: Any] ?? [:]
        fewer["findings"] = findings.filter { $0["checkId"] as? String != "root-mfa-enabled" }
        let subset = folder.appendingPathComponent("subset.json").path
        try JSONSerialization.data(withJSONObject: fewer).write(to: URL(fileURLWithPath: subset))
        let narrowed = try CLI.run(["diff", insecure, subset, "--output", "json"], environment: [:])
        #expect(narrowed.status == 2, "\(narrowed.stdout)\(narrowed.stderr)")
        let narrowedObject = try JSONSerialization.jsonObject(with: Data(narrowed.stdout.utf8)) as? [String: Any]
        let narrowedLost = (narrowedObject?["coverageLost"] as? [[String: Any]]) ?? []
        #expect(narrowedLost.contains { $0["checkId"] as? String == "root-mfa-enabled" && $0["newStatus"] == nil })

        let trail = folder.appendingPathComponent("trail.json").path
        try Data(#"{"summary":{},"detections":[]}"#.utf8).write(to: URL(fileURLWithPath: trail))
        let wrong = try CLI.run(["diff", hardened, trail], environment: [:])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("a trail report"))
        #expect(wrong.stderr.split(separator: "\n").count == 1)

        let baseline = try CLI.run(["audit", "--example", "insecure", "--baseline", hardened], environment: [:])
        #expect(baseline.status == 2)
        #expect(baseline.stdout.contains("rootguard diff"))
        let same = try CLI.run(
            ["audit", "--example", "insecure", "--baseline", insecure, "--output", "json"], environment: [:])
        #expect(same.status == 0)
        #expect(same.stderr.contains("No regression."))
        _ = try JSONSerialization.jsonObject(with: Data(same.stdout.utf8))  // the report stays valid JSON
    }

    @Test func asffFindingsAreImportedIntoSecurityHubInBatches() async throws {
        let moto = try await MotoServer.fresh()
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
        let result = try CLI.run(
            [
                "audit", "--example", "insecure", "--output", "asff", "--import-to-securityhub", "--endpoint-url",
                moto.endpoint, "--region", "us-east-1",
            ], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = (document?["Findings"] as? [[String: Any]]) ?? []
        #expect(findings.count > 20)
        #expect(
            result.stderr.contains(
                "Security Hub: \(findings.count) of \(findings.count) findings imported in 1 BatchImportFindings calls")
        )
        let imported = try await moto.client().using { client in
            try await client.securityHub().getFindings(.init(maxResults: 100)).findings ?? []
        }
        #expect(Set(imported.compactMap(\.id)) == Set(findings.compactMap { $0["Id"] as? String }))

        // Trail detections too, in batches of at most 100.
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/cloudtrail")
        let trail = try CLI.run(
            [
                "trail", examples.path, "--output", "asff", "--import-to-securityhub", "--endpoint-url", moto.endpoint,
                "--client-region", "us-east-1",
            ], environment: environment)
        #expect(trail.status == 3, "\(trail.stderr)")
        #expect(trail.stderr.contains("findings imported"))
    }

    @Test func moreThanAHundredFindingsGoInBatchesOfAHundred() async throws {
        let moto = try await MotoServer.fresh()
        let findings: [JSONValue] = (0..<250).map { index in
            [
                "SchemaVersion": "2018-10-08", "Id": .string("rootguard/test/\(index)"),
                "ProductArn": "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default",
                "GeneratorId": "rootguard/test", "AwsAccountId": "123456789012",
                "CreatedAt": "2026-11-30T00:00:00Z", "UpdatedAt": "2026-11-30T00:00:00Z", "Title": "t",
                "Description": "d", "Severity": ["Label": "LOW"], "Types": ["Software and Configuration Checks"],
                "Resources": [["Type": "AwsAccount", "Id": "arn:aws:iam::123456789012:root"]],
            ]
        }
        let outcome = try await moto.client().using { try await SecurityHubImport.run(findings, client: $0) }
        #expect(outcome.calls == 3)
        #expect(outcome.imported == 250)
        #expect(outcome.failed.isEmpty)
    }

    @Test func aRefusedImportIsOneLineAndExitOne() async throws {
        // No credentials at all: the import fails with one line, after the report was written.
        let result = try CLI.run(
            [
                "audit", "--example", "hardened", "--import-to-securityhub", "--endpoint-url", "http://127.0.0.1:9",
                "--max-attempts", "1", "--timeout", "2",
            ], environment: ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("secret"))
    }
}
