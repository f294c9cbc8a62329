import Foundation
import Testing

@testable import RootGuardAWS

enum Fixtures {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let configTests = root.appendingPathComponent("aws-config-tests/smithy-rs/aws/rust-runtime")

    static func json(_ relative: String) -> Any {
        let data = try! Data(contentsOf: configTests.appendingPathComponent(relative))
        return try! JSONSerialization.jsonObject(with: data)
    }

    /// One named case of a cross-SDK test file, carried as JSON text so it is Sendable.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let json: String
        var object: [String: Any] { try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any] }
        var testDescription: String { name }
    }

    static func cases(_ relative: String, list: (Any) -> [Any], name: ([String: Any]) -> String) -> [Case] {
        list(json(relative)).map { item in
            let object = item as! [String: Any]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return Case(name: name(object), json: String(decoding: data, as: UTF8.self))
        }
    }
}

/// A transport for tests that must not touch the network.
struct NoNetworkTransport: HTTPTransport {
    struct Used: Error {}
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse { throw Used() }
    func shutdown() async throws {}
}
