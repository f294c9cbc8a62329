import Foundation

/// A request or response structure of an AWS API.
///
/// Body members are `Codable` through `CodingKeys` that carry the wire names; members bound to the URI,
/// query string or headers are written by ``bind(_:)`` and read back by ``read(_:)``.
public protocol AWSShape: Codable, Sendable {
    /// Writes the members bound to the URI, query string, headers or raw payload.
    func bind(_ binding: inout AWSHTTPBinding)
    /// Reads the members bound to response headers or the status code.
    mutating func read(_ response: AWSHTTPResponseHead)
    /// Appends every way the value breaks the service model's constraints (`AWSContract`), members at `path`.
    func validate(_ problems: inout [String], at path: String)
    /// True for an output whose body is one member's raw value (S3 `GetBucketPolicy`'s policy document).
    static var rawPayloadOutput: Bool { get }
    /// Reads that member from the body.
    mutating func readPayload(_ body: [UInt8])
}

extension AWSShape {
    public func bind(_ binding: inout AWSHTTPBinding) {}
    public mutating func read(_ response: AWSHTTPResponseHead) {}
    public func validate(_ problems: inout [String], at path: String) {}
    public static var rawPayloadOutput: Bool { false }
    public mutating func readPayload(_ body: [UInt8]) {}
}

/// An operation without input or output members.
public struct AWSEmptyShape: AWSShape {
    public init() {}
}

/// The HTTP-bound parts of a request (rest protocols).
public struct AWSHTTPBinding: Sendable {
    public var uri: [String: String] = [:]
    public var query: [(String, String)] = []
    public var headers: [(String, String)] = []
    /// A raw payload (S3 `PutObject` body).
    public var payload: [UInt8]?

    public init() {}

    static func text<T>(_ value: T) -> String {
        switch value {
        case let date as Date: return ISO8601.format(date)
        case let bool as Bool: return bool ? "true" : "false"
        default: return "\(value)"
        }
    }

    static func headerText<T>(_ value: T) -> String {
        switch value {
        case let date as Date: return HTTPDate.format(date)
        case let data as Data: return data.base64EncodedString()
        default: return text(value)
        }
    }

    static func parse<T>(_ text: String, as type: T.Type) -> T? {
        switch type {
        case is String.Type: return text as? T
        case is Int.Type: return Int(text) as? T
        case is Double.Type: return Double(text) as? T
        case is Bool.Type: return (text.lowercased() == "true") as? T
        case is Date.Type: return (HTTPDate.parse(text) ?? ISO8601.parse(text)) as? T
        case is Data.Type: return Data(base64Encoded: text) as? T
        default: return nil
        }
    }
}

/// Status and headers of a response.
public struct AWSHTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(String, String)]

    public init(status: Int, headers: [(String, String)]) {
        self.status = status
        self.headers = headers
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}
