import Foundation
import RootGuardSigV4

/// Encodes a generated shape as awsQuery form parameters: `Name.member.N` lists, `Name.entry.N.key` maps,
/// `Name.Field` structures, ISO 8601 timestamps, `true`/`false`.
enum QueryEncoder {
    static func parameters<T: Encodable>(_ value: T) throws -> [(String, String)] {
        let storage = Storage()
        try value.encode(to: QueryValueEncoder(storage: storage, path: ""))
        return storage.pairs
    }

    /// `application/x-www-form-urlencoded` with botocore's encoding (everything but `-_.~` and alphanumerics).
    static func formBody(_ pairs: [(String, String)]) -> String {
        pairs.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
    }

    static func formEncode(_ text: String) -> String { URIEncoding.encode(text) }

    final class Storage {
        var pairs: [(String, String)] = []
    }
}

/// Maps are written as entries; this lets the encoder recognise a `[String: V]`.
private protocol QueryMap {
    func encodeEntries(storage: QueryEncoder.Storage, path: String) throws
}

extension Dictionary: QueryMap where Key == String, Value: Encodable {
    fileprivate func encodeEntries(storage: QueryEncoder.Storage, path: String) throws {
        for (index, key) in keys.sorted().enumerated() {
            let prefix = "\(path).entry.\(index + 1)"
            storage.pairs.append(("\(prefix).key", key))
            try self[key]!.encode(to: QueryValueEncoder(storage: storage, path: "\(prefix).value"))
        }
    }
}

private struct QueryValueEncoder: Encoder {
    let storage: QueryEncoder.Storage
    let path: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(QueryKeyedContainer<Key>(storage: storage, path: path))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { QueryUnkeyedContainer(storage: storage, path: path) }
    func singleValueContainer() -> any SingleValueEncodingContainer {
        QuerySingleContainer(storage: storage, path: path)
    }

    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let text as String: storage.pairs.append((path, text))
        case let bool as Bool: storage.pairs.append((path, bool ? "true" : "false"))
        case let date as Date: storage.pairs.append((path, ISO8601.format(date)))
        case let data as Data: storage.pairs.append((path, data.base64EncodedString()))
        case let int as Int: storage.pairs.append((path, String(int)))
        case let double as Double: storage.pairs.append((path, String(double)))
        case let map as any QueryMap: try map.encodeEntries(storage: storage, path: path)
        default: try value.encode(to: self)
        }
    }
}

private struct QueryKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: QueryEncoder.Storage
    let path: String
    var codingPath: [any CodingKey] { [] }

    func child(_ key: Key) -> String { path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)" }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let list = value as? [Any], list.isEmpty {
            storage.pairs.append((child(key), ""))  // an explicitly empty list
            return
        }
        try QueryValueEncoder(storage: storage, path: child(key)).encodeValue(value)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    { KeyedEncodingContainer(QueryKeyedContainer<NestedKey>(storage: storage, path: child(key))) }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        QueryUnkeyedContainer(storage: storage, path: child(key))
    }
    mutating func superEncoder() -> any Encoder { QueryValueEncoder(storage: storage, path: path) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { QueryValueEncoder(storage: storage, path: child(key)) }
}

private struct QueryUnkeyedContainer: UnkeyedEncodingContainer {
    let storage: QueryEncoder.Storage
    let path: String
    var count = 0
    var codingPath: [any CodingKey] { [] }

    init(storage: QueryEncoder.Storage, path: String) {
        self.storage = storage
        self.path = path
    }

    mutating func nextPath() -> String {
        count += 1
        return "\(path).member.\(count)"
    }
    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {
        try QueryValueEncoder(storage: storage, path: nextPath()).encodeValue(value)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    )
        -> KeyedEncodingContainer<NestedKey>
    { KeyedEncodingContainer(QueryKeyedContainer<NestedKey>(storage: storage, path: nextPath())) }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        QueryUnkeyedContainer(storage: storage, path: nextPath())
    }
    mutating func superEncoder() -> any Encoder { QueryValueEncoder(storage: storage, path: nextPath()) }
}

private struct QuerySingleContainer: SingleValueEncodingContainer {
    let storage: QueryEncoder.Storage
    let path: String
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {
        try QueryValueEncoder(storage: storage, path: path).encodeValue(value)
    }
}
