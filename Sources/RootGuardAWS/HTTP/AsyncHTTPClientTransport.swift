import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// ``HTTPTransport`` over async-http-client. TLS certificates are always verified; a CA bundle
/// (`AWS_CA_BUNDLE` / `ca_bundle`) replaces the system trust roots.
public final class AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient
    let ownsClient: Bool
    /// async-http-client's default is 8 connections per host, which would cap `audit --org --concurrency` at 8
    /// requests in flight to IAM, STS or Organizations (one host each).
    static let connectionsPerHost = AWSTransportLimits.connectionsPerHost

    /// - Parameter caBundlePath: a PEM file of trusted roots, or nil for the system roots.
    public init(caBundlePath: String? = nil) throws {
        if let caBundlePath {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caBundlePath))
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
            configuration.decompression = .disabled
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.connectionsPerHost
            // A refused connection fails the attempt at once (the retry mode decides about another attempt)
            // instead of being retried inside the pool until the attempt's whole timeout has passed.
            configuration.connectionPool.retryConnectionEstablishment = false
            client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            ownsClient = true
        } else {
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
            configuration.decompression = .disabled
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.connectionsPerHost
            // A refused connection fails the attempt at once (the retry mode decides about another attempt)
            // instead of being retried inside the pool until the attempt's whole timeout has passed.
            configuration.connectionPool.retryConnectionEstablishment = false
            client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            ownsClient = true
        }
    }

    /// A connection failure as one sentence naming the endpoint (NIO's own text reads `connection reset (error set):
    /// Connection refused) (errno: 111)`).
    static func sentence(_ text: String, url: String) -> String {
        let endpoint = URL(string: url).map { "\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? "the endpoint"
        let known: [(String, String)] = [
            ("Connection refused", "connection refused by \(endpoint)"),
            ("Connection reset by peer", "the connection to \(endpoint) was reset"),
            ("Name or service not known", "cannot resolve \(endpoint) (no such host)"),
            ("nodename nor servname", "cannot resolve \(endpoint) (no such host)"),
            ("No address associated", "cannot resolve \(endpoint) (no address)"),
            ("Temporary failure in name resolution", "cannot resolve \(endpoint) (DNS unavailable)"),
            ("Network is unreachable", "the network to \(endpoint) is unreachable"),
            ("No route to host", "no route to \(endpoint)"),
            ("certificate", "TLS to \(endpoint) failed: its certificate was not accepted"),
            ("handshake", "TLS to \(endpoint) failed during the handshake"),
            ("remoteConnectionClosed", "\(endpoint) closed the connection before answering"),
        ]
        for (needle, sentence) in known where text.contains(needle) { return sentence }
        return "cannot reach \(endpoint) (\(text.prefix(160)))"
    }

    public func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                throw TransportError(kind: .timeout, detail: "no response within \(timeout.seconds) s")
            default:
                // An invalid header's error repeats the header values, Authorization and the session token included.
                let text = "\(error)"
                if text.contains("invalidHeaderField") {
                    throw TransportError(
                        kind: .connection, detail: "a request header holds a character HTTP does not allow (not sent)")
                }
                throw TransportError(kind: .connection, detail: Self.sentence(text, url: request.url))
            }
        } catch let error as TransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError(kind: .connection, detail: Self.sentence("\(error)", url: request.url))
        }
        let head = AWSHTTPResponseHead(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) })
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let body = response.body
        let task = Task {
            do {
                for try await chunk in body { continuation.yield(chunk) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: TransportError(kind: .connection, detail: "body: \(error)"))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return AWSHTTPResponse(head: head, body: AWSHTTPBody(stream: stream))
    }

    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
    var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// The limits of the HTTP transport that bound how many requests can be in flight (shown by `--stats`).
public enum AWSTransportLimits {
    /// Connections kept per endpoint host (async-http-client's default is 8).
    public static let connectionsPerHost = 128
}
