import Foundation

/// STS AssumeRole from another provider's credentials (profiles with `role_arn`).
public struct AssumeRoleCredentialProvider: CredentialProvider {
    let step: ProfileChain.AssumeRoleStep
    let client: AWSClient
    let now: @Sendable () -> Date
    let mfa: MFATokenSource
    /// The AWS CLI's session cache directory (`~/.aws/cli/cache`), used for roles assumed with MFA.
    let cacheDirectory: String?

    /// - Parameter client: a client whose credential provider is the source credentials.
    public init(
        step: ProfileChain.AssumeRoleStep, client: AWSClient, mfa: MFATokenSource = MFATokenSource(),
        cacheDirectory: String? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.step = step
        self.client = client
        self.mfa = mfa
        self.cacheDirectory = cacheDirectory
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        var serial: String?
        var code: String?
        var cache: (AssumeRoleCache, String)?
        if let mfaSerial = step.mfaSerial {
            if let directory = cacheDirectory {
                let store = AssumeRoleCache(directory: directory)
                let key = AssumeRoleCache.key(
                    roleARN: step.roleARN, sessionName: step.sessionName, externalID: step.externalID,
                    serial: mfaSerial, duration: step.durationSeconds)
                if let cached = store.read(key, now: now()) { return cached }
                cache = (store, key)
            }
            serial = mfaSerial
            code = try mfa.token(serial: mfaSerial, profile: step.profile)
        }
        let sessionName = step.sessionName ?? "rootguard-\(Int(now().timeIntervalSince1970))"
        do {
            let output = try await client.sts().assumeRole(
                .init(
                    roleArn: step.roleARN, roleSessionName: sessionName, durationSeconds: step.durationSeconds,
                    externalId: step.externalID, serialNumber: serial, tokenCode: code))
            let credentials = try Self.credentials(
                output.credentials,
                source: "profile \(step.profile) (assume role \(step.roleARN)\(serial == nil ? "" : ", MFA"))")
            if let (store, key) = cache { store.write(key, credentials) }
            return credentials
        } catch let error as AWSError {
            throw CredentialError("profile `\(step.profile)`: cannot assume \(step.roleARN): \(error)")
        }
    }

    static func credentials(
        _ value: STS.Credentials?, source: String, accountID: String? = nil
    ) throws -> AWSCredentials {
        guard let value, let id = value.accessKeyId, let secret = value.secretAccessKey else {
            throw CredentialError("\(source): STS returned no credentials")
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: value.sessionToken, expiration: value.expiration,
            accountID: accountID, source: source)
    }
}

/// STS AssumeRoleWithWebIdentity (unsigned) with a token file that is re-read on every refresh.
public struct WebIdentityCredentialProvider: CredentialProvider {
    let roleARN: String
    let tokenFile: String
    let sessionName: String?
    let client: AWSClient

    /// - Parameter client: any client; the call is sent unsigned.
    public init(roleARN: String, tokenFile: String, sessionName: String?, client: AWSClient) {
        self.roleARN = roleARN
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.client = client.with(credentialProvider: nil)
    }

    public func credentials() async throws -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            throw CredentialError("web identity: cannot read token file \(tokenFile): \(error.localizedDescription)")
        }
        do {
            let output = try await client.sts().assumeRoleWithWebIdentity(
                .init(
                    roleArn: roleARN, roleSessionName: sessionName ?? "rootguard-\(Int(Date().timeIntervalSince1970))",
                    webIdentityToken: token))
            return try AssumeRoleCredentialProvider.credentials(output.credentials, source: "web identity (\(roleARN))")
        } catch let error as AWSError {
            throw CredentialError("web identity: cannot assume \(roleARN): \(error)")
        }
    }
}
