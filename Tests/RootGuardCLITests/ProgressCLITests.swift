import Foundation
import RootGuardTesting
import Testing

/// On a terminal, a single-account `audit` and `harden` show their progress as `--org` does (the AWS calls made so
/// far, on one stderr line that is erased at the end); piped, they print none.
@Suite("progress on a terminal", .motoServer, .serialized)
struct ProgressCLITests {
    @Test func auditAndHardenShowTheirCallsOnATerminalOnly() async throws {
        let moto = try await MotoServer.fresh()
        let environment = HardenOrganizationCLITests.tools.merging(AuditCLITests.environment) { $1 }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let report = folder.appendingPathComponent("audit.json")
        // The credential report takes IAM a moment to generate: long enough for the line to appear.
        let audit = try CLI.runOnTerminal(
            [
                "audit", "--output", "json", "--output-file", report.path, "--endpoint-url", moto.endpoint,
                "--regions", "us-east-1",
            ], environment: environment)
        #expect(audit.stdout.contains("collecting: "), "\(audit.stdout)")
        #expect(audit.stdout.contains(" AWS calls"))
        #expect(audit.stdout.contains("\u{1B}[K"), "the line is erased when done")
        let harden = try CLI.runOnTerminal(
            ["harden", "watch", "--regions", "us-east-1", "--endpoint-url", moto.endpoint], environment: environment)
        #expect(harden.status == 2, "\(harden.stdout)")
        // Piped: no progress at all.
        let piped = try CLI.run(
            [
                "audit", "--output", "json", "--output-file", report.path, "--endpoint-url", moto.endpoint,
                "--regions", "us-east-1",
            ], environment: environment)
        #expect(!piped.stderr.contains("AWS calls"), "\(piped.stderr)")
        #expect(!piped.stderr.contains("\u{1B}"))
    }
}
