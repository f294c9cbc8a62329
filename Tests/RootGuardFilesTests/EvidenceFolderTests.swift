import Foundation
import RootGuardFiles
import RootGuardModel
import RootGuardTrail
import Testing

/// An incident's evidence folder: every file in the manifest with its SHA-256, a change found, nothing mixed in.
@Suite("evidence folder")
struct EvidenceFolderTests {
    func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rg-evidence-\(UUID().uuidString)").path
    }

    static let record: JSONValue = .object([
        "eventID": .string("e-1"), "eventName": .string("CreateUser"), "userAgent": .string("hostile\u{1B}[2J\n"),
    ])

    @Test func theManifestNamesEveryFileAndFindsAChange() throws {
        let path = folder()
        let manifest = try EvidenceFolder.write(
            to: path, records: [Self.record, Self.record], detections: [],
            documents: ["root-email.txt": Array("root@example.com\n".utf8)], tool: "rootguard test",
            now: Date(timeIntervalSince1970: 1_796_000_000))
        #expect(manifest.files.map(\.file) == ["records.jsonl", "detections.jsonl", "root-email.txt"])
        #expect(manifest.files[0].bytes > 0 && manifest.files[1].bytes == 0)
        let records = try String(contentsOfFile: path + "/records.jsonl", encoding: .utf8)
        #expect(records.split(separator: "\n").count == 2, "one record per line: the newline in a field is escaped")
        #expect(try EvidenceFolder.verify(path).isEmpty)
        try Data("other@example.com\n".utf8).write(to: URL(fileURLWithPath: path + "/root-email.txt"))
        try FileManager.default.removeItem(atPath: path + "/detections.jsonl")
        #expect(try EvidenceFolder.verify(path) == ["detections.jsonl: missing", "root-email.txt: modified"])
    }

    @Test func evidenceGoesOnlyToANewOrEmptyFolderUnderPlainNames() throws {
        let path = folder()
        try EvidenceFolder.write(to: path, records: [], detections: [], tool: "t")
        #expect(throws: EvidenceFolder.WriteError.self) {
            try EvidenceFolder.write(to: path, records: [], detections: [], tool: "t")
        }
        for name in ["../escape", "manifest.json", "records.jsonl", ""] {
            #expect(throws: EvidenceFolder.WriteError.self) {
                try EvidenceFolder.write(to: folder(), records: [], detections: [], documents: [name: []], tool: "t")
            }
        }
    }
}
