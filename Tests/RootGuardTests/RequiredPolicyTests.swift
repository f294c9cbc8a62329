import Foundation
import RootGuard
import RootGuardReport
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
