import Foundation
import RootGuardModel

/// Reading and writing snapshots (`--save-snapshot`, `--snapshot`).
public enum SnapshotFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ snapshot: Snapshot) throws -> Data { try encodeJSON(snapshot) }

    static func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONText.encoder(.pretty)
        return try encoder.encode(value)
    }

    public static func decode(_ data: Data, name: String) throws -> Snapshot {
        try decodeVersioned(Snapshot.self, data, name: name, kind: "snapshot")
    }

    private struct SchemaVersion: Decodable { let schemaVersion: Int? }

    /// Decodes a snapshot file after checking its schema version, with one-line errors naming the file.
    static func decodeVersioned<T: Decodable>(
        _ type: T.Type, _ data: Data, name: String, kind: String,
        versions: ClosedRange<Int> = Snapshot.currentSchemaVersion...Snapshot.currentSchemaVersion
    ) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let version = try? decoder.decode(SchemaVersion.self, from: data) else {
            throw LoadError(description: "\(name): not a JSON snapshot")
        }
        guard let found = version.schemaVersion, versions.contains(found) else {
            let readable =
                versions.count == 1 ? "\(versions.lowerBound)" : "\(versions.lowerBound) to \(versions.upperBound)"
            throw LoadError(
                description:
                    "\(name): \(kind) schemaVersion \(version.schemaVersion.map(String.init) ?? "missing") is not supported (this rootguard reads \(readable))"
            )
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context)
            where context.codingPath.isEmpty
            && (try? JSONSerialization.jsonObject(with: data)) != nil
        {
            // Foundation says "not valid JSON" when valid JSON holds a number its field cannot take.
            throw LoadError(
                description:
                    "\(name): invalid \(kind): a number does not fit its field (a fraction, or out of range, where a whole number belongs)"
            )
        } catch let error as DecodingError {
            throw LoadError(description: "\(name): invalid \(kind): \(describe(error))")
        }
    }

    public static func load(_ path: String) throws -> Snapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the file")
        }
        if isOrganization(data) {
            throw LoadError(description: "\(path): an organization snapshot; add --org to evaluate it")
        }
        return try decode(data, name: path)
    }

    public static func save(_ snapshot: Snapshot, to path: String) throws {
        do {
            try OutputFile.write(try encode(snapshot), to: path, newFileMode: 0o600)
        } catch let error as OutputFile.Failure {
            throw LoadError(description: "cannot save the snapshot: \(error)")
        }
    }

    /// Refuses a `--save-snapshot` path before any collection: a bad path must not cost a whole live run.
    public static func checkWritable(_ path: String) throws {
        do {
            _ = try OutputFile.check(path)
        } catch let error as OutputFile.Failure {
            throw LoadError(description: "cannot save the snapshot: \(error)")
        }
    }

    // MARK: - Organization snapshots (`audit --org --save-snapshot` / `--snapshot`)

    public static func encode(_ organization: OrganizationSnapshot) throws -> Data { try encodeJSON(organization) }

    /// True when the JSON is an organization snapshot (it has members), not one account's.
    public static func isOrganization(_ data: Data) -> Bool {
        struct Shape: Decodable { let members: [JSONValue]? }
        return (try? JSONDecoder().decode(Shape.self, from: data))?.members != nil
    }

    public static func decodeOrganization(_ data: Data, name: String) throws -> OrganizationSnapshot {
        guard (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil else {
            throw LoadError(description: "\(name): not a JSON snapshot")
        }
        guard isOrganization(data) else {
            throw LoadError(description: "\(name): a single-account snapshot; drop --org to evaluate it")
        }
        return try decodeVersioned(
            OrganizationSnapshot.self, data, name: name, kind: "organization snapshot",
            versions: OrganizationSnapshot.readableSchemaVersions)
    }

    public static func loadOrganization(_ path: String) throws -> OrganizationSnapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the file")
        }
        return try decodeOrganization(data, name: path)
    }

    public static func save(_ organization: OrganizationSnapshot, to path: String) throws {
        do {
            try OutputFile.write(try encode(organization), to: path, newFileMode: 0o600)
        } catch let error as OutputFile.Failure {
            throw LoadError(description: "cannot save the snapshot: \(error)")
        }
    }

    /// A bundled example snapshot.
    public enum Example: String, CaseIterable, Sendable {
        case insecure, hardened
    }

    public static func example(_ example: Example) throws -> Snapshot {
        guard
            let url = Bundle.module.url(
                forResource: "\(example.rawValue)-account", withExtension: "json", subdirectory: "Examples"),
            let data = try? Data(contentsOf: url)
        else {
            throw LoadError(description: "the bundled example '\(example.rawValue)' is missing from this build")
        }
        return try decode(data, name: "example \(example.rawValue)")
    }

    /// `approvals[0].from`, as a reader of the file would write it (Foundation says `approvals.Index 0.from`).
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    public static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = path(context.codingPath)
            return "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
