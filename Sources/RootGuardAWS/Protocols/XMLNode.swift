import Foundation

/// A parsed XML element: name, text and child elements. Namespaces and prefixes are dropped.
public final class XMLNode: @unchecked Sendable {
    public let name: String
    public internal(set) var text: String = ""
    public internal(set) var children: [XMLNode] = []

    init(name: String) { self.name = name }

    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    public func children(named name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The first element of that name at any depth (breadth-first).
    public func descendant(_ name: String) -> XMLNode? {
        var queue = children
        while !queue.isEmpty {
            let node = queue.removeFirst()
            if node.name == name { return node }
            queue.append(contentsOf: node.children)
        }
        return nil
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses a document as AWS sends them: an optional XML declaration, one root element, elements with attributes
    /// (read and dropped), text with the five predefined entities and character references, CDATA and comments.
    /// Processing instructions, document type declarations and other entities are refused (no expansion, nothing
    /// external), as are non-UTF-8 bytes, the control characters XML 1.0 forbids, mismatched tags and nesting deeper
    /// than 64 elements. rootguard owns this parser: Foundation's XMLParser trapped on malformed names and processing
    /// instructions (found by fuzzing) and leaked an error object for every malformed document.
    public static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ParseError(description: "invalid XML: not UTF-8")
        }
        if let bad = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
            throw ParseError(description: "invalid XML: control character at byte \(bad)")
        }
        var reader = Reader(bytes: bytes)
        return try reader.document()
    }

    /// The parser: one pass over the bytes.
    struct Reader {
        let bytes: [UInt8]
        var position = 0
        static let maximumDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ what: String) -> ParseError {
            ParseError(description: "invalid XML: \(what) at byte \(position)")
        }

        func starts(_ text: String) -> Bool {
            let needle = Array(text.utf8)
            guard position + needle.count <= bytes.count else { return false }
            return bytes[position..<(position + needle.count)].elementsEqual(needle)
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        mutating func skipSpace() {
            while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        }

        /// Skips `<!-- … -->` at the position.
        mutating func comment() throws {
            guard let end = XMLNode.find(Array("-->".utf8), in: bytes, from: position + 4) else {
                throw fail("unterminated comment")
            }
            position = end + 3
        }

        /// Whitespace and comments (outside the root element).
        mutating func misc() throws {
            while true {
                skipSpace()
                if starts("<!--") { try comment() } else { return }
            }
        }

        mutating func document() throws -> XMLNode {
            if starts("\u{FEFF}") { position += 3 }  // a UTF-8 byte order mark
            if starts("<?xml")
                && (position + 5 < bytes.count
                    && (Self.isSpace(bytes[position + 5]) || bytes[position + 5] == UInt8(ascii: "?")))
            {
                guard let end = XMLNode.find(Array("?>".utf8), in: bytes, from: position + 5) else {
                    throw fail("unterminated XML declaration")
                }
                position = end + 2
            }
            try misc()
            guard position < bytes.count else { throw fail("no root element") }
            let root = try element(depth: 1)
            try misc()
            guard position == bytes.count else { throw fail("content after the root element") }
            return root
        }

        /// A name up to whitespace, `/`, `>` or `=`.
        mutating func name() throws -> String {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if Self.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
                    || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<")
                {
                    break
                }
                position += 1
            }
            guard position > start else { throw fail("expected a name") }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        /// An element at the position (`<` already seen there).
        mutating func element(depth: Int) throws -> XMLNode {
            guard depth <= Self.maximumDepth else { throw fail("elements nested deeper than \(Self.maximumDepth)") }
            guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else {
                throw fail("expected an element")
            }
            position += 1
            if starts("?") { throw fail("processing instructions are not accepted") }
            if starts("!") { throw fail("document type declarations are not accepted") }
            let qualified = try name()
            let node = XMLNode(name: qualified.split(separator: ":").last.map(String.init) ?? qualified)
            // Attributes: read and dropped.
            while true {
                skipSpace()
                guard position < bytes.count else { throw fail("unterminated start tag") }
                if bytes[position] == UInt8(ascii: ">") {
                    position += 1
                    break
                }
                if starts("/>") {
                    position += 2
                    return node
                }
                _ = try name()
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
                    throw fail("attribute without a value")
                }
                position += 1
                skipSpace()
                guard position < bytes.count,
                    bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'")
                else { throw fail("attribute value without quotes") }
                let quote = bytes[position]
                guard let end = bytes[(position + 1)...].firstIndex(of: quote) else {
                    throw fail("unterminated attribute value")
                }
                if bytes[(position + 1)..<end].contains(UInt8(ascii: "<")) { throw fail("'<' in an attribute value") }
                position = end + 1
            }
            var text: [UInt8] = []
            while true {
                guard position < bytes.count else { throw fail("unterminated element <\(qualified)>") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "<") {
                    if starts("</") {
                        position += 2
                        let closing = try name()
                        skipSpace()
                        guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else {
                            throw fail("unterminated end tag")
                        }
                        guard closing == qualified else { throw fail("</\(closing)> closes <\(qualified)>") }
                        position += 1
                        node.text = Self.normalisedNewlines(text)
                        if !node.children.isEmpty {
                            node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
                        }
                        return node
                    }
                    if starts("<!--") {
                        try comment()
                    } else if starts("<![CDATA[") {
                        guard let end = XMLNode.find(Array("]]>".utf8), in: bytes, from: position + 9) else {
                            throw fail("unterminated CDATA section")
                        }
                        text += bytes[(position + 9)..<end]
                        position = end + 3
                    } else {
                        node.children.append(try element(depth: depth + 1))
                    }
                } else if byte == UInt8(ascii: "&") {
                    text += try reference()
                } else {
                    text.append(byte)
                    position += 1
                }
            }
        }

        /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#NN;` `&#xHH;` as UTF-8; any other entity is refused.
        mutating func reference() throws -> [UInt8] {
            guard let end = bytes[position...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw fail("unterminated entity reference")
            }
            let body = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
            position = end + 1
            switch body {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [UInt8(ascii: "\"")]
            case "apos": return [UInt8(ascii: "'")]
            default:
                var value: UInt32?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    value = UInt32(body.dropFirst(2), radix: 16)
                } else if body.hasPrefix("#") {
                    value = UInt32(body.dropFirst(), radix: 10)
                }
                guard let value, let scalar = Unicode.Scalar(value),
                    value == 0x09 || value == 0x0A || value == 0x0D || value >= 0x20,
                    value != 0xFFFE && value != 0xFFFF
                else { throw fail("entity '&\(body);' is not accepted") }
                return Array(String(Character(scalar)).utf8)
            }
        }

        /// Text with line ends as XML reads them (CR LF and lone CR become LF).
        static func normalisedNewlines(_ text: [UInt8]) -> String {
            guard text.contains(0x0D) else { return String(decoding: text, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(text.count)
            var index = 0
            while index < text.count {
                if text[index] == 0x0D {
                    out.append(0x0A)
                    if index + 1 < text.count, text[index + 1] == 0x0A { index += 1 }
                } else {
                    out.append(text[index])
                }
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The offset of `needle` in `bytes` at or after `from` (a plain loop: the generic `firstRange(of:)` is far slower).
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= bytes.count - from else { return nil }
        var index = from
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
