import Foundation

/// Decodes generated shapes from awsQuery / restXml elements.
///
/// Lists are either wrapped (`<Users><member>…</member></Users>`) or flattened (repeated `<Contents>` siblings);
/// maps are `<entry><key/><value/></entry>`. Timestamps are ISO 8601 text, blobs base64.
package enum XMLShapeDecoder {
    package static func decode<T: Decodable>(_ type: T.Type, from node: XMLNode) throws -> T {
        try XMLValueDecoder(nodes: [node], codingPath: []).decodeValue(T.self)
    }
}

private struct XMLValueDecoder: Decoder {
    let nodes: [XMLNode]
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var first: XMLNode? { nodes.first }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(XMLKeyedContainer<Key>(node: first, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        XMLUnkeyedContainer(items: listItems(), codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        XMLSingleValueContainer(decoder: self)
    }

    /// The elements of a list, wrapped or flattened.
    func listItems() -> [XMLNode] {
        if nodes.count == 1, let only = nodes.first {
            if only.children.isEmpty && only.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [] }
            if !only.children.isEmpty && only.children.allSatisfy({ $0.name == "member" || $0.name == "item" }) {
                return only.children
            }
        }
        return nodes
    }

    var text: String { first?.text ?? "" }

    func corrupt(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "expected \(what), found '\(text.prefix(80))'"))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return text as! T
        case is Date.Type:
            guard let date = TimestampDecoding.date(fromText: text) else { throw corrupt("a timestamp") }
            return date as! T
        case is Data.Type:
            guard let data = Data(base64Encoded: text.filter { !$0.isWhitespace }) else { throw corrupt("base64") }
            return data as! T
        case is Bool.Type:
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1": return true as! T
            case "false", "0": return false as! T
            default: throw corrupt("a boolean")
            }
        case is Int.Type:
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw corrupt("an integer") }
            return value as! T
        case is Double.Type:
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else { throw corrupt("a number") }
            return value as! T
        default:
            return try T(from: self)
        }
    }
}

private struct XMLKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: XMLNode?
    let codingPath: [any CodingKey]

    /// `<entry><key>K</key><value>V</value></entry>` children make this container a map.
    var entries: [(String, XMLNode)]? {
        guard let node, !node.children.isEmpty, node.children.allSatisfy({ $0.name == "entry" }) else { return nil }
        return node.children.compactMap { entry in
            guard let key = entry.child("key")?.text, let value = entry.child("value") else { return nil }
            return (key, value)
        }
    }

    var allKeys: [Key] {
        if let entries { return entries.compactMap { Key(stringValue: $0.0) } }
        return (node?.children ?? []).compactMap { Key(stringValue: $0.name) }
    }

    func nodes(for key: Key) -> [XMLNode] {
        if let entries { return entries.filter { $0.0 == key.stringValue }.map(\.1) }
        return node?.children(named: key.stringValue) ?? []
    }

    func contains(_ key: Key) -> Bool { !nodes(for: key).isEmpty }

    func decodeNil(forKey key: Key) throws -> Bool { nodes(for: key).isEmpty }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let found = nodes(for: key)
        guard !found.isEmpty else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing element"))
        }
        return try XMLValueDecoder(nodes: found, codingPath: codingPath + [key]).decodeValue(T.self)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try generic(Bool.self, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try generic(String.self, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try generic(Double.self, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try generic(Double.self, key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try generic(Int.self, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { Int8(try generic(Int.self, key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { Int16(try generic(Int.self, key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { Int32(try generic(Int.self, key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { Int64(try generic(Int.self, key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { UInt(try generic(Int.self, key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { UInt8(try generic(Int.self, key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { UInt16(try generic(Int.self, key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { UInt32(try generic(Int.self, key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { UInt64(try generic(Int.self, key)) }

    private func generic<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T { try decode(T.self, forKey: key) }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(
            XMLKeyedContainer<NestedKey>(node: nodes(for: key).first, codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        XMLUnkeyedContainer(
            items: XMLValueDecoder(nodes: nodes(for: key), codingPath: codingPath).listItems(),
            codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        XMLValueDecoder(nodes: node.map { [$0] } ?? [], codingPath: codingPath)
    }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        XMLValueDecoder(nodes: nodes(for: key), codingPath: codingPath + [key])
    }
}

private struct XMLUnkeyedContainer: UnkeyedDecodingContainer {
    let items: [XMLNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [XMLNode], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    struct Index: CodingKey {
        var stringValue: String { "\(intValue ?? 0)" }
        var intValue: Int?
        init(_ value: Int) { intValue = value }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    mutating func next() throws -> XMLValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "end of list"))
        }
        defer { currentIndex += 1 }
        return XMLValueDecoder(nodes: [items[currentIndex]], codingPath: codingPath + [Index(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    { try next().container(keyedBy: type) }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct XMLSingleValueContainer: SingleValueDecodingContainer {
    let decoder: XMLValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    func decodeNil() -> Bool { decoder.first == nil }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeValue(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeValue(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeValue(Double.self) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeValue(Int.self) }
}
