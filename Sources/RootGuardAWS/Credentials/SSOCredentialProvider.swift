import Crypto
import Foundation

/// IAM Identity Center: the token cache written by `aws sso login`, refreshed through SSO-OIDC when it is
/// about to expire, exchanged for role credentials at the SSO portal.
public struct SSOCredentialProvider: CredentialProvider {
    let settings: ProfileChain.SSOSettings
    let cacheDirectory: String
    let transport: any HTTPTransport
    let overrides: AWSEndpointOverrides
    let now: @Sendable () -> Date

    public init(
        settings: ProfileChain.SSOSettings, cacheDirectory: String, transport: any HTTPTransport,
        overrides: AWSEndpointOverrides = .none, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.cacheDirectory = cacheDirectory
        self.transport = transport
        self.overrides = overrides
        self.now = now
    }

    /// `~/.aws/sso/cache/<sha1(session name or start URL)>.json`.
    public var cacheFile: String {
        let key = settings.session ?? settings.startURL
        let digest = Insecure.SHA1.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return cacheDirectory + "/" + digest + ".json"
    }

    public func credentials() async throws -> AWSCredentials {
        guard let account = settings.accountID, let role = settings.roleName else {
            throw CredentialError("SSO: the profile needs sso_account_id and sso_role_name")
        }
        var token = try loadToken()
        if token.expiresAt.timeIntervalSince(now()) < 15 * 60 {
            if let refreshed = try? await refresh(token) {
                token = refreshed
            } else if token.expiresAt <= now() {
                throw CredentialError("SSO: the session token has expired; run `aws sso login` again")
            }
        }
        let portal = overrides.url(for: Self.portalService) ?? "https://portal.sso.\(settings.region).amazonaws.com"
        let url = portal + "/federation/credentials?account_id=\(account)&role_name=\(role)"
        let (status, body) = try await CredentialHTTP.send(
            transport, method: "GET", url: url, headers: [("x-amz-sso_bearer_token", token.accessToken)],
            timeout: .seconds(10), what: "SSO GetRoleCredentials")
        guard status == 200 else {
            let code = (try? CredentialHTTP.object(body, what: ""))?["__type"] as? String ?? ""
            throw CredentialError("SSO GetRoleCredentials: HTTP \(status) \(code)")
        }
        let object = try CredentialHTTP.object(body, what: "SSO GetRoleCredentials")
        guard let roleCredentials = object["roleCredentials"] as? [String: Any],
            let id = roleCredentials["accessKeyId"] as? String,
            let secret = roleCredentials["secretAccessKey"] as? String
        else { throw CredentialError("SSO GetRoleCredentials: no roleCredentials in the response") }
        let expiration = (roleCredentials["expiration"] as? NSNumber).map {
            TimestampDecoding.date(fromNumber: $0.doubleValue)
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: roleCredentials["sessionToken"] as? String,
            expiration: expiration, accountID: account, source: "sso (\(role) in \(account))")
    }

    static let portalService = AWSServiceDescriptor(
        name: "sso", serviceID: "SSO", signingName: "awsssoportal", endpointPrefix: "portal.sso",
        apiVersion: "2019-06-10",
        protocol: .restJSON, targetPrefix: nil, xmlNamespace: nil, isGlobal: false, queryCompatible: false,
        retryableErrorCodes: [], throttlingErrorCodes: [])
    static let oidcService = AWSServiceDescriptor(
        name: "sso-oidc", serviceID: "SSO OIDC", signingName: "sso-oauth", endpointPrefix: "oidc",
        apiVersion: "2019-06-10",
        protocol: .restJSON, targetPrefix: nil, xmlNamespace: nil, isGlobal: false, queryCompatible: false,
        retryableErrorCodes: [], throttlingErrorCodes: [])

    struct Token {
        var accessToken: String
        var expiresAt: Date
        var object: [String: Any]
    }

    func loadToken() throws -> Token {
        guard let data = FileManager.default.contents(atPath: cacheFile) else {
            throw CredentialError("SSO: no cached token at \(cacheFile); run `aws sso login`")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let access = object["accessToken"] as? String,
            let expires = (object["expiresAt"] as? String).flatMap(ISO8601.parse)
        else {
            throw CredentialError("SSO: cached token \(cacheFile) is not valid JSON with accessToken and expiresAt")
        }
        return Token(accessToken: access, expiresAt: expires, object: object)
    }

    /// SSO-OIDC CreateToken with the refresh token; the cache file is rewritten.
    func refresh(_ token: Token) async throws -> Token {
        guard settings.session != nil, let clientID = token.object["clientId"] as? String,
            let clientSecret = token.object["clientSecret"] as? String,
            let refreshToken = token.object["refreshToken"] as? String
        else { throw CredentialError("SSO: token cannot be refreshed") }
        let oidc = overrides.url(for: Self.oidcService) ?? "https://oidc.\(settings.region).amazonaws.com"
        let body = try JSONSerialization.data(withJSONObject: [
            "clientId": clientID, "clientSecret": clientSecret, "grantType": "refresh_token",
            "refreshToken": refreshToken,
        ])
        let (status, reply) = try await CredentialHTTP.send(
            transport, method: "POST", url: oidc + "/token", headers: [("Content-Type", "application/json")],
            body: Array(body), timeout: .seconds(10), what: "SSO-OIDC CreateToken")
        guard status == 200 else { throw CredentialError("SSO-OIDC CreateToken: HTTP \(status)") }
        let object = try CredentialHTTP.object(reply, what: "SSO-OIDC CreateToken")
        guard let access = object["accessToken"] as? String, let expiresIn = object["expiresIn"] as? NSNumber else {
            throw CredentialError("SSO-OIDC CreateToken: no accessToken")
        }
        var cache = token.object
        let expiresAt = now().addingTimeInterval(expiresIn.doubleValue)
        cache["accessToken"] = access
        cache["expiresAt"] = ISO8601.format(expiresAt)
        if let newRefresh = object["refreshToken"] as? String { cache["refreshToken"] = newRefresh }
        if let data = try? JSONSerialization.data(withJSONObject: cache, options: [.sortedKeys]) {
            try? data.write(to: URL(fileURLWithPath: cacheFile), options: .atomic)
        }
        return Token(accessToken: access, expiresAt: expiresAt, object: cache)
    }
}
