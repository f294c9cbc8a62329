import Foundation
import RootGuardModel

/// Where a report goes, piece by piece: a file being written, standard output, or a string (tests, small reports).
/// Large reports (300,000 detections) are written as they are rendered, never held whole.
public protocol TextSink {
    mutating func write(_ text: String) throws
}

/// A sink that keeps everything: `Render.render` and tests.
public struct StringSink: TextSink {
    public private(set) var text = ""

    public init() {}

    public mutating func write(_ text: String) { self.text += text }
}

/// Pretty JSON written one member or element at a time, byte for byte as `JSONText.string(_, .pretty)` writes the
/// whole value (two-space indentation, `"key" : value`, keys sorted by the caller).
struct PrettyJSONStream {
    private let encoder = JSONText.encoder(.pretty)

    /// One value as pretty JSON, its lines indented by `depth` levels (the first line is not: it follows a key or
    /// starts an element line).
    func text(_ value: some Encodable, depth: Int) throws -> String {
        let json = JSONText.escapeInvisible(String(decoding: try encoder.encode(value), as: UTF8.self))
        guard depth > 0 else { return json }
        // JSON strings hold no raw line break: every one in the text is layout. An empty container's blank line stays
        // blank, as the encoder writes it.
        let indent = String(repeating: "  ", count: depth)
        var indented = json.replacingOccurrences(of: "\n", with: "\n" + indent)
        if indented.contains("\n" + indent + "\n") {
            indented = indented.replacingOccurrences(of: "\n" + indent + "\n", with: "\n\n")
        }
        return indented
    }

    /// An array whose elements come one at a time, at `depth` (0 for a top-level array).
    func array<Element: Encodable>(
        _ elements: some Sequence<Element>, depth: Int, into sink: inout some TextSink
    ) throws {
        var first = true
        let indent = String(repeating: "  ", count: depth + 1)
        for element in elements {
            try sink.write((first ? "[\n" : ",\n") + indent + (try text(element, depth: depth + 1)))
            first = false
        }
        if first {
            try sink.write(try text([JSONValue](), depth: depth))
        } else {
            try sink.write("\n" + String(repeating: "  ", count: depth) + "]")
        }
    }
}

/// A machine output's own name for itself: every JSON document and JSON line rootguard writes carries
/// `schemaVersion` (of its schema in docs/schemas/) and `tool` (`{"name":"rootguard","version":…}`) beside its members.
struct Stamped<Value: Encodable>: Encodable {
    let value: Value
    var schemaVersion = 1

    enum Keys: String, CodingKey { case schemaVersion, tool }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        // The same object: JSONEncoder merges a second keyed container into the first.
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(ReportV1.Tool(version: RootGuardVersion.current), forKey: .tool)
    }
}
