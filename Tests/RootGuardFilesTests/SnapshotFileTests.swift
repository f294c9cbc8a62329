import Foundation
import RootGuardFiles
import RootGuardModel
import Testing

@Suite struct SnapshotFileSafetyTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rg-\(UUID().uuidString)-\(name)").path
    }

    @Test func anInvalidAccountIDInASnapshotIsRefusedWithOneEscapedLine() throws {
        var object =
            try JSONSerialization.jsonObject(with: SnapshotFile.encode(SnapshotFile.example(.insecure)))
            as! [String: Any]
        var account = object["account"] as! [String: Any]
        account["accountID"] = "1234\u{1B}[2J"
        object["account"] = account
        let path = Self.temporary("bad.json")
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SnapshotFile.load(path)
            Issue.record("an invalid account id was accepted")
        } catch let error as SnapshotFile.LoadError {
            #expect(error.description.contains("account.accountID"))
        }
    }

    @Test func saveSnapshotRefusesNonRegularTargetsAndFollowsLinks() throws {
        let snapshot = try SnapshotFile.example(.hardened)
        #expect(throws: SnapshotFile.LoadError.self) { try SnapshotFile.save(snapshot, to: "/dev/null") }
        let fifo = Self.temporary("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: SnapshotFile.LoadError.self) { try SnapshotFile.checkWritable(fifo) }
        #expect(throws: SnapshotFile.LoadError.self) { try SnapshotFile.checkWritable("/nonexistent-folder/x.json") }
        // A link is followed: the target file is written, the link stays a link.
        let target = Self.temporary("target.json")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let link = Self.temporary("link.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try SnapshotFile.save(snapshot, to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try SnapshotFile.load(target).account.accountID == snapshot.account.accountID)
    }
}

/// A file's error names the place the way its reader writes it.
@Suite struct DecodingPathTests {
    @Test func aMissingMemberIsNamedByItsPathWithIndexes() {
        let approvals = #expect(throws: (any Error).self) {
            try ApprovalsFile.parse("approvals:\n  - {account: \"1\", from: 2026-01-01T00:00:00Z}\n", name: "a.yaml")
        }
        #expect(approvals.map { "\($0)" } == "a.yaml: missing approvals[0].until")
        let contacts = #expect(throws: (any Error).self) {
            try ContactsFile.parse("security: {name: a, title: b, email: c@d}\n", name: "c.yaml")
        }
        #expect(
            contacts.map { "\($0)" }?.contains("c.yaml: missing security.phone") == true,
            "\(String(describing: contacts))")
    }
}
