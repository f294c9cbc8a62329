import Foundation

/// Small JSON fetches outside the AWS protocols (container endpoint, IMDS, SSO portal).
enum CredentialHTTP {
    static func send(
        _ transport: any HTTPTransport, method: String, url: String, headers: [(String, String)], body: [UInt8] = [],
        timeout: Duration, what: String
    ) async throws -> (Int, [UInt8]) {
        do {
            let response = try await transport.send(
                AWSHTTPRequest(method: method, url: url, headers: headers, body: body), timeout: timeout)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (response.head.status, bytes)
        } catch let error as TransportError {
            throw CredentialError("\(what): \(error.detail)")
        }
    }

    static func object(_ bytes: [UInt8], what: String) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw CredentialError("\(what): response is not a JSON object")
        }
        return object
    }
}

/// ECS / EKS Pod Identity container credentials.
public struct ContainerCredentialProvider: CredentialProvider {
    let url: String
    let environment: [String: String]
    let transport: any HTTPTransport

    /// The endpoint URL the environment selects, validated as the SDKs do (ecs-tests.json).
    public static func endpoint(environment: [String: String]) throws -> String? {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            return "http://169.254.170.2" + relative
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else { return nil }
        guard let components = URLComponents(string: full), let host = components.host, !host.isEmpty else {
            throw CredentialError("container credentials: URI did not specify a host: \(full)")
        }
        switch components.scheme {
        case "https": return full
        case "http":
            let allowed = [
                "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]", "localhost", "::1", "[::1]",
            ]
            if allowed.contains(host) || host.hasPrefix("127.") { return full }
            throw CredentialError(
                "container credentials: http URI must be loopback or the ECS/EKS link-local address, not \(host)")
        default:
            throw CredentialError("container credentials: unsupported scheme in \(full)")
        }
    }

    public init?(environment: [String: String], transport: any HTTPTransport) throws {
        guard let url = try Self.endpoint(environment: environment) else { return nil }
        self.url = url
        self.environment = environment
        self.transport = transport
    }

    public func credentials() async throws -> AWSCredentials {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CredentialError(
                    "container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            headers.append(("Authorization", token.trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(("Authorization", token))
        }
        var lastError: any Error = CredentialError("container credentials: no attempt made")
        for attempt in 1...3 {
            do {
                let (status, body) = try await CredentialHTTP.send(
                    transport, method: "GET", url: url, headers: headers, timeout: .seconds(2),
                    what: "container credentials")
                guard status == 200 else { throw CredentialError("container credentials: HTTP \(status) from \(url)") }
                let object = try CredentialHTTP.object(body, what: "container credentials")
                return try Self.parse(object, source: "container")
            } catch {
                lastError = error
                if attempt < 3 { try await Task.sleep(for: .milliseconds(200)) }
            }
        }
        throw lastError
    }

    static func parse(_ object: [String: Any], source: String) throws -> AWSCredentials {
        guard let id = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String else {
            throw CredentialError("\(source): response has no AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: object["Token"] as? String,
            expiration: (object["Expiration"] as? String).flatMap(ISO8601.parse),
            accountID: object["AccountId"] as? String, source: source)
    }
}

/// EC2 instance metadata (IMDSv2, falling back to v1 on 403/404/405 unless disabled).
public struct IMDSCredentialProvider: CredentialProvider {
    public let endpoint: String
    let v1Disabled: Bool
    let timeout: Duration
    let transport: any HTTPTransport

    /// The endpoint the environment and profile select (imds-endpoint-tests.json).
    /// `endpointOverride` / `modeOverride` are programmatic settings that win over the environment and profile.
    public static func endpoint(
        environment: [String: String], profile: [String: String], endpointOverride: String? = nil,
        modeOverride: String? = nil
    ) throws -> String {
        if let explicit = endpointOverride ?? environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
            ?? profile["ec2_metadata_service_endpoint"]
        {
            guard let url = URLComponents(string: explicit), url.scheme != nil, url.host?.isEmpty == false else {
                throw CredentialError("instance metadata endpoint '\(explicit)' is not a valid URI")
            }
            var text = explicit
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        let mode =
            modeOverride ?? environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]
            ?? profile["ec2_metadata_service_endpoint_mode"]
        switch mode?.lowercased() {
        case nil, "ipv4": return "http://169.254.169.254"
        case "ipv6": return "http://[fd00:ec2::254]"
        default: throw CredentialError("`\(mode ?? "")` is not a valid endpoint mode")
        }
    }

    public init(environment: [String: String], profile: [String: String], transport: any HTTPTransport) throws {
        endpoint = try Self.endpoint(environment: environment, profile: profile)
        v1Disabled =
            (environment["AWS_EC2_METADATA_V1_DISABLED"] ?? profile["ec2_metadata_v1_disabled"])?.lowercased() == "true"
        let seconds =
            Double(environment["AWS_METADATA_SERVICE_TIMEOUT"] ?? profile["metadata_service_timeout"] ?? "") ?? 1
        timeout = .milliseconds(Int(seconds * 1000))
        self.transport = transport
    }

    public func credentials() async throws -> AWSCredentials {
        var headers: [(String, String)] = []
        let (tokenStatus, tokenBody) = try await CredentialHTTP.send(
            transport, method: "PUT", url: endpoint + "/latest/api/token",
            headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")], timeout: timeout, what: "IMDS")
        if tokenStatus == 200 {
            headers.append(("X-aws-ec2-metadata-token", String(decoding: tokenBody, as: UTF8.self)))
        } else if !([403, 404, 405].contains(tokenStatus) && !v1Disabled) {
            throw CredentialError("IMDS: token request answered HTTP \(tokenStatus)")
        }
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        let (roleStatus, roleBody) = try await CredentialHTTP.send(
            transport, method: "GET", url: base, headers: headers, timeout: timeout, what: "IMDS")
        guard roleStatus == 200,
            let role = String(decoding: roleBody, as: UTF8.self).split(separator: "\n").first.map(String.init),
            !role.isEmpty
        else { throw CredentialError("IMDS: no instance profile role (HTTP \(roleStatus))") }
        let (status, body) = try await CredentialHTTP.send(
            transport, method: "GET", url: base + role, headers: headers, timeout: timeout, what: "IMDS")
        guard status == 200 else { throw CredentialError("IMDS: credentials request answered HTTP \(status)") }
        let object = try CredentialHTTP.object(body, what: "IMDS")
        if let code = object["Code"] as? String, code != "Success" {
            throw CredentialError("IMDS: credentials status \(code)")
        }
        return try ContainerCredentialProvider.parse(object, source: "imds (\(role))")
    }
}
