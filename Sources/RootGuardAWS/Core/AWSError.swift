/// Any failure of an AWS call, decoded the same way whatever the wire protocol.
///
/// `description` is one line meant for users: `sts GetCallerIdentity: InvalidClientTokenId: The security token …`.
public struct AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; checks and collectors branch on it.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The caller lacks a permission (AccessDenied, AccessDeniedException, UnauthorizedOperation, AuthorizationError).
        public static let accessDenied = Kind(rawValue: "accessDenied")
        /// The service rate-limited the call.
        public static let throttling = Kind(rawValue: "throttling")
        /// The credentials were rejected (bad key, bad signature, expired token).
        public static let authentication = Kind(rawValue: "authentication")
        /// The endpoint does not implement the operation (an HTML or empty error page instead of an AWS error).
        public static let notImplemented = Kind(rawValue: "notImplemented")
        /// The feature or resource is not there (not subscribed, not in an organization, no such entity).
        public static let notFound = Kind(rawValue: "notFound")
        /// Any other 4xx error from the service.
        public static let client = Kind(rawValue: "client")
        /// A 5xx error from the service.
        public static let server = Kind(rawValue: "server")
        /// The request did not complete in time.
        public static let timeout = Kind(rawValue: "timeout")
        /// The connection failed or broke.
        public static let transport = Kind(rawValue: "transport")
        /// A 2xx response whose body could not be decoded.
        public static let malformedResponse = Kind(rawValue: "malformedResponse")
        /// No usable credentials could be found or obtained.
        public static let credentials = Kind(rawValue: "credentials")
        /// The configuration (files, environment, options) is invalid.
        public static let configuration = Kind(rawValue: "configuration")
    }

    public var kind: Kind
    /// The AWS error code (`AccessDenied`, `ThrottlingException`), or a synthesised one (`HTTP404`, `Timeout`).
    public var code: String
    public var message: String
    public var requestID: String?
    public var httpStatus: Int?
    /// botocore's service name, e.g. `sts`.
    public var service: String
    public var operation: String

    public init(
        kind: Kind, code: String, message: String, requestID: String? = nil, httpStatus: Int? = nil,
        service: String, operation: String
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.requestID = requestID
        self.httpStatus = httpStatus
        self.service = service
        self.operation = operation
    }

    public var description: String {
        var line = "\(service) \(operation): \(code)"
        let text = Self.oneLine(message)
        if !text.isEmpty { line += ": " + text }
        return line
    }

    /// The IAM action a denied call needed, e.g. `iam:GetAccountSummary`.
    public var iamAction: String { "\(Self.iamPrefix(service)):\(Self.iamActionName(operation))" }

    /// Operations IAM authorises under another action's name.
    public static func iamActionName(_ operation: String) -> String {
        switch operation {
        case "ListObjectsV2", "HeadBucket": return "ListBucket"
        case "HeadObject": return "GetObject"
        case "DeleteMessageBatch": return "DeleteMessage"
        case "SendMessageBatch": return "SendMessage"
        case "ChangeMessageVisibilityBatch": return "ChangeMessageVisibility"
        default: return operation
        }
    }

    static func iamPrefix(_ service: String) -> String {
        switch service {
        case "cloudwatch": return "cloudwatch"
        case "logs": return "logs"
        case "config": return "config"
        default: return service
        }
    }

    /// Collapses whitespace and control characters, bounded: service text is untrusted.
    static func oneLine(_ text: String, limit: Int = 400) -> String {
        var out = ""
        var space = false
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == " " {
                space = !out.isEmpty
                continue
            }
            if space { out.append(" ") }
            space = false
            out.unicodeScalars.append(scalar)
            if out.count >= limit { return out + "…" }
        }
        return out
    }

    // MARK: Classification

    static let accessDeniedCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
        "UnauthorizedException", "Forbidden", "AccessDeniedForDependencyException",
    ]
    static let authenticationCodes: Set<String> = [
        "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidSignatureException",
        "ExpiredToken", "ExpiredTokenException", "IncompleteSignature", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "InvalidAccessKeyId", "AuthFailure", "InvalidToken",
        "RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture",
    ]
    /// The union of botocore's and aws-sdk-swift's throttling codes. IAM's `LimitExceeded` is a quota, not this.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "PriorRequestNotComplete",
        "IDPCommunicationError", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
        "InternalServiceError", "InternalServerError", "InternalServerErrorException", "InternalException",
        "ServiceFailure",
    ]
    static let notFoundCodes: Set<String> = [
        "NoSuchEntity", "AWSOrganizationsNotInUseException", "ResourceNotFoundException", "NoSuchBucket", "NoSuchKey",
        "SubscriptionRequiredException", "OptInRequired", "InvalidAccessException", "TrailNotFoundException",
        "ReportNotPresent", "NotFound", "NotFoundException", "NoSuchConfigurationRecorderException",
        "OrganizationNotFoundException", "ServiceAccessNotEnabledException",
    ]
    static let clockSkewCodes: Set<String> = ["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"]
    static let probableSkewCodes: Set<String> = ["InvalidSignatureException", "AuthFailure", "SignatureDoesNotMatch"]

    static func kind(code: String, status: Int, service: AWSServiceDescriptor) -> Kind {
        if throttlingCodes.contains(code) || service.throttlingErrorCodes.contains(code) || status == 429 {
            return .throttling
        }
        if accessDeniedCodes.contains(code) { return .accessDenied }
        if authenticationCodes.contains(code) { return .authentication }
        if notFoundCodes.contains(code) { return .notFound }
        if status >= 500 { return .server }
        return .client
    }

    /// Whether the standard retry mode retries this error.
    var isRetryable: Bool {
        switch kind {
        case .throttling, .server, .timeout, .transport: return true
        default: return Self.transientCodes.contains(code) || httpStatus == 408
        }
    }
}
