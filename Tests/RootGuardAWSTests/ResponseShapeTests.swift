import Foundation
import Testing

@testable import RootGuardAWS

/// Every response rootguard can receive, generated from botocore's model in the service's own wire format
/// (Fixtures/wire_responses.py), decoded by the client: with every optional member present each one must arrive
/// (a wire name, location, list or map layout or timestamp format the decoder gets wrong leaves a member nil), and
/// with none present the response must still decode.
@Suite("Responses of every operation, generated from the model")
struct ResponseShapeTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wire_responses.py")
    /// The structure depth checked: one less than the generator fills (its DEPTH), whose deepest structures leave out
    /// their own structure members.
    static let depth = 4

    struct Response: Decodable {
        var service: String
        var operation: String
        var variant: String
        var status: Int
        var headers: [[String]]
        var body: String
    }

    static func responses() throws -> [Response] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", script.path]
            + GeneratedOutputs.all.map { "\($0.service):\($0.operation.name):\($0.protocolName)" }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: String(decoding: problems, as: UTF8.self)])
        }
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(Response.self, from: Data($0))
        }
    }

    func client() -> AWSClient {
        AWSClient(
            configuration: .init(region: .usEast1),
            credentialProvider: StaticCredentialProvider(
                .init(accessKeyID: "AKID", secretAccessKey: "SECRET", source: "test")),
            transport: NoNetworkTransport())
    }

    func decode<Output: AWSShape>(
        _ type: Output.Type, _ client: AWSClient, _ descriptor: AWSServiceDescriptor,
        _ operation: AWSOperationDescriptor, _ response: Response
    ) throws -> Output {
        try client.decode(
            type, service: descriptor, operation: operation,
            head: .init(status: response.status, headers: response.headers.map { ($0[0], $0[1]) }),
            body: Array(Data(base64Encoded: response.body) ?? Data()))
    }

    /// The paths of optional members that are nil, down to `depth` structures (first element of lists, first value of
    /// maps).
    static func missing(_ value: Any, path: String, depth: Int) -> [String] {
        guard depth > 0 else { return [] }
        var result: [String] = []
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let mirror = Mirror(reflecting: child.value)
            guard mirror.displayStyle == .optional else { continue }
            guard let unwrapped = mirror.children.first?.value else {
                result.append("\(path).\(label)")
                continue
            }
            result += nested(unwrapped, path: "\(path).\(label)", depth: depth)
        }
        return result
    }

    static func nested(_ value: Any, path: String, depth: Int) -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct where value is any AWSShape:
            return missing(value, path: path, depth: depth - 1)
        case .collection:
            guard let first = mirror.children.first?.value else { return ["\(path) (empty list)"] }
            return nested(first, path: path + "[0]", depth: depth)
        case .dictionary:
            guard let entry = mirror.children.first?.value,
                let pair = Mirror(reflecting: entry).children.dropFirst().first?.value
            else { return ["\(path) (empty map)"] }
            return nested(pair, path: path + "[key]", depth: depth)
        default:
            return []
        }
    }

    @Test func everyOperationsResponseDecodesWithEveryMemberPresentAndWithNone() throws {
        let client = client()
        let responses = try Self.responses()
        #expect(responses.count == GeneratedOutputs.all.count * 2)
        var failures: [String] = []
        for response in responses {
            guard
                let entry = GeneratedOutputs.all.first(where: {
                    $0.service == response.service && $0.operation.name == response.operation
                })
            else {
                failures.append("\(response.service) \(response.operation): not in the table")
                continue
            }
            do {
                let output = try decode(entry.output, client, entry.descriptor, entry.operation, response)
                if response.variant == "present" {
                    let gaps = Self.missing(output, path: response.operation, depth: Self.depth)
                    if !gaps.isEmpty {
                        failures.append(
                            "\(response.service) \(response.operation): not decoded: \(gaps.joined(separator: ", "))")
                    }
                }
            } catch {
                failures.append("\(response.service) \(response.operation) (\(response.variant)): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) problems:\n\(failures.joined(separator: "\n"))")
    }
}
