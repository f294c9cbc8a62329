import Foundation
import RootGuardFiles
import RootGuardTrail
import Testing

/// `ApprovalsFile.append`: what root-task writes before each privileged session is read back by trail and watch as
/// written, keeps the file's comments and layout, escapes hostile text, and loses nothing under concurrent writers.
@Suite("approvals file append")
struct ApprovalsAppendTests {
    func file(_ text: String?) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rg-approvals-\(UUID().uuidString).yaml"
        )
        .path
        if let text { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
        return path
    }

    func approval(_ reason: String, account: String = "222222222222") -> Approval {
        Approval(
            account: account, from: Date(timeIntervalSince1970: 1_796_000_000),
            until: Date(timeIntervalSince1970: 1_796_001_200), who: "arn:aws:iam::111111111111:role/Ops",
            ticket: "CHG-1", actions: ["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
            taskPolicies: ["S3UnlockBucketPolicy"], callers: ["arn:aws:iam::111111111111:role/Ops"], reason: reason)
    }

    @Test func aNewFileHoldsExactlyTheApproval() throws {
        let path = try file(nil)
        try ApprovalsFile.append(approval("locked out"), to: path)
        #expect(try ApprovalsFile.load(path) == [approval("locked out")])
    }

    @Test func anExistingFileKeepsItsCommentsAndIndentation() throws {
        let text = """
            # break-glass windows, reviewed weekly
            approvals:
                - account: "333333333333"   # the payments account
                  from: 2026-11-02T09:00:00Z
                  until: 2026-11-02T11:00:00Z
                  ticket: CHG-0

            """
        let path = try file(text)
        try ApprovalsFile.append(approval("second"), to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.hasPrefix(text), "what was there stays byte for byte")
        let loaded = try ApprovalsFile.load(path)
        #expect(loaded.count == 2)
        #expect(loaded[1] == approval("second"))
    }

    @Test func anEmptyListIsReplacedAndHeaderCommentsKept() throws {
        let path = try file("# mine\napprovals: []\n")
        try ApprovalsFile.append(approval("x"), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# mine\napprovals:\n"))
        #expect(try ApprovalsFile.load(path) == [approval("x")])
    }

    @Test func hostileTextIsWrittenAsDataNotAsYAML() throws {
        let path = try file(nil)
        let reason = "a\"b\\c\nd: e\t#f\u{1B}[31m\u{2028}'g' - [h] {i}"
        try ApprovalsFile.append(approval(reason), to: path)
        let loaded = try ApprovalsFile.load(path)
        #expect(loaded.count == 1)
        #expect(loaded.first?.reason == reason)
    }

    @Test func aFileThatIsNotAnApprovalsFileIsRefusedAndLeftAlone() throws {
        let text = "approvals:\n  - account: nope\n"
        let path = try file(text)
        #expect(throws: ApprovalsFile.LoadError.self) { try ApprovalsFile.append(approval("x"), to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func concurrentWritersLoseNoEntry() async throws {
        let path = try file(nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask {
                    try ApprovalsFile.append(
                        approval("run \(index)", account: String(format: "%012d", 100_000_000_000 + index)), to: path)
                }
            }
            try await group.waitForAll()
        }
        let loaded = try ApprovalsFile.load(path)
        #expect(loaded.count == 24)
        #expect(Set(loaded.compactMap(\.reason)).count == 24)
    }
}
