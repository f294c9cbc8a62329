import Foundation

/// A service's wire facts, generated from its botocore model.
public struct AWSServiceDescriptor: Sendable, Hashable {
    /// The wire protocol family.
    public enum WireProtocol: Sendable, Hashable {
        /// awsQuery: form-encoded `Action=…&Version=…`, XML response (IAM, STS, SNS).
        case query
        /// awsJson1_0 / awsJson1_1: `X-Amz-Target`, JSON in and out.
        case json(String)
        /// restJson1: HTTP bindings, JSON body.
        case restJSON
        /// restXml: HTTP bindings, XML body (S3).
        case restXML
    }

    /// botocore's service name (`iam`, `logs`, …), used in messages.
    public let name: String
    /// The model's serviceId; `AWS_ENDPOINT_URL_<ID>` is derived from it.
    public let serviceID: String
    public let signingName: String
    public let endpointPrefix: String
    public let apiVersion: String
    public let `protocol`: WireProtocol
    public let targetPrefix: String?
    public let xmlNamespace: String?
    /// One endpoint per partition (IAM, Organizations, Account).
    public let isGlobal: Bool
    /// awsQueryCompatible JSON services (CloudWatch): send `x-amzn-query-mode`, read `x-amzn-query-error`.
    public let queryCompatible: Bool
    /// Error codes the model marks retryable.
    public let retryableErrorCodes: Set<String>
    /// Error codes the model marks as throttling.
    public let throttlingErrorCodes: Set<String>

    public init(
        name: String, serviceID: String, signingName: String, endpointPrefix: String, apiVersion: String,
        protocol: WireProtocol, targetPrefix: String?, xmlNamespace: String?, isGlobal: Bool, queryCompatible: Bool,
        retryableErrorCodes: Set<String>, throttlingErrorCodes: Set<String>
    ) {
        self.name = name
        self.serviceID = serviceID
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.apiVersion = apiVersion
        self.protocol = `protocol`
        self.targetPrefix = targetPrefix
        self.xmlNamespace = xmlNamespace
        self.isGlobal = isGlobal
        self.queryCompatible = queryCompatible
        self.retryableErrorCodes = retryableErrorCodes
        self.throttlingErrorCodes = throttlingErrorCodes
    }

    /// The suffix of `AWS_ENDPOINT_URL_<ID>`: the serviceId upper-cased, spaces as `_`.
    public var endpointEnvironmentSuffix: String {
        serviceID.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    /// The key inside a `[services name]` section: the serviceId lower-cased, spaces as `_`.
    public var servicesSectionKey: String {
        serviceID.lowercased().replacingOccurrences(of: " ", with: "_")
    }
}

/// One operation's HTTP facts.
public struct AWSOperationDescriptor: Sendable, Hashable {
    public let name: String
    public let method: String
    /// The request URI template (`/detector/{DetectorId}`, `/{Bucket}?list-type=2`, `/{Key+}`).
    public let requestURI: String
    /// The awsQuery result wrapper element (`GetAccountSummaryResult`).
    public let resultWrapper: String?

    public init(name: String, method: String, requestURI: String, resultWrapper: String?) {
        self.name = name
        self.method = method
        self.requestURI = requestURI
        self.resultWrapper = resultWrapper
    }
}
