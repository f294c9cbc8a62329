import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A loopback HTTP server that answers from a script, for the failures moto cannot produce:
/// throttling, 5xx, hung connections, garbage bodies, dropped connections.
public final class FaultServer: Sendable {
    /// What to do with one request.
    public enum Behaviour: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: String = "")
        /// Accept the request and never answer.
        case hang
        /// Close the connection without answering.
        case close
        /// Answer after a delay.
        case delayed(seconds: Double, status: Int, headers: [(String, String)], body: String)
        /// Announce the whole body's length, send only its first `sending` bytes, then close (a cut download).
        case truncated(status: Int, headers: [(String, String)], body: String, sending: Int)
    }

    /// A request the server received.
    public struct Received: Sendable {
        public let method: String
        public let uri: String
        public let headers: [(String, String)]
        public let body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    let channel: any Channel
    let script: NIOLockedValueBox<[Behaviour]>
    let log: NIOLockedValueBox<[Received]>
    let fallback: Behaviour
    public var port: Int { channel.localAddress?.port ?? 0 }
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    /// The `https://localhost:<port>` form, for TLS servers (the test certificate names localhost).
    public var tlsEndpoint: String { "https://localhost:\(port)" }

    /// Requests received so far, in order.
    public var received: [Received] { log.withLockedValue { $0 } }

    /// TLS material for an `https://` server: PEM certificate chain and private key files.
    public struct TLS: Sendable {
        public var certificatePath: String
        public var privateKeyPath: String
        public init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// Starts on 127.0.0.1 and a free port (over TLS when `tls` is given). `fallback` answers once the script is used up.
    public static func start(
        script: [Behaviour], fallback: Behaviour = .respond(status: 500, body: "script exhausted"), tls: TLS? = nil
    ) async throws -> FaultServer {
        let sslContext: NIOSSLContext? = try tls.map { tls in
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)))
            return try NIOSSLContext(configuration: configuration)
        }
        let scriptBox = NIOLockedValueBox(script)
        let logBox = NIOLockedValueBox<[Received]>([])
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let http: @Sendable (()) -> EventLoopFuture<Void> = { _ in
                    channel.pipeline.configureHTTPServerPipeline().flatMap {
                        channel.pipeline.addHandler(Handler(script: scriptBox, log: logBox, fallback: fallback))
                    }
                }
                guard let sslContext else { return http(()) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                }.flatMap(http)
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        return FaultServer(channel: channel, script: scriptBox, log: logBox, fallback: fallback)
    }

    init(
        channel: any Channel, script: NIOLockedValueBox<[Behaviour]>, log: NIOLockedValueBox<[Received]>,
        fallback: Behaviour
    ) {
        self.channel = channel
        self.script = script
        self.log = log
        self.fallback = fallback
    }

    public func stop() async {
        try? await channel.close()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let script: NIOLockedValueBox<[Behaviour]>
        let log: NIOLockedValueBox<[Received]>
        let fallback: Behaviour
        var request = HTTPRequestAccumulator()

        init(script: NIOLockedValueBox<[Behaviour]>, log: NIOLockedValueBox<[Received]>, fallback: Behaviour) {
            self.script = script
            self.log = log
            self.fallback = fallback
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if let (head, body) = request.add(unwrapInboundIn(data)) {
                log.withLockedValue {
                    $0.append(
                        Received(
                            method: head.method.rawValue, uri: head.uri,
                            headers: head.headers.map { ($0.name, $0.value) },
                            body: body))
                }
                let behaviour = script.withLockedValue { $0.isEmpty ? fallback : $0.removeFirst() }
                act(behaviour, context: context, keepAlive: head.isKeepAlive)
            }
        }

        func act(_ behaviour: Behaviour, context: ChannelHandlerContext, keepAlive: Bool) {
            switch behaviour {
            case .hang:
                return
            case .close:
                context.close(promise: nil)
            case .respond(let status, let headers, let body):
                write(context: context, status: status, headers: headers, body: body)
            case .truncated(let status, let headers, let body, let sending):
                var responseHeaders = HTTPHeaders(headers)
                responseHeaders.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
                let head = HTTPResponseHead(
                    version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                let part = ByteBuffer(bytes: Array(body.utf8.prefix(sending)))
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part)))).whenComplete { _ in
                    channel.close(promise: nil)
                }
            case .delayed(let seconds, let status, let headers, let body):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                    let (handler, context) = loopBound.value
                    handler.write(context: context, status: status, headers: headers, body: body)
                }
            }
        }

        func write(context: ChannelHandlerContext, status: Int, headers: [(String, String)], body: String) {
            var responseHeaders = HTTPHeaders(headers)
            responseHeaders.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// Collects one HTTP request from its parts (head, body chunks, end), for the test servers' handlers.
struct HTTPRequestAccumulator {
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    /// Adds a part; returns the whole request at its end.
    mutating func add(_ part: HTTPServerRequestPart) -> (HTTPRequestHead, [UInt8])? {
        switch part {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return nil }
            self.head = nil
            return (head, body)
        }
        return nil
    }
}
