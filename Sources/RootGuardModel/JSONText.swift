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

    /// The value as JSON text (no final line break), with C1 controls, line/paragraph separators and bidi controls
    /// written as `\uXXXX` (JSON allows it; Foundation writes them raw, and a terminal or viewer would act on them).
    public static func string(_ value: some Encodable, _ layout: Layout) throws -> String {
        escapeInvisible(String(decoding: try encoder(layout).encode(value), as: UTF8.self))
    }

    /// Characters JSON may carry raw but that a terminal, log viewer or editor acts on. They can only stand inside
    /// strings (JSON's structure is ASCII), so escaping them in the text keeps every value.
    public static func escapeInvisible(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: isInvisible) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if isInvisible(scalar) {
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    public static func data(_ value: some Encodable, _ layout: Layout) throws -> Data {
        try encoder(layout).encode(value)
    }
}
