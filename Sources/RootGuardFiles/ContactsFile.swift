import Foundation
import RootGuardModel

/// The contacts file of `harden contacts --contacts FILE`: `security: {name, title, email, phone}`, and the same for
/// `operations` and `billing` (any of the three). Read and checked before any AWS call.
public enum ContactsFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    static let keys = YAMLKeys.map(
        Dictionary(
            uniqueKeysWithValues: ["security", "operations", "billing"].map {
                ($0, YAMLKeys.map(["name": .scalar, "title": .scalar, "email": .scalar, "phone": .scalar]))
            }))

    /// Type (`SECURITY`, …) → contact, from the YAML file (`security: {name, title, email, phone}`, …).
    public static func load(_ path: String) throws -> [String: ContactDetails] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the contacts file")
        }
        return try parse(String(decoding: data, as: UTF8.self), name: path)
    }

    /// The same from text (`name` for messages).
    public static func parse(_ text: String, name path: String) throws -> [String: ContactDetails] {
        do {
            try keys.check(text, name: path)
        } catch let violation as YAMLKeys.Violation {
            throw LoadError(description: violation.description)
        }
        let decoded: [String: ContactDetails]
        do {
            decoded = try YAMLDecoderBridge.decode([String: ContactDetails].self, text)
        } catch let error as DecodingError {
            throw LoadError(description: "\(path): \(SnapshotFile.describe(error))")
        }
        guard !decoded.isEmpty else {
            throw LoadError(description: "\(path): no contact (security, operations, billing)")
        }
        for (type, contact) in decoded {
            guard contact.email.contains("@"), !contact.name.isEmpty, !contact.phone.isEmpty else {
                throw LoadError(description: "\(path): \(type): name, email and phone must all be set")
            }
        }
        return Dictionary(uniqueKeysWithValues: decoded.map { ($0.key.uppercased(), $0.value) })
    }
}
