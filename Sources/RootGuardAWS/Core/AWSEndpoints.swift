import Foundation

/// Where configured endpoint URLs come from, in botocore's order of precedence.
public struct AWSEndpointOverrides: Sendable, Hashable {
    /// `--endpoint-url`: wins over everything.
    public var explicit: String?
    /// `AWS_ENDPOINT_URL_<SERVICE_ID>` values keyed by the suffix (`CLOUDWATCH_LOGS`).
    public var serviceEnvironment: [String: String]
    /// `AWS_ENDPOINT_URL`.
    public var globalEnvironment: String?
    /// The profile's `[services name]` section: service key (`cloudwatch_logs`) → endpoint_url.
    public var servicesSection: [String: String]
    /// The profile's `endpoint_url`.
    public var profile: String?
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls`: only `explicit` counts.
    public var ignoreConfigured: Bool

    public init(
        explicit: String? = nil, serviceEnvironment: [String: String] = [:], globalEnvironment: String? = nil,
        servicesSection: [String: String] = [:], profile: String? = nil, ignoreConfigured: Bool = false
    ) {
        self.explicit = explicit
        self.serviceEnvironment = serviceEnvironment
        self.globalEnvironment = globalEnvironment
        self.servicesSection = servicesSection
        self.profile = profile
        self.ignoreConfigured = ignoreConfigured
    }

    public static let none = AWSEndpointOverrides()

    /// The configured URL for `service`, if any.
    public func url(for service: AWSServiceDescriptor) -> String? {
        if let explicit { return explicit }
        if ignoreConfigured { return nil }
        return serviceEnvironment[service.endpointEnvironmentSuffix] ?? globalEnvironment
            ?? servicesSection[service.servicesSectionKey] ?? profile
    }
}

/// A resolved endpoint: the base URL and what to sign for.
public struct AWSEndpoint: Sendable, Hashable {
    /// `https://iam.amazonaws.com` (no trailing slash); may carry a base path for custom endpoints.
    public var url: String
    public var signingRegion: AWSRegion
    /// True when the URL came from configuration (moto, LocalStack, a proxy): S3 then uses path style.
    public var isCustom: Bool
}

/// The endpoint table of research §A.2 (no rules engine: the services used here follow three patterns).
public enum AWSEndpointResolver {
    public static func resolve(
        _ service: AWSServiceDescriptor, region: AWSRegion, overrides: AWSEndpointOverrides
    ) throws -> AWSEndpoint {
        if let configured = overrides.url(for: service) {
            guard let url = URL(string: configured), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw AWSError(
                    kind: .configuration, code: "InvalidEndpointURL",
                    message: "endpoint URL '\(configured)' is not an http(s) URL with a host",
                    service: service.name, operation: "endpoint")
            }
            var text = configured
            while text.hasSuffix("/") { text.removeLast() }
            // With a configured endpoint botocore signs with the client's region, even for global services.
            return AWSEndpoint(url: text, signingRegion: region, isCustom: true)
        }
        let partition = region.partition
        if service.isGlobal {
            switch service.endpointPrefix {
            case "iam":
                return AWSEndpoint(
                    url: "https://\(partition.iamHost)", signingRegion: partition.iamRegion, isCustom: false)
            default:
                let global = partition.globalRegion
                return AWSEndpoint(
                    url: "https://\(service.endpointPrefix).\(global.rawValue).\(partition.dnsSuffix)",
                    signingRegion: global, isCustom: false)
            }
        }
        if service.endpointPrefix == "sts" && region.rawValue == "aws-global" {
            return AWSEndpoint(url: "https://sts.amazonaws.com", signingRegion: .usEast1, isCustom: false)
        }
        if service.endpointPrefix == "s3" && region == .usEast1 {
            return AWSEndpoint(url: "https://s3.us-east-1.amazonaws.com", signingRegion: region, isCustom: false)
        }
        return AWSEndpoint(
            url: "https://\(service.endpointPrefix).\(region.rawValue).\(partition.dnsSuffix)", signingRegion: region,
            isCustom: false)
    }

    /// Whether an S3 bucket can be addressed virtual-host style (DNS-compatible, no dots).
    static func isVirtualHostable(_ bucket: String) -> Bool {
        guard (3...63).contains(bucket.count), !bucket.contains("."), !bucket.contains("--"),
            let first = bucket.first, let last = bucket.last, first.isLetter || first.isNumber,
            last.isLetter || last.isNumber
        else { return false }
        return bucket.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
    }
}
