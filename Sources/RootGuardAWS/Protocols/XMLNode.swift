import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

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

    /// Parses a document; external entities and DTDs are not resolved.
    public static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        // Foundation's XMLParser traps on some malformed input (invalid UTF-8 in a name, found by fuzzing): only
        // well-formed UTF-8 without the control characters XML 1.0 forbids reaches it.
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ParseError(description: "invalid XML: not UTF-8")
        }
        if let bad = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
            throw ParseError(description: "invalid XML: control character at byte \(bad)")
        }
        // AWS sends at most an XML declaration before the root element: no processing instruction (Foundation's
        // parser crashes on one without data, found by fuzzing), no DTD or entity (no expansion bombs).
        var start = 0
        if bytes.starts(with: Array("<?xml ".utf8)) || bytes.starts(with: Array("<?xml?>".utf8)),
            let end = find(Array("?>".utf8), in: bytes, from: 2)
        {
            start = end + 2
        }
        if find(Array("<?".utf8), in: bytes, from: start) != nil {
            throw ParseError(description: "invalid XML: processing instructions are not accepted")
        }
        if find(Array("<!DOCTYPE".utf8), in: bytes, from: start) != nil
            || find(Array("<!ENTITY".utf8), in: bytes, from: start) != nil
        {
            throw ParseError(description: "invalid XML: document type declarations are not accepted")
        }
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes[start...]))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw ParseError(description: "invalid XML: \(parser.parserError.map { "\($0)" } ?? "no root element")")
        }
        return root
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

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?
        var depthLimitExceeded = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard stack.count < 64 else {
                depthLimitExceeded = true
                parser.abortParsing()
                return
            }
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let node = XMLNode(name: local)
            stack.last?.children.append(node)
            if stack.isEmpty { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            if let node = stack.popLast(), !node.children.isEmpty {
                node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
    }
}
