import Foundation
import RootGuardModel
import Yams

/// Reads `--attestations FILE` (YAML).
public enum AttestationsFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(_ path: String) throws -> Attestations {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the attestations file")
        }
        return try parse(String(decoding: data, as: UTF8.self), name: path)
    }

    public static func parse(_ text: String, name: String) throws -> Attestations {
        do {
            try YAMLKeys.attestations.check(text, name: name)
        } catch let violation as YAMLKeys.Violation {
            throw LoadError(description: violation.description)
        }
        do {
            return try YAMLDecoder().decode(Attestations.self, from: text)
        } catch let DecodingError.dataCorrupted(context) where context.underlyingError is YamlError {
            let detail =
                String(describing: context.underlyingError!).split(separator: "\n").first.map(String.init) ?? ""
            throw LoadError(description: "\(name): invalid YAML: \(detail)")
        } catch let error as DecodingError {
            throw LoadError(description: "\(name): \(SnapshotFile.describe(error))")
        } catch let error as YamlError {
            throw LoadError(
                description: "\(name): invalid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        } catch {
            throw LoadError(description: "\(name): \(error)")
        }
    }
}
