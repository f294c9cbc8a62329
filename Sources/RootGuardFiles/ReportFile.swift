import Foundation
import RootGuardModel

/// Reading a report rootguard wrote with `--output json` (for `diff` and `--baseline`).
public enum ReportFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(_ path: String) throws -> ReportV1 {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(
                description: "\(path): not a JSON object; give a report written by `rootguard audit --output json`")
        }
        if object["detections"] != nil && object["findings"] == nil {
            throw LoadError(
                description: "\(path): a trail report; diff compares audit reports (`rootguard audit --output json`)")
        }
        guard let version = object["schemaVersion"] as? Int else {
            throw LoadError(description: "\(path): no schemaVersion; not a rootguard audit report")
        }
        guard version == 1 else {
            throw LoadError(
                description: "\(path): report schema version \(version); this rootguard reads version 1")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(ReportV1.self, from: data)
        } catch let error as DecodingError {
            throw LoadError(description: "\(path): invalid report: \(SnapshotFile.describe(error))")
        }
    }
}
