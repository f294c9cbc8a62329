import Foundation
import RootGuardModel
import RootGuardTrail

/// What `trail`, `trail athena` and `watch` write, read back for `respond --detections`: the whole JSON report
/// (`--output json`, its `detections`), a JSON array of detections, or JSON lines (`--output jsonl`, watch's jsonl
/// sink; blank lines skipped). A line or element that is not a detection is an error naming it, never skipped.
public enum DetectionsFile {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The most a detections input may hold: anyone who can write it could make it arbitrarily large.
    public static let limit = 512 << 20

    /// Reads `path` (`-`: standard input), at most ``limit`` bytes.
    public static func load(_ path: String) throws -> [Detection] {
        let data: Data
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw Invalid(description: "\(path): cannot be read")
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw Invalid(description: "\(path == "-" ? "standard input" : path): cannot be read (\(error))")
        }
        guard data.count <= limit else {
            throw Invalid(
                description:
                    "\(path == "-" ? "standard input" : path): larger than \(limit >> 20) MiB; split it (e.g. by account) or name the logs with --account and --since"
            )
        }
        return try parse(data, name: path == "-" ? "standard input" : path)
    }

    public static func parse(_ data: Data, name: String) throws -> [Detection] {
        let decoder = JSONDecoder()
        let text = String(decoding: data, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.isEmpty { return [] }
        func describe(_ error: any Error) -> String {
            if case DecodingError.keyNotFound(let key, _) = error { return "no \(key.stringValue)" }
            if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
            if case DecodingError.typeMismatch(_, let context) = error {
                return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
            }
            return "not a detection"
        }
        // A detection whose account is not an account id cannot be scoped: an error naming it, never dropped.
        func checked(_ detections: [Detection], where place: (Int) -> String) throws -> [Detection] {
            for (index, detection) in detections.enumerated() where AccountID(rawValue: detection.accountId) == nil {
                throw Invalid(
                    description:
                        "\(name): \(place(index)) names account '\(TerminalSafe.escape(detection.accountId))', not a 12-digit account id"
                )
            }
            return detections
        }
        if trimmed.first == "[" {
            let detections: [Detection]
            do { detections = try decoder.decode([Detection].self, from: data) } catch {
                throw Invalid(description: "\(name): not a JSON array of detections (\(describe(error)))")
            }
            return try checked(detections) { "detection \($0 + 1)" }
        }
        // A whole report: one object with `detections` (pretty-printed over many lines).
        if trimmed.first == "{",
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["detections"] != nil
        {
            struct Report: Decodable { var detections: [Detection] }
            let detections: [Detection]
            do { detections = try decoder.decode(Report.self, from: data).detections } catch {
                throw Invalid(description: "\(name): its detections cannot be read (\(describe(error)))")
            }
            return try checked(detections) { "detection \($0 + 1)" }
        }
        var detections: [Detection] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            do {
                let detection = try decoder.decode(Detection.self, from: Data(line.utf8))
                detections.append(try checked([detection]) { _ in "line \(index + 1)" }[0])
            } catch let error as Invalid {
                throw error
            } catch {
                throw Invalid(
                    description:
                        "\(name): line \(index + 1) is not a detection as trail or watch write it (\(describe(error)))")
            }
        }
        return detections
    }
}
