import Foundation
import RootGuardTesting
import Testing

/// Every machine output of every command against its published schema (docs/schemas/), and each names its schema
/// version and the tool that wrote it.
@Suite("JSON outputs against docs/schemas", .motoServer, .serialized)
struct SchemaCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/cloudtrail")

    @Test func auditTrailAndDiffOutputsMatchTheirSchemas() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-schemas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var reports: [URL] = []
        for example in ["insecure", "hardened"] {
            let audit = try CLI.run(["audit", "--example", example, "--output", "json"], environment: [:])
            try Schemas.check(audit.stdout, against: "audit.schema.json")
            let file = folder.appendingPathComponent("\(example).json")
            try Data(audit.stdout.utf8).write(to: file)
            reports.append(file)
        }
        let diff = try CLI.run(["diff", reports[1].path, reports[0].path, "--output", "json"], environment: [:])
        #expect(diff.status == 2, "\(diff.stderr)")
        try Schemas.check(diff.stdout, against: "diff.schema.json")

        let trail = try CLI.run(["trail", Self.examples.path, "--output", "json"], environment: [:])
        try Schemas.check(trail.stdout, against: "trail.schema.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(trail.stdout.utf8)) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        #expect((document["tool"] as? [String: String])?["name"] == "rootguard")
        let lines = try CLI.run(["trail", Self.examples.path, "--output", "jsonl"], environment: [:])
        #expect(!lines.stdout.isEmpty)
        try Schemas.check(lines.stdout, against: "detection.schema.json", lines: true)
        // And the check can fail: a detection line without its schema version is refused.
        let stripped = lines.stdout.replacingOccurrences(of: #""schemaVersion":1,"#, with: "")
        #expect(stripped != lines.stdout)
        let file = folder.appendingPathComponent("stripped.jsonl")
        try Data(stripped.utf8).write(to: file)
        let refused = try CLI.run(
            [
                "-c",
                "python3 '\(Schemas.script.path)' '\(Schemas.folder.appendingPathComponent("detection.schema.json").path)' '\(file.path)' --lines",
            ], environment: HardenOrganizationCLITests.tools, shell: true)
        #expect(refused.status == 1 && refused.stdout.contains("'schemaVersion' is a required property"))
    }

    @Test func organizationAuditAndHardenPlansMatchTheirSchemas() async throws {
        let moto = try await MotoServer.fresh()
        _ = try await HardenOrganizationCLITests.organization(moto)
        let environment = HardenOrganizationCLITests.environment
        let org = try CLI.run(
            ["audit", "--org", "--no-monitoring", "--output", "json", "--endpoint-url", moto.endpoint],
            environment: environment)
        #expect(!org.stdout.isEmpty, "\(org.stderr)")
        try Schemas.check(org.stdout, against: "audit.schema.json")
        for arguments in [["org-root-access"], ["scp"], ["org-root-access", "--apply"]] {
            let plan = try CLI.run(
                ["harden"] + arguments + ["--format", "json", "--endpoint-url", moto.endpoint], environment: environment
            )
            #expect(!plan.stdout.isEmpty, "\(arguments): \(plan.stderr)")
            try Schemas.check(plan.stdout, against: "harden.schema.json")
        }
    }
}
