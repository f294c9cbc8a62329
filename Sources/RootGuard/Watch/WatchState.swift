import Foundation
import RootGuardFiles
import RootGuardModel

/// What `watch` already delivered, so a redelivered message (or the same record in two messages) is alerted once
/// per sink. Bounded: entries older than `retention` go, and at most `capacity` are kept. With `--state FILE` it
/// survives restarts (written atomically after each message).
public struct WatchState: Codable, Sendable {
    /// Alert key (`account/eventID/detection`) → sinks that accepted it, and when it was first delivered.
    struct Entry: Codable, Sendable {
        var sinks: Set<String>
        var at: Date
    }

    private var entries: [String: Entry] = [:]
    public var retention: TimeInterval = 7 * 86_400
    public var capacity = 100_000

    enum CodingKeys: String, CodingKey { case entries }

    public init() {}

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The state in `path`, or an empty one when the file does not exist yet.
    public static func load(_ path: String) throws -> WatchState {
        guard FileManager.default.fileExists(atPath: path) else { return WatchState() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the state file")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(WatchState.self, from: data)
        } catch let error as DecodingError {
            throw LoadError(description: "\(path): not a rootguard watch state file (\(SnapshotFile.describe(error)))")
        } catch {
            throw LoadError(description: "\(path): not a rootguard watch state file")
        }
    }

    public func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public func delivered(_ key: String, to sink: String) -> Bool { entries[key]?.sinks.contains(sink) ?? false }

    public mutating func record(_ key: String, sink: String, now: Date) {
        entries[key, default: Entry(sinks: [], at: now)].sinks.insert(sink)
    }

    public mutating func prune(now: Date) {
        let cutoff = now.addingTimeInterval(-retention)
        entries = entries.filter { $0.value.at >= cutoff }
        if entries.count > capacity {
            let keep = entries.sorted { $0.value.at > $1.value.at }.prefix(capacity)
            entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
