import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RootGuardAWS

/// A real `moto_server` (with rootguard's root-user plugin) on 127.0.0.1 and a free port, for one test suite.
///
/// Started by ``MotoServerTrait``; tests reach it through ``MotoServer/current`` and call ``reset()`` first.
/// The server exits when this process closes its standard input, so a crashed run leaves nothing behind.
public final class MotoServer: Sendable {
    /// The server of the enclosing `.motoServer` suite.
    @TaskLocal public static var current: MotoServer?

    public let endpoint: String
    public let port: Int
    let process: Process
    let stdin: Pipe
    let http: HTTPClient

    /// moto's default account for unknown keys.
    public static let defaultAccount = "123456789012"

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The plugin script inside this target's resources.
    public static var pluginPath: String {
        Bundle.module.url(forResource: "rootguard_moto", withExtension: "py", subdirectory: "Moto")!.path
    }

    /// Starts the server and waits (up to 60 s) until it listens.
    public static func start() async throws -> MotoServer {
        let python = ProcessInfo.processInfo.environment["ROOTGUARD_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, pluginPath, "--host", "127.0.0.1", "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("AWS_") { environment[key] = nil }
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()

        let port: Int = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                var buffer = Data()
                let handle = stdout.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return nil }
                    buffer.append(chunk)
                    let text = String(decoding: buffer, as: UTF8.self)
                    if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ROOTGUARD_MOTO_PORT=") }),
                        let port = Int(line.dropFirst("ROOTGUARD_MOTO_PORT=".count))
                    {
                        return port
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let port = first else {
                process.terminate()
                let errors = String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self)
                let last = errors.split(separator: "\n").last.map(String.init) ?? "no output"
                throw StartError(
                    description: "moto server did not start (\(last)); install the test dependencies with "
                        + "`Scripts/install-test-deps.sh` (pip install 'moto[server]')")
            }
            return port
        }
        // Keep draining the server's output so its pipes never fill.
        stdout.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        stderr.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        return MotoServer(process: process, stdin: stdin, port: port)
    }

    init(process: Process, stdin: Pipe, port: Int) {
        self.process = process
        self.stdin = stdin
        self.port = port
        self.endpoint = "http://127.0.0.1:\(port)"
        self.http = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Stops the server and waits for it to exit.
    public func stop() async {
        try? await http.shutdown()
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
    }

    // MARK: Control API

    @discardableResult
    public func post(
        _ path: String, body: [UInt8] = [], contentType: String = "application/json"
    ) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw StartError(
                description: "moto \(path): HTTP \(response.status.code) \(String(decoding: bytes, as: UTF8.self))")
        }
        return bytes
    }

    /// CloudTrail's public keys for `ListPublicKeys` (DER, with their fingerprints), which moto does not have.
    public func setCloudTrailPublicKeys(
        _ keys: [(fingerprint: String, der: [UInt8])], validity: ClosedRange<Date>? = nil
    ) async throws {
        let list = keys.map { key -> [String: Any] in
            var entry: [String: Any] = ["Fingerprint": key.fingerprint, "Value": Data(key.der).base64EncodedString()]
            if let validity {
                entry["ValidityStartTime"] = validity.lowerBound.timeIntervalSince1970
                entry["ValidityEndTime"] = validity.upperBound.timeIntervalSince1970
            }
            return entry
        }
        try await post("/rootguard-api/cloudtrail-keys", body: Array(try JSONSerialization.data(withJSONObject: list)))
    }

    /// Wipes every account, region and the plugin's root state.
    public func reset() async throws { try await post("/moto-api/reset") }

    /// Turns SigV4 and IAM-policy checking on (`true`) or off.
    public func setAuthentication(_ enabled: Bool) async throws {
        try await post(
            "/moto-api/reset-auth", body: Array((enabled ? "0" : "inf").utf8), contentType: "application/octet-stream")
    }

    /// Replaces the root user's state of `account` (see the plugin's `RootState`).
    public func setRoot(account: String, _ state: [String: Any]) async throws {
        try await post("/rootguard-api/root/\(account)", body: Array(try JSONSerialization.data(withJSONObject: state)))
    }

    /// The root user's state of `account` as the plugin holds it.
    public func rootState(account: String) async throws -> [String: Any] {
        let response = try await http.execute(
            HTTPClientRequest(url: endpoint + "/rootguard-api/root/\(account)"), timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]) ?? [:]
    }

    /// The CloudTrail records the plugin wrote for AssumeRoot calls and their sessions: `{"Records": […]}`, as a
    /// CloudTrail log file holds them.
    public func cloudTrailLog() async throws -> [UInt8] {
        let response = try await http.execute(
            HTTPClientRequest(url: endpoint + "/rootguard-api/cloudtrail"), timeout: .seconds(30))
        return Array(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    }

    /// Replaces the LookupEvents history of `account` in `region`.
    public func setEvents(account: String, region: String, _ records: [[String: Any]]) async throws {
        try await post(
            "/rootguard-api/events/\(account)/\(region)",
            body: Array(try JSONSerialization.data(withJSONObject: records)))
    }

    /// Sets GetContactInformation's answer for `account`.
    public func setContactInformation(account: String, _ contact: [String: Any]) async throws {
        try await post(
            "/rootguard-api/contact/\(account)", body: Array(try JSONSerialization.data(withJSONObject: contact)))
    }

    /// Makes the subscriptions of `topicArn` report `PendingConfirmation`.
    public func setSubscriptionsPending(topicArn: String) async throws {
        try await post(
            "/rootguard-api/sns-pending",
            body: Array(try JSONSerialization.data(withJSONObject: ["topicArn": topicArn])))
    }

    // MARK: Clients

    /// A client pointed at this server with fixed credentials (moto routes the account by access key).
    public func client(
        accessKey: String = "AKIAIOSFODNN7EXAMPLE", secret: String = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: String? = nil, region: AWSRegion = .usEast1, maxAttempts: Int = 3
    ) throws -> AWSClient {
        AWSClient(
            configuration: .init(
                region: region, endpoints: .init(explicit: endpoint),
                retry: .init(maxAttempts: maxAttempts, baseDelay: 0.05),
                timeout: .seconds(30)),
            credentialProvider: StaticCredentialProvider(
                AWSCredentials(
                    accessKeyID: accessKey, secretAccessKey: secret, sessionToken: sessionToken, source: "test")),
            transport: try AsyncHTTPClientTransport())
    }
}
