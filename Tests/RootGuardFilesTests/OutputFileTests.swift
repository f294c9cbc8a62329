import Foundation
import RootGuardFiles
import RootGuardModel
import Testing

/// Output files keep what the user set: an existing file's mode (also through a link), and a new snapshot, which
/// holds account data, is readable by its owner only.
@Suite struct OutputFileTests {
    /// A path in a folder of its own (other tests write to the shared temporary folder at the same time).
    static func temporary(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-out-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = stat(path, &info)
        return info.st_mode & 0o7777
    }

    @Test func anExistingFileKeepsItsModeAlsoThroughALink() throws {
        let target = Self.temporary("report.json")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o600)
        try OutputFile.write(Data("new".utf8), to: target)
        #expect(Self.mode(target) == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        let link = Self.temporary("link.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        chmod(target, 0o640)
        try OutputFile.write(Data("newer".utf8), to: link)
        #expect(Self.mode(target) == 0o640)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "newer")
    }

    @Test func aNewSnapshotIsTheOwnersOnlyAndANewReportFollowsTheUmask() throws {
        let snapshot = Self.temporary("snapshot.json")
        try SnapshotFile.save(try SnapshotFile.example(.hardened), to: snapshot)
        #expect(Self.mode(snapshot) == 0o600)
        let report = Self.temporary("report.html")
        try OutputFile.write(Data("<html>".utf8), to: report)
        let mask = umask(0)
        umask(mask)
        #expect(Self.mode(report) == 0o666 & ~mask)
        // Nothing is left beside the file.
        let folder = (report as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.hasPrefix(".rootguard-") })
    }
}
