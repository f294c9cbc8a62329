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
    func text(_ value: some Encodable, depth: Int) throws -> String { try encoded(value, depth: depth) }

    /// A `JSONValue` written directly (the OCSF and ASFF streams), through the encoder only when it holds a number
    /// that is not whole. Chosen by its type when the stream is called, not tested for each element.
    func text(_ value: JSONValue, depth: Int) throws -> String {
        try PrettyJSONValue.text(value, depth: depth) ?? encoded(value, depth: depth)
    }

    private func encoded(_ value: some Encodable, depth: Int) throws -> String {
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
        try array(elements, depth: depth, into: &sink) { try text($0, depth: depth + 1) }
    }

    /// The same for `JSONValue` elements, each written directly.
    func array(_ elements: some Sequence<JSONValue>, depth: Int, into sink: inout some TextSink) throws {
        try array(elements, depth: depth, into: &sink) { try text($0, depth: depth + 1) }
    }

    private func array<Element>(
        _ elements: some Sequence<Element>, depth: Int, into sink: inout some TextSink,
        render: (Element) throws -> String
    ) throws {
        var first = true
        let indent = String(repeating: "  ", count: depth + 1)
        for element in elements {
            try sink.write((first ? "[\n" : ",\n") + indent + (try render(element)))
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

/// Pretty JSON for `JSONValue` written directly, byte for byte as `JSONText.string(_, .pretty)` writes it (keys
/// sorted, `"key" : value`, two-space indentation, `\uXXXX` for control characters; C1, separators and bidi escaped as
/// `JSONText` does), without `JSONEncoder`'s per-value machinery: the OCSF and ASFF streams write 330,000 findings.
/// A value holding a number that is not whole goes through the encoder (its number formatting is Foundation's).
enum PrettyJSONValue {
    static func text(_ value: JSONValue, depth: Int) -> String? {
        var out = ""
        guard write(value, depth: depth, into: &out) else { return nil }
        return JSONText.escapeInvisible(out)
    }

    private static func write(_ value: JSONValue, depth: Int, into out: inout String) -> Bool {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            guard number.rounded() == number, abs(number) < 1e15 else { return false }
            out += String(Int(number))
        case .string(let text): string(text, into: &out)
        case .array(let items):
            return container(items, open: "[", close: "]", depth: depth, into: &out) { item, out in
                write(item, depth: depth + 1, into: &out)
            }
        case .object(let members):
            return container(members.keys.sorted(), open: "{", close: "}", depth: depth, into: &out) { key, out in
                string(key, into: &out)
                out += " : "
                return write(members[key]!, depth: depth + 1, into: &out)
            }
        }
        return true
    }

    /// An array's elements or an object's members, one per line at `depth + 1`; an empty one as the encoder writes it
    /// (a blank line between the brackets).
    private static func container<Item>(
        _ items: [Item], open: String, close: String, depth: Int, into out: inout String,
        member: (Item, inout String) -> Bool
    ) -> Bool {
        let closing = String(repeating: "  ", count: depth) + close
        guard !items.isEmpty else {
            out += open + "\n\n" + closing
            return true
        }
        let inner = String(repeating: "  ", count: depth + 1)
        out += open + "\n"
        for (index, item) in items.enumerated() {
            out += inner
            guard member(item, &out) else { return false }
            out += index == items.count - 1 ? "\n" : ",\n"
        }
        out += closing
        return true
    }

    private static func string(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
