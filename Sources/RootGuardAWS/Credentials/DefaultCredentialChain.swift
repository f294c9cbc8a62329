import Foundation

/// The AWS CLI's credential chain: environment (unless `--profile`), the selected profile (assume role, web
/// identity, SSO, credential_process, static keys), environment web identity, container, instance metadata.
public enum DefaultCredentialChain {
    /// Builds the provider for `settings`; the returned provider caches and refreshes.
    /// - Parameter client: used for STS calls (assume role, web identity); its own credentials are not used.
    public static func provider(settings: AWSSettings, client: AWSClient) throws -> any CredentialProvider {
        let environment = settings.environment
        if !settings.profileIsExplicit, let fromEnvironment = try environmentProvider(environment) {
            return fromEnvironment
        }
        if settings.files.profiles[settings.profileName] != nil {
            do {
                let chain = try ProfileChain.resolve(profile: settings.profileName, in: settings.files)
                return CachingCredentialProvider(try build(chain, settings: settings, client: client))
            } catch let error as CredentialError where error.message.contains("did not contain credential information")
            {
                // A profile with only settings (region, endpoint): fall through to the other sources.
            } catch let error as CredentialError {
                throw AWSError(
                    kind: .credentials, code: "InvalidProfile", message: error.message, service: "credentials",
                    operation: "profile \(settings.profileName)")
            }
        }
        if let roleARN = environment["AWS_ROLE_ARN"], let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] {
            return CachingCredentialProvider(
                WebIdentityCredentialProvider(
                    roleARN: roleARN, tokenFile: tokenFile, sessionName: environment["AWS_ROLE_SESSION_NAME"],
                    client: client))
        }
        if let container = try wrap({
            try ContainerCredentialProvider(environment: environment, transport: client.transport)
        }) {
            return CachingCredentialProvider(container)
        }
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            return MissingCredentialProvider(looked: lookedIn(settings))
        }
        let imds = try wrap {
            try IMDSCredentialProvider(environment: environment, profile: settings.profile, transport: client.transport)
        }!
        return CachingCredentialProvider(FallbackCredentialProvider(imds: imds, looked: lookedIn(settings)))
    }

    static func lookedIn(_ settings: AWSSettings) -> String {
        "environment, profile '\(settings.profileName)' in \(settings.configPath) and \(settings.credentialsPath), "
            + "web identity, container, instance metadata"
    }

    static func wrap<T>(_ body: () throws -> T?) throws -> T? {
        do { return try body() } catch let error as CredentialError {
            throw AWSError(
                kind: .credentials, code: "InvalidCredentialSource", message: error.message, service: "credentials",
                operation: "resolve")
        }
    }

    /// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`, legacy `AWS_SECURITY_TOKEN`).
    public static func environmentProvider(_ environment: [String: String]) throws -> (any CredentialProvider)? {
        let id = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (id, secret) {
        case (nil, nil): return nil
        case (let id?, let secret?):
            return StaticCredentialProvider(
                AWSCredentials(
                    accessKeyID: id, secretAccessKey: secret,
                    sessionToken: environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"],
                    expiration: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(ISO8601.parse),
                    accountID: environment["AWS_ACCOUNT_ID"], source: "environment"))
        default:
            throw AWSError(
                kind: .credentials, code: "PartialCredentials",
                message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together", service: "credentials",
                operation: "environment")
        }
    }

    static func build(_ chain: ProfileChain, settings: AWSSettings, client: AWSClient) throws -> any CredentialProvider
    {
        var provider: any CredentialProvider
        switch chain.base {
        case .accessKey(let id, let secret, let token, let account):
            provider = StaticCredentialProvider(
                AWSCredentials(
                    accessKeyID: id, secretAccessKey: secret, sessionToken: token, accountID: account,
                    source: "profile \(settings.profileName)"))
        case .namedSource("Environment"):
            guard let fromEnvironment = try environmentProvider(settings.environment) else {
                throw CredentialError("credential_source Environment: AWS_ACCESS_KEY_ID is not set")
            }
            provider = fromEnvironment
        case .namedSource("EcsContainer"):
            guard
                let container = try ContainerCredentialProvider(
                    environment: settings.environment, transport: client.transport)
            else { throw CredentialError("credential_source EcsContainer: no container credentials URI is set") }
            provider = container
        case .namedSource:
            provider = try IMDSCredentialProvider(
                environment: settings.environment, profile: settings.profile, transport: client.transport)
        case .webIdentity(let roleARN, let tokenFile, let sessionName):
            provider = WebIdentityCredentialProvider(
                roleARN: roleARN, tokenFile: tokenFile, sessionName: sessionName, client: client)
        case .sso(let sso):
            let home = settings.environment["HOME"] ?? NSHomeDirectory()
            provider = SSOCredentialProvider(
                settings: sso, cacheDirectory: home + "/.aws/sso/cache", transport: client.transport,
                overrides: settings.endpoints)
        case .process(let command):
            provider = ProcessCredentialProvider(
                command: command, profile: settings.profileName, timeout: settings.timeout)
        }
        let home = settings.environment["HOME"] ?? NSHomeDirectory()
        for step in chain.roles {
            provider = CachingCredentialProvider(
                AssumeRoleCredentialProvider(
                    step: step, client: client.with(credentialProvider: CachingCredentialProvider(provider)),
                    mfa: settings.mfa, cacheDirectory: home + "/.aws/cli/cache"))
        }
        return provider
    }
}

/// Returned when nothing is configured and instance metadata is disabled.
struct MissingCredentialProvider: CredentialProvider {
    let looked: String
    func credentials() async throws -> AWSCredentials {
        throw AWSError(
            kind: .credentials, code: "NoCredentials", message: "no AWS credentials found (looked in: \(looked))",
            service: "credentials", operation: "resolve")
    }
}

/// Instance metadata as the last resort; its failure is reported as "no credentials found".
struct FallbackCredentialProvider: CredentialProvider {
    let imds: IMDSCredentialProvider
    let looked: String
    func credentials() async throws -> AWSCredentials {
        do { return try await imds.credentials() } catch {
            throw AWSError(
                kind: .credentials, code: "NoCredentials",
                message: "no AWS credentials found (looked in: \(looked); instance metadata: \(error))",
                service: "credentials", operation: "resolve")
        }
    }
}
