import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RootGuardAWS
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// Where `watch` sends an alert. A sink either accepts it or throws; `watch` deletes a message only when every sink
/// accepted every alert of it.
public protocol AlertSink: Sendable {
    /// Stable across restarts (the state file remembers deliveries by it).
    var name: String { get }
    func send(_ detection: Detection) async throws
    /// A notice that is not a detection (`watch --respond`'s plan or containment): `text` is the one line, `body` the
    /// JSON a webhook or topic gets. Standard output keeps detections only (the line goes to standard error).
    func notify(text: String, body: Data) async throws
}

extension AlertSink {
    public func notify(text: String, body: Data) async throws {}
}

public struct DeliveryError: Error, CustomStringConvertible {
    public let description: String
}

/// Lines on standard output (JSON lines or the table form).
public struct OutputSink: AlertSink {
    public let name = "stdout"
    let write: @Sendable (String) throws -> Void
    let table: Bool

    public init(table: Bool, write: @escaping @Sendable (String) throws -> Void) {
        self.table = table
        self.write = write
    }

    public func send(_ detection: Detection) async throws {
        try write(table ? AlertRenderer.tableLine(detection) : AlertRenderer.jsonLine(detection))
    }
}

/// `POST` of the alert as JSON (Slack-compatible `text` plus the detection); any non-2xx answer or a timeout is a
/// failure.
public struct WebhookSink: AlertSink {
    public let name: String
    let url: String
    let timeout: TimeAmount

    public init(url: String, timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.timeout = timeout
        // The URL may hold a token (Slack's do): the name the state file keeps is its scheme and host only.
        let parsed = URL(string: url)
        self.name =
            "webhook:\(parsed?.scheme ?? "")://\(parsed?.host ?? "")\(parsed?.port.map { ":\($0)" } ?? "")#"
            + String(url.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) } & 0xFFFF_FFFF, radix: 16)
    }

    /// For messages: the webhook without its path or query, which may carry a secret.
    public var displayName: String { String(name.prefix { $0 != "#" }) }

    public func send(_ detection: Detection) async throws {
        try await post(AlertRenderer.webhookBody(detection))
    }

    public func notify(text: String, body: Data) async throws { try await post(body) }

    /// `POST`s a JSON body (an alert's, or `respond`'s incident notice).
    public func post(_ body: Data) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "rootguard/\(RootGuardVersion.current)")
        request.body = .bytes(ByteBuffer(bytes: Array(body)))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw DeliveryError(description: "\(displayName): \(Self.describe(error))")
        }
        // Read (and drop) the body so the connection can be reused.
        _ = try? await response.body.collect(upTo: 1 << 16)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw DeliveryError(description: "\(displayName): HTTP \(response.status.code)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "no answer within the timeout"
            default: break
            }
        }
        return "cannot deliver (\(String(describing: error).prefix(120)))"
    }
}

/// `sns:Publish` of the alert (the JSON body; the subject names the detection).
public struct SNSSink: AlertSink {
    public let name: String
    let topicARN: String
    let client: AWSClient

    public init(topicARN: String, client: AWSClient) {
        self.name = "sns:" + topicARN
        self.topicARN = topicARN
        self.client = client
    }

    public func send(_ detection: Detection) async throws {
        try await publish(
            String(decoding: AlertRenderer.webhookBody(detection), as: UTF8.self),
            subject: AlertRenderer.subject(detection))
    }

    public func notify(text: String, body: Data) async throws {
        try await publish(String(decoding: body, as: UTF8.self), subject: AlertRenderer.subject("rootguard: \(text)"))
    }

    /// Publishes a message (an alert's, or `respond`'s incident notice).
    public func publish(_ message: String, subject: String) async throws {
        let region = ARN(rawValue: topicARN).map { AWSRegion($0.region) }
        do {
            _ = try await client.sns(region: region).publish(
                .init(topicArn: topicARN, message: message, subject: subject))
        } catch {
            throw DeliveryError(description: "\(name): \(error)")
        }
    }
}
