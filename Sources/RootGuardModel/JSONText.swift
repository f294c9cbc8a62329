import Foundation

/// rootguard's one JSON encoder configuration for everything it writes for people and tools: keys sorted (stable
/// output, diffable), slashes unescaped, dates as ISO 8601. Wire formats keep their own (the AWS JSON protocol's
/// epoch seconds in RootGuardAWS).
public enum JSONText {
    public enum Layout: Sendable {
        /// Indented, one member per line: reports and templates.
        case pretty
        /// One line: JSON Lines records and policy documents.
        case compact
    }

    public static func encoder(_ layout: Layout) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            layout == .pretty
            ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The value as JSON text (no final line break).
    public static func string(_ value: some Encodable, _ layout: Layout) throws -> String {
        String(decoding: try encoder(layout).encode(value), as: UTF8.self)
    }

    public static func data(_ value: some Encodable, _ layout: Layout) throws -> Data {
        try encoder(layout).encode(value)
    }
}
