import AsyncHTTPClient
import Foundation
import Logging

/// What the user said on the command line; everything else comes from the environment and the config files.
public struct AWSCommandLineOptions: Sendable, Hashable {
    public var profile: String?
    public var region: String?
    public var endpointURL: String?
    public var maxAttempts: Int?
    public var timeoutSeconds: Double?
    /// `--mfa-code`, for profiles with `mfa_serial`.
    public var mfaCode: String?

    public init(
        profile: String? = nil, region: String? = nil, endpointURL: String? = nil, maxAttempts: Int? = nil,
        timeoutSeconds: Double? = nil, mfaCode: String? = nil
    ) {
        self.profile = profile
        self.region = region
        self.endpointURL = endpointURL
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.mfaCode = mfaCode
    }
}

/// Resolved settings, in the AWS CLI's precedence order (research §D).
public struct AWSSettings: Sendable {
    public var files: AWSConfigFiles
    public var configPath: String
    public var credentialsPath: String
    /// The selected profile's name and whether the user chose it explicitly (`--profile`).
    public var profileName: String
    public var profileIsExplicit: Bool
    public var profile: [String: String]
    public var region: AWSRegion
    public var endpoints: AWSEndpointOverrides
    public var retry: AWSRetryPolicy
    public var timeout: Duration
    public var caBundle: String?
    public var environment: [String: String]
    /// The MFA code (given, or asked on the terminal by the caller's prompt) for roles with `mfa_serial`.
    public var mfa = MFATokenSource()

    /// `~/.aws/config` and `~/.aws/credentials`, or their environment overrides (file-location tests).
    public static func fileLocations(environment: [String: String]) -> (config: String, credentials: String) {
        let home =
            environment["HOME"] ?? environment["USERPROFILE"]
            ?? ((environment["HOMEDRIVE"] ?? "") + (environment["HOMEPATH"] ?? ""))
        func expand(_ path: String) -> String {
            if path == "~" { return home }
            if path.hasPrefix("~/") { return home + path.dropFirst(1) }
            return path
        }
        let config = environment["AWS_CONFIG_FILE"].map(expand) ?? home + "/.aws/config"
        let credentials = environment["AWS_SHARED_CREDENTIALS_FILE"].map(expand) ?? home + "/.aws/credentials"
        return (config, credentials)
    }

    /// The profile name: `--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`.
    public static func profileName(options: AWSCommandLineOptions, environment: [String: String]) -> String {
        options.profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    }

