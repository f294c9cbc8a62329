import NIOCore

/// A request ready for the wire (signed).
public struct AWSHTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(String, String)], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A response whose body arrives as chunks.
public struct AWSHTTPResponse: Sendable {
    public var head: AWSHTTPResponseHead
    public var body: AWSHTTPBody

    public init(head: AWSHTTPResponseHead, body: AWSHTTPBody) {
        self.head = head
        self.body = body
    }
}

/// A streamed body.
public struct AWSHTTPBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let stream: AsyncThrowingStream<ByteBuffer, any Error>

    public init(stream: AsyncThrowingStream<ByteBuffer, any Error>) { self.stream = stream }

    /// A body already in memory.
    public init(bytes: [UInt8]) {
        stream = AsyncThrowingStream { continuation in
            if !bytes.isEmpty { continuation.yield(ByteBuffer(bytes: bytes)) }
            continuation.finish()
        }
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }

    /// The whole body, refusing more than `limit` bytes.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.readableBytes <= limit else { throw BodyTooLarge(limit: limit) }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    public struct BodyTooLarge: Error, CustomStringConvertible {
        public let limit: Int
        public var description: String { "response body larger than \(limit) bytes" }
    }
}

/// Sends one HTTP request. Production uses ``AsyncHTTPClientTransport``; tests may use any loopback server.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; the response head must arrive within `timeout`.
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse
    /// Releases connections.
    func shutdown() async throws
}

/// A transport-level failure (no HTTP response).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case timeout, connection }
    public let kind: Kind
    public let detail: String
    public var description: String { detail }
}
