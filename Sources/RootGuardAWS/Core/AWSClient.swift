import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RootGuardSigV4

/// The one client every service call goes through: endpoint → serialise → sign → send → retry → decode.
///
/// Immutable and `Sendable`; share one instance. Call ``shutdown()`` when done.
public final class AWSClient: Sendable {
    public struct Configuration: Sendable {
        /// The default region for regional services.
        public var region: AWSRegion
        public var endpoints: AWSEndpointOverrides
        public var retry: AWSRetryPolicy
        /// Per-attempt time limit for the response (and, for buffered responses, its body).
        public var timeout: Duration
        /// Largest buffered response body (streamed bodies are not limited).
        public var maxResponseBytes: Int
        public var userAgent: String

        public init(
            region: AWSRegion = .usEast1, endpoints: AWSEndpointOverrides = .none, retry: AWSRetryPolicy = .init(),
            timeout: Duration = .seconds(30), maxResponseBytes: Int = 256 << 20, userAgent: String = "rootguard"
        ) {
            self.region = region
            self.endpoints = endpoints
            self.retry = retry
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    /// nil sends unsigned requests (STS AssumeRoleWithWebIdentity).
    public let credentialProvider: (any CredentialProvider)?
    public let transport: any HTTPTransport
    let logger: Logger
    let quota: AWSRetryQuota
    /// Shared with every client made from this one by `with(…)`.
    public let statistics: AWSCallStatistics
    /// The adaptive mode's rate limits: one set per set of credentials (AWS throttles per account), so a client
    /// with other credentials (`with(credentialProvider:)`) has its own.
    let limiter: AWSAdaptiveRateLimiter
    let clockSkew = NIOLockedValueBox<TimeInterval>(0)
    let s3BucketRegions = NIOLockedValueBox<[String: AWSRegion]>([:])
    /// Who this client's credentials are, once read (`callerIdentity()`): asked once per client and run.
    let knownIdentity = NIOLockedValueBox<CallerIdentity?>(nil)
    let now: @Sendable () -> Date
    /// Told about every call before it is sent (service, operation); used to prove the least-privilege policy.
    public let observer: (@Sendable (AWSServiceDescriptor, AWSOperationDescriptor) -> Void)?

    public init(
        configuration: Configuration, credentialProvider: (any CredentialProvider)?, transport: any HTTPTransport,
        logger: Logger = Logger(label: "rootguard.aws"), quota: AWSRetryQuota = AWSRetryQuota(),
        now: @escaping @Sendable () -> Date = { Date() },
        observer: (@Sendable (AWSServiceDescriptor, AWSOperationDescriptor) -> Void)? = nil,
        statistics: AWSCallStatistics = AWSCallStatistics(), limiter: AWSAdaptiveRateLimiter = AWSAdaptiveRateLimiter()
    ) {
        self.statistics = statistics
        self.limiter = limiter
        self.configuration = configuration
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.logger = logger
        self.quota = quota
        self.now = now
        self.observer = observer
    }

    /// The same client, reporting every call to `observer`.
    public func with(observer: @escaping @Sendable (AWSServiceDescriptor, AWSOperationDescriptor) -> Void) -> AWSClient
    {
        AWSClient(
            configuration: configuration, credentialProvider: credentialProvider, transport: transport, logger: logger,
            quota: quota, now: now, observer: observer, statistics: statistics, limiter: limiter)
    }

    /// A client sharing this one's transport, quota and settings, with other credentials (assumed roles).
    public func with(credentialProvider: (any CredentialProvider)?, region: AWSRegion? = nil) -> AWSClient {
        var configuration = configuration
        if let region { configuration.region = region }
        return AWSClient(
            configuration: configuration, credentialProvider: credentialProvider, transport: transport, logger: logger,
            quota: quota, now: now, observer: observer, statistics: statistics)
    }

    public func shutdown() async throws { try await transport.shutdown() }

    // MARK: Execute

    /// Calls `operation` with `input` and decodes its output.
    public func execute<Input: AWSShape, Output: AWSShape>(
        _ service: AWSServiceDescriptor, _ operation: AWSOperationDescriptor, input: Input, region: AWSRegion? = nil
    ) async throws -> Output {
        let (response, body) = try await send(service, operation, input: input, region: region, streaming: false)
        return try decode(Output.self, service: service, operation: operation, head: response.head, body: body ?? [])
    }

    /// Calls `operation` and returns the response with its body still streaming (S3 GetObject).
    public func executeStreaming<Input: AWSShape>(
        _ service: AWSServiceDescriptor, _ operation: AWSOperationDescriptor, input: Input, region: AWSRegion? = nil
    ) async throws -> AWSHTTPResponse {
        try await send(service, operation, input: input, region: region, streaming: true).0
    }

    func send<Input: AWSShape>(
        _ service: AWSServiceDescriptor, _ operation: AWSOperationDescriptor, input: Input, region: AWSRegion?,
        streaming: Bool
    ) async throws -> (AWSHTTPResponse, [UInt8]?) {
        observer?(service, operation)
        statistics.call()
        // The request as botocore's model allows it, or not at all: AWS would refuse what moto may accept.
        var problems: [String] = []
        input.validate(&problems, at: operation.name)
        guard problems.isEmpty else {
            throw AWSError(
                kind: .client, code: "RequestContractViolation",
                message: "not sent, the request breaks the service model: " + problems.joined(separator: "; "),
                service: service.name, operation: operation.name)
        }
        var region = region ?? configuration.region
        let policy = configuration.retry
        var attempt = 1
        var lastRetryCost: Int?
        var redirected = false
        let invocationID = UUID().uuidString.lowercased()
        while true {
            try Task.checkCancellation()
            let failure: AWSError
            var serverDate: Date?
            var redirectRegion: AWSRegion?
            do {
                let built = try buildRequest(service, operation, input: input, region: region)
                let request = try await sign(built, attempt: attempt, invocationID: invocationID)
                logRequest(request, service: service, operation: operation, attempt: attempt)
                if policy.mode == .adaptive {
                    let waited = try await limiter.acquire(service.endpointPrefix)
                    if waited > 0 { statistics.paced(seconds: waited) }
                }
                let started = ContinuousClock.now
                statistics.requestStarted(service: service.endpointPrefix)
                let transmitted: (AWSHTTPResponse, [UInt8]?)
                do {
                    transmitted = try await transmit(request, streaming: streaming)
                    statistics.requestEnded()
                } catch {
                    statistics.requestEnded()
                    throw error
                }
                let (response, body) = transmitted
                logger.debug(
                    "← \(response.head.status) \(service.name) \(operation.name) in \(ContinuousClock.now - started)",
                    metadata: [
                        "request-id": .string(
                            response.head.header("x-amzn-RequestId") ?? response.head.header("x-amz-request-id") ?? "-")
                    ])
                if (200..<300).contains(response.head.status) {
                    if policy.mode == .adaptive { limiter.record(service.endpointPrefix, throttled: false) }
                    await quota.release(lastRetryCost: lastRetryCost)
                    return (response, body)
                }
                let errorBody = body ?? []
                failure = ErrorDecoding.decode(
                    status: response.head.status, headers: response.head, body: errorBody, service: service,
                    operation: operation)
                serverDate = response.head.header("Date").flatMap(HTTPDate.parse)
                redirectRegion = response.head.header("x-amz-bucket-region").map { AWSRegion($0) }
            } catch let error as TransportError {
                failure = AWSError(
                    kind: error.kind == .timeout ? .timeout : .transport,
                    code: error.kind == .timeout ? "Timeout" : "ConnectionError", message: error.detail,
                    service: service.name, operation: operation.name)
            } catch let error as AWSError {
                throw error
            }
            statistics.failed(failure)
            if policy.mode == .adaptive {
                limiter.record(service.endpointPrefix, throttled: AWSError.throttlingCodes.contains(failure.code))
            }

            // S3 answers a request for another region's bucket with a redirect naming the region: retry once there.
            if service.endpointPrefix == "s3", !redirected, let redirectRegion, redirectRegion != region,
                [
                    "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
                    "HTTP301",
                    "HTTP400",
                ].contains(failure.code) || failure.httpStatus == 301
            {
                logger.debug("S3 bucket is in \(redirectRegion); retrying there")
                region = redirectRegion
                redirected = true
                continue
            }

            // Clock skew: adopt the server's clock and retry once when it is more than 5 minutes off.
            if let serverDate,
                AWSError.clockSkewCodes.contains(failure.code)
                    || AWSError.probableSkewCodes.contains(failure.code), attempt < policy.maxAttempts
            {
                let skew = serverDate.timeIntervalSince(now())
                let current = clockSkew.withLockedValue { $0 }
                if abs(skew) > 300 && abs(skew - current) > 60 {
                    clockSkew.withLockedValue { $0 = skew }
                    logger.debug("clock skew of \(Int(skew)) s detected; re-signing")
                    attempt += 1
                    continue
                }
            }

            guard failure.isRetryable || service.retryableErrorCodes.contains(failure.code),
                attempt < policy.maxAttempts
            else { throw failure }
            // In the adaptive mode a throttled request's retry waits for the service's rate limit, so it cannot join a
            // retry storm: it does not spend the retry quota, which is kept for failures the limit does not pace
            // (5xx, timeouts). Otherwise a burst of throttling at the start of an organization audit (hundreds of
            // requests in flight before the first answer) would empty the quota and leave members unaudited.
            let paced = policy.mode == .adaptive && AWSError.throttlingCodes.contains(failure.code)
            guard
                let cost = paced
                    ? 0 : await quota.acquire(afterTimeout: failure.kind == .timeout || failure.kind == .transport)
            else {
                logger.debug("retry quota exhausted; not retrying \(failure.code)")
                statistics.quotaWasEmpty()
                throw failure
            }
            lastRetryCost = cost
            let delay = policy.delay(beforeRetry: attempt)
            logger.debug(
                "retrying \(service.name) \(operation.name) after \(failure.code) in \(String(format: "%.2f", delay)) s"
            )
            statistics.retried()
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            attempt += 1
        }
    }

    /// Sends, racing the per-attempt timeout; buffered responses are read completely inside the race.
    func transmit(_ request: AWSHTTPRequest, streaming: Bool) async throws -> (AWSHTTPResponse, [UInt8]?) {
        let timeout = configuration.timeout
        let limit = configuration.maxResponseBytes
        let transport = self.transport
        return try await withThrowingTaskGroup(of: (AWSHTTPResponse, [UInt8]?)?.self) { group in
            group.addTask {
                let response = try await transport.send(request, timeout: timeout)
                if streaming && (200..<300).contains(response.head.status) { return (response, nil) }
                do {
                    return (response, try await response.body.collect(upTo: limit))
                } catch let error as AWSHTTPBody.BodyTooLarge {
                    throw TransportError(kind: .connection, detail: "\(error)")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw TransportError(kind: .timeout, detail: "no response within \(timeout.seconds) s")
            }
            return result
        }
    }

    // MARK: Signing

    func sign(_ built: BuiltRequest, attempt: Int, invocationID: String) async throws -> AWSHTTPRequest {
        var headers = built.headers
        headers.append(("amz-sdk-invocation-id", invocationID))
        headers.append(("amz-sdk-request", "attempt=\(attempt); max=\(configuration.retry.maxAttempts)"))
        var request = AWSHTTPRequest(method: built.method, url: built.url, headers: headers, body: built.body)
        guard let credentialProvider else {
            request.headers.append(("User-Agent", configuration.userAgent))
            return request
        }
        let credentials = try await credentialProvider.credentials()
        // Checked before signing, so that no error message downstream can ever echo them.
        try credentials.validate()
        let date = now().addingTimeInterval(clockSkew.withLockedValue { $0 })
        let signer = SigV4Signer(
            credentials: credentials.sigV4, region: built.signingRegion.rawValue, service: built.signingName,
            options: built.isS3 ? .s3 : .standard)
        let payload: SigV4Payload = .bytes(built.body)
        let signed = signer.signHeaders(
            SigV4Request(method: built.method, path: built.path, query: built.query, headers: headers),
            payload: payload, date: date)
        request.headers.append(contentsOf: signed.headersToAdd.map { ($0.name, $0.value) })
        request.headers.append(("User-Agent", configuration.userAgent))
        return request
    }

    // MARK: Decoding

    func decode<Output: AWSShape>(
        _ type: Output.Type, service: AWSServiceDescriptor, operation: AWSOperationDescriptor,
        head: AWSHTTPResponseHead, body: [UInt8]
    ) throws -> Output {
        do {
            var output: Output
            switch service.protocol {
            case .query:
                if body.isEmpty || Output.self == AWSEmptyShape.self {
                    output = try Self.decodeEmpty(Output.self)
                } else {
                    let root = try XMLNode.parse(body)
                    let result = operation.resultWrapper.flatMap { root.child($0) } ?? root
                    output = try XMLShapeDecoder.decode(Output.self, from: result)
                }
            case .restXML where Output.rawPayloadOutput, .restJSON where Output.rawPayloadOutput:
                output = try Self.decodeEmpty(Output.self)
                output.readPayload(body)
            case .restXML:
                // An operation without output members: whatever body arrives carries nothing to read.
                if body.isEmpty || Output.self == AWSEmptyShape.self {
                    output = try Self.decodeEmpty(Output.self)
                } else {
                    output = try XMLShapeDecoder.decode(Output.self, from: try XMLNode.parse(body))
                }
            case .json, .restJSON:
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = TimestampDecoding.jsonStrategy
                let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
                output = try decoder.decode(Output.self, from: trimmed.isEmpty ? Data("{}".utf8) : Data(body))
            }
            output.read(head)
            return output
        } catch {
            let looksLikeHTML = String(decoding: body.prefix(512), as: UTF8.self).lowercased().contains("<html")
            throw AWSError(
                kind: looksLikeHTML ? .notImplemented : .malformedResponse,
                code: looksLikeHTML ? "NotImplemented" : "MalformedResponse",
                message: looksLikeHTML
                    ? "the endpoint answered with an HTML page instead of an AWS response"
                    : "could not decode the response: \(Self.describe(error))",
                requestID: head.header("x-amzn-RequestId") ?? head.header("x-amz-request-id"), httpStatus: head.status,
                service: service.name, operation: operation.name)
        }
    }

    static func decodeEmpty<Output: AWSShape>(_ type: Output.Type) throws -> Output {
        try JSONDecoder().decode(Output.self, from: Data("{}".utf8))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _):
            return "missing \(key.stringValue)"
        default:
            return "\(error)"
        }
    }