    /// Reads the files (missing files are empty; malformed ones are an error naming file and line).
    public static func load(
        options: AWSCommandLineOptions, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AWSSettings {
        let (configPath, credentialsPath) = fileLocations(environment: environment)
        func read(_ path: String) throws -> String? {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AWSError(
                    kind: .configuration, code: "UnreadableConfig", message: "cannot read \(path)", service: "config",
                    operation: "load")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let files: AWSConfigFiles
        do {
            files = try AWSConfigFiles.parse(
                config: try read(configPath), credentials: try read(credentialsPath), configName: configPath,
                credentialsName: credentialsPath)
        } catch let error as AWSConfigFiles.ParseError {
            throw AWSError(
                kind: .configuration, code: "MalformedConfig", message: error.description, service: "config",
                operation: "load")
        }
        let name = profileName(options: options, environment: environment)
        // `--profile` skips environment credentials; AWS_PROFILE does not, but both must name a real profile.
        let explicit = options.profile != nil
        if (explicit || environment["AWS_PROFILE"] != nil) && files.profiles[name] == nil {
            throw AWSError(
                kind: .configuration, code: "ProfileNotFound",
                message: "profile '\(name)' is not in \(configPath) or \(credentialsPath)", service: "config",
                operation: "load")
        }
        let profile = files.profiles[name] ?? [:]
        func nonEmpty(_ value: String?) -> String? { (value?.isEmpty ?? true) ? nil : value }

        let region =
            nonEmpty(options.region) ?? nonEmpty(environment["AWS_REGION"])
            ?? nonEmpty(environment["AWS_DEFAULT_REGION"]) ?? nonEmpty(profile["region"]) ?? "us-east-1"
        // A region becomes part of host names and signatures: lower-case letters, digits and hyphens only.
        guard region.count <= 64,
            region.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
        else {
            throw AWSError(
                kind: .configuration, code: "InvalidRegion",
                message: "the region is not a region name (lower-case letters, digits and hyphens, e.g. eu-west-1)",
                service: "config", operation: "load")
        }

        var serviceEnvironment: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix("AWS_ENDPOINT_URL_") && !value.isEmpty {
            serviceEnvironment[String(key.dropFirst("AWS_ENDPOINT_URL_".count))] = value
        }
        var servicesSection: [String: String] = [:]
        if let sectionName = profile["services"], let section = files.services[sectionName] {
            for (service, value) in section {
                if let url = AWSConfigFiles.subProperties(value)["endpoint_url"] { servicesSection[service] = url }
            }
        }
        let ignore =
            (environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? profile["ignore_configured_endpoint_urls"])?
            .lowercased() == "true"
        let endpoints = AWSEndpointOverrides(
            explicit: nonEmpty(options.endpointURL), serviceEnvironment: serviceEnvironment,
            globalEnvironment: nonEmpty(environment["AWS_ENDPOINT_URL"]), servicesSection: servicesSection,
            profile: nonEmpty(profile["endpoint_url"]), ignoreConfigured: ignore)

        let attemptsText =
            options.maxAttempts.map(String.init) ?? nonEmpty(environment["AWS_MAX_ATTEMPTS"])
            ?? nonEmpty(profile["max_attempts"])
        var retry = AWSRetryPolicy()
        if let attemptsText {
            guard let attempts = Int(attemptsText), attempts >= 1 else {
                throw AWSError(
                    kind: .configuration, code: "InvalidMaxAttempts",
                    message: "max attempts must be a whole number ≥ 1, not '\(attemptsText)'", service: "config",
                    operation: "load")
            }
            retry.maxAttempts = attempts
        }
        if let mode = nonEmpty(environment["AWS_RETRY_MODE"]) ?? nonEmpty(profile["retry_mode"]) {
            switch mode.lowercased() {
            case "adaptive": retry.mode = .adaptive
            case "standard", "legacy": retry.mode = .standard  // legacy is the old SDKs' variant of standard
            default:
                throw AWSError(
                    kind: .configuration, code: "InvalidRetryMode",
                    message: "retry mode must be standard, adaptive or legacy, not '\(mode)'", service: "config",
                    operation: "load")
            }
        }
        return AWSSettings(
            files: files, configPath: configPath, credentialsPath: credentialsPath, profileName: name,
            profileIsExplicit: explicit, profile: profile, region: AWSRegion(region), endpoints: endpoints,
            retry: retry,
            timeout: .milliseconds(Int((options.timeoutSeconds ?? 30) * 1000)),
            caBundle: nonEmpty(environment["AWS_CA_BUNDLE"]) ?? nonEmpty(profile["ca_bundle"]),
            environment: environment,
            mfa: MFATokenSource(code: nonEmpty(options.mfaCode) ?? nonEmpty(environment["AWS_MFA_CODE"])))
    }

    /// A client with the default credential chain over async-http-client (or `transport`).
    public func makeClient(
        transport: (any HTTPTransport)? = nil, logger: Logger = Logger(label: "rootguard.aws")
    ) throws
        -> AWSClient
    {
        let owned = transport == nil ? try AsyncHTTPClientTransport(caBundlePath: caBundle) : nil
        let bootstrap = AWSClient(
            configuration: clientConfiguration, credentialProvider: nil, transport: transport ?? owned!, logger: logger)
        do {
            let provider = try DefaultCredentialChain.provider(settings: self, client: bootstrap)
            return bootstrap.with(credentialProvider: provider)
        } catch {
            // The transport this call made must be shut down before it goes away, also when the profile is bad.
            try? owned?.client.syncShutdown()
            throw error
        }
    }

    public var clientConfiguration: AWSClient.Configuration {
        AWSClient.Configuration(region: region, endpoints: endpoints, retry: retry, timeout: timeout)
    }
}
