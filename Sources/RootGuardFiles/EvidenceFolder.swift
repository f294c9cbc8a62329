import Crypto
import Foundation
import RootGuardModel
import RootGuardTrail

/// An incident's evidence as a folder a responder hands on: the CloudTrail records of the sessions (one JSON per
/// line, as read), the detections, any further documents (root e-mail, contacts, custody attestations, integrity
/// results), and `manifest.json` with the SHA-256 and size of every file. The folder must be new or empty (evidence
/// is never mixed with what was there); every file is written whole or not at all.
public enum EvidenceFolder {
    public struct Manifest: Codable, Sendable, Equatable {
        public struct Entry: Codable, Sendable, Equatable {
            public var file: String
            public var sha256: String
            public var bytes: Int
        }

        public var createdAt: String
        public var tool: String
        public var files: [Entry]
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Evidence goes only to a new or an empty folder: checked before a run changes anything, and again on writing.
    public static func check(_ folder: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else { throw WriteError(description: "\(folder): exists and is not a folder") }
        guard (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty ?? false else {
            throw WriteError(description: "\(folder): is not empty; evidence goes to a new or empty folder")
        }
    }

    /// Before a run changes anything: the folder is new or empty, and a file can be written there now (created if
    /// missing, then a probe file written and removed) — a read-only or full filesystem, or a link to nowhere, is
    /// refused before containment instead of failing after it.
    public static func probe(_ folder: String) throws {
        try check(folder)
        try probeWritable(folder)
    }

    /// The folder (new, or holding other evidence) can be written now: created if missing, a probe file written and
    /// removed.
    public static func probeWritable(_ folder: String) throws {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder),
            !FileManager.default.fileExists(atPath: folder)
        {
            throw WriteError(description: "\(folder): is a link to \(target), which does not exist")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(description: "\(folder): cannot create the folder: \(error.localizedDescription)")
        }
        let probe = URL(fileURLWithPath: folder).appendingPathComponent(".rootguard-write-probe")
        do {
            try Data(repeating: 0x20, count: 64 * 1024).write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            try? FileManager.default.removeItem(at: probe)
            throw WriteError(description: "\(folder): cannot be written (\(error.localizedDescription))")
        }
    }

    /// Writes the evidence and returns its manifest. `records` are CloudTrail records as JSON; `documents` are further
    /// files by name (names are plain file names, no folders).
    @discardableResult
    public static func write(
        to folder: String, records: [JSONValue], detections: [Detection], documents: [String: [UInt8]] = [:],
        tool: String, now: Date = Date()
    ) throws -> Manifest {
        try check(folder)
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw WriteError(description: "\(folder): cannot create the folder: \(error.localizedDescription)")
            }
        }
        var files: [(String, [UInt8])] = []
        files.append(("records.jsonl", try lines(records)))
        files.append(("detections.jsonl", try lines(detections)))
        for (name, bytes) in documents.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", name != "manifest.json",
                !files.contains(where: { $0.0 == name })
            else { throw WriteError(description: "\(folder): '\(name)' is not a file name evidence can use") }
            files.append((name, bytes))
        }
        var entries: [Manifest.Entry] = []
        for (name, bytes) in files {
            try save(bytes, to: folder + "/" + name)
            entries.append(.init(file: name, sha256: hex(SHA256.hash(data: bytes)), bytes: bytes.count))
        }
        let manifest = Manifest(createdAt: TimeArgument.format(now), tool: tool, files: entries)
        try save(Array((try JSONText.string(manifest, .pretty) + "\n").utf8), to: folder + "/manifest.json")
        return manifest
    }

    /// Checks a folder against its manifest: the files whose SHA-256 or size differ, or that are missing.
    public static func verify(_ folder: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: folder + "/manifest.json"),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { throw WriteError(description: "\(folder): no readable manifest.json") }
        return manifest.files.compactMap { entry in
            guard let bytes = FileManager.default.contents(atPath: folder + "/" + entry.file) else {
                return "\(entry.file): missing"
            }
            let hash = hex(SHA256.hash(data: bytes))
            return hash == entry.sha256 && bytes.count == entry.bytes ? nil : "\(entry.file): modified"
        }
    }

    static func lines(_ values: [some Encodable]) throws -> [UInt8] {
        var out: [UInt8] = []
        for value in values {
            out += Array(try JSONText.string(value, .compact).utf8)
            out.append(0x0A)
        }
        return out
    }

    static func save(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw WriteError(description: "\(path): cannot write: \(error.localizedDescription)")
        }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