    // MARK: Logging

    /// Header names whose values are secrets and never logged.
    public static let redactedHeaderNames: Set<String> = [
        "authorization", "x-amz-security-token", "x-amz-sso_bearer_token",
    ]

    public static func redact(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { redactedHeaderNames.contains($0.0.lowercased()) ? ($0.0, "<redacted>") : $0 }
    }

    func logRequest(
        _ request: AWSHTTPRequest, service: AWSServiceDescriptor, operation: AWSOperationDescriptor, attempt: Int
    ) {
        guard logger.logLevel <= .debug else { return }
        let headers = Self.redact(request.headers).map { "\($0.0): \($0.1)" }.joined(separator: "; ")
        logger.debug(
            "→ \(request.method) \(Self.redactURL(request.url)) \(service.name) \(operation.name) attempt \(attempt)/\(configuration.retry.maxAttempts) body \(request.body.count) bytes",
            metadata: ["headers": .string(headers)])
    }

    /// Presigned URLs carry the signature and token in the query: drop their values.
    static func redactURL(_ url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: mark)...].split(separator: "&").map { item -> String in
            let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return ["X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential"].contains(name)
                ? "\(name)=<redacted>" : String(item)
        }
        return url[..<mark] + "?" + query.joined(separator: "&")
    }
}

extension AWSClient {
    /// Runs `body` and shuts the client down afterwards, whatever happens: the one way a client is closed.
    public func using<T>(_ body: (AWSClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            try? await shutdown()  // the work is done; a failed shutdown changes nothing the caller can act on
            return result
        } catch {
            try? await shutdown()
            throw error
        }
    }
}
