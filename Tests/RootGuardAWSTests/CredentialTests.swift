import Foundation
import NIOConcurrencyHelpers
import RootGuardTesting
import Testing

@testable import RootGuardAWS

@Suite("Credential providers, caching and redaction")
struct CredentialTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rootguard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func environmentCredentialsIncludeTheSessionToken() async throws {
        let provider = try #require(
            try DefaultCredentialChain.environmentProvider([
                "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_SESSION_TOKEN": Self.token,
            ]))
        let credentials = try await provider.credentials()
        #expect(credentials.sessionToken == Self.token)
        #expect(credentials.source == "environment")
        #expect(throws: AWSError.self) {
            try DefaultCredentialChain.environmentProvider(["AWS_ACCESS_KEY_ID": "AKIDENV"])
        }
        #expect(try DefaultCredentialChain.environmentProvider([:]) == nil)
    }

    @Test func noCredentialDescriptionShowsASecret() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token,
            expiration: Date(timeIntervalSince1970: 2_000_000_000), source: "test")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [
            "\(credentials)", String(reflecting: credentials), dumped, "\(credentials.sigV4)", "\([credentials])",
        ] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
        }
        #expect("\(credentials)".contains("AKIDEXAMPLE"))
    }

    @Test func credentialProcessOutputIsParsedAndFailuresAreOneLine() async throws {
        let directory = try temporaryDirectory()
        let script = directory.appendingPathComponent("creds.sh")
        try """
        #!/bin/sh
        if [ "$1" = "fail" ]; then echo "token expired for 'audit'" >&2; exit 3; fi
        printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s", "SessionToken": "tok", "Expiration": "2099-01-02T03:04:05Z", "AccountId": "111122223333"}' "$2"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let ok = ProcessCredentialProvider(command: "\(script.path) ok \"\(Self.secret)\"", profile: "proc")
        let credentials = try await ok.credentials()
        #expect(credentials.accessKeyID == "AKIDPROC")
        #expect(credentials.secretAccessKey == Self.secret)
        #expect(credentials.accountID == "111122223333")
        #expect(credentials.expiration == ISO8601.parse("2099-01-02T03:04:05Z"))
        let failing = ProcessCredentialProvider(command: "\(script.path) fail", profile: "proc")
        let error = await #expect(throws: CredentialError.self) { try await failing.credentials() }
        #expect(error?.message == "profile `proc`: credential_process exited with status 3: token expired for 'audit'")
        #expect(
            try ProcessCredentialProvider.split(#"/bin/x --a "b c" 'd e' f\ g"#) == [
                "/bin/x", "--a", "b c", "d e", "f g",
            ])
        #expect(throws: CredentialError.self) {
            try ProcessCredentialProvider.parse(Data(#"{"Version": 2}"#.utf8), profile: "p")
        }
    }

    @Test func containerCredentialsSendTheAuthorizationToken() async throws {
        let server = try await FaultServer.start(script: [
            .respond(
                status: 200,
                body:
                    #"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#
            )
        ])
        let directory = try temporaryDirectory()
        let tokenFile = directory.appendingPathComponent("token")
        try "file-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let transport = try AsyncHTTPClientTransport()
        let provider = try #require(
            try ContainerCredentialProvider(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
                ], transport: transport))
        let credentials = try await provider.credentials()
        try await transport.shutdown()
        await server.stop()
        #expect(credentials.accessKeyID == "ASIACONTAINER")
        #expect(server.received.first?.uri == "/v1/credentials")
        #expect(server.received.first?.header("Authorization") == "file-token")
    }

    @Test func instanceMetadataUsesTheV2TokenFlow() async throws {
        let server = try await FaultServer.start(script: [
            .respond(status: 200, body: "IMDSTOKEN"),
            .respond(status: 200, body: "audit-role"),
            .respond(
                status: 200,
                body:
                    #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#
            ),
        ])
        let transport = try AsyncHTTPClientTransport()
        let provider = try IMDSCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint], profile: [:], transport: transport)
        let credentials = try await provider.credentials()
        try await transport.shutdown()
        await server.stop()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(credentials.source == "imds (audit-role)")
        let requests = server.received
        #expect(requests.map(\.method) == ["PUT", "GET", "GET"])
        #expect(requests[0].header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
        #expect(requests[2].uri == "/latest/meta-data/iam/security-credentials/audit-role")
        #expect(requests[2].header("X-aws-ec2-metadata-token") == "IMDSTOKEN")
    }

    @Test func ssoReadsTheTokenCacheAndRefreshesAnExpiringToken() async throws {
        let server = try await FaultServer.start(script: [
            .respond(status: 200, body: #"{"accessToken":"fresh-token","expiresIn":28800,"tokenType":"Bearer"}"#),
            .respond(
                status: 200,
                body:
                    #"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"s","sessionToken":"t","expiration":4102444800000}}"#
            ),
        ])
        let directory = try temporaryDirectory()
        let settings = ProfileChain.SSOSettings(
            session: "corp", startURL: "https://corp.awsapps.com/start", region: "us-east-1", accountID: "111122223333",
            roleName: "SecurityAudit")
        let transport = try AsyncHTTPClientTransport()
        let provider = SSOCredentialProvider(
            settings: settings, cacheDirectory: directory.path, transport: transport,
            overrides: .init(globalEnvironment: server.endpoint))
        let cache: [String: Any] = [
            "accessToken": "old-token", "expiresAt": ISO8601.format(Date().addingTimeInterval(120)),
            "refreshToken": "refresh", "clientId": "client", "clientSecret": "client-secret", "region": "us-east-1",
            "startUrl": "https://corp.awsapps.com/start",
        ]
        try JSONSerialization.data(withJSONObject: cache).write(to: URL(fileURLWithPath: provider.cacheFile))
        let credentials = try await provider.credentials()
        try await transport.shutdown()
        await server.stop()
        #expect(credentials.accessKeyID == "ASIASSO")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_102_444_800))
        let requests = server.received
        #expect(
            requests.map(\.uri) == [
                "/token", "/federation/credentials?account_id=111122223333&role_name=SecurityAudit",
            ])
        #expect(requests[1].header("x-amz-sso_bearer_token") == "fresh-token")
        let rewritten =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: provider.cacheFile)))
            as! [String: Any]
        #expect(rewritten["accessToken"] as? String == "fresh-token")
    }

    @Test func ssoCacheFileIsNamedBySHA1() throws {
        let provider = SSOCredentialProvider(
            settings: .init(session: "my-sso", startURL: "u", region: "us-east-1", accountID: nil, roleName: nil),
            cacheDirectory: "/c", transport: NoNetworkTransport())
        // sha1("my-sso"), as `aws sso login` names the file.
        #expect(provider.cacheFile == "/c/0ad374308c5a4e22f723adf10145eafad7c4031c.json")
        let legacy = SSOCredentialProvider(
            settings: .init(
                session: nil, startURL: "https://d-abc123.awsapps.com/start", region: "us-east-1", accountID: nil,
                roleName: nil),
            cacheDirectory: "/c", transport: NoNetworkTransport())
        #expect(legacy.cacheFile == "/c/40a89917e3175433e361b710a9d43528d7f1890a.json")
    }

    @Test func anMFAProfileFailsWithAClearMessage() async throws {
        let step = ProfileChain.AssumeRoleStep(
            profile: "audit", roleARN: "arn:aws:iam::111122223333:role/Auditor", externalID: nil, sessionName: nil,
            durationSeconds: nil, mfaSerial: "arn:aws:iam::444455556666:mfa/alice")
        let client = AWSClient(configuration: .init(), credentialProvider: nil, transport: NoNetworkTransport())
        let error = await #expect(throws: CredentialError.self) {
            try await AssumeRoleCredentialProvider(step: step, client: client).credentials()
        }
        #expect(error?.message.contains("needs an MFA code") == true)
    }

    @Test func cachedCredentialsRefreshOnceBeforeExpiry() async throws {
        let clock = NIOLockedValueBox(Date(timeIntervalSince1970: 1_000_000))
        let calls = NIOLockedValueBox(0)
        let cache = CachingCredentialProvider(
            CountingProvider(calls: calls, clock: clock, lifetime: 3600, delay: .milliseconds(50)),
            now: { clock.withLockedValue { $0 } })
        // 20 concurrent callers share one refresh.
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.credentials().accessKeyID } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["AK1"])
        #expect(calls.withLockedValue { $0 } == 1)
        // Still fresh 30 minutes later; refreshed inside the last 15 minutes.
        clock.withLockedValue { $0 = $0.addingTimeInterval(1800) }
        #expect(try await cache.credentials().accessKeyID == "AK1")
        clock.withLockedValue { $0 = $0.addingTimeInterval(1200) }
        #expect(try await cache.credentials().accessKeyID == "AK2")
        #expect(calls.withLockedValue { $0 } == 2)
    }

    /// An assumed role's 15-minute session is shorter than the 15-minute advisory window: it used to be refreshed on
    /// every call (one AssumeRole per request in a member account); now it lasts two thirds of its life.
    @Test func aShortSessionIsReusedUntilTwoThirdsOfItsLife() async throws {
        let clock = NIOLockedValueBox(Date(timeIntervalSince1970: 1_000_000))
        let calls = NIOLockedValueBox(0)
        let cache = CachingCredentialProvider(
            CountingProvider(calls: calls, clock: clock, lifetime: 900), now: { clock.withLockedValue { $0 } })
        for _ in 0..<50 { #expect(try await cache.credentials().accessKeyID == "AK1") }
        clock.withLockedValue { $0 = $0.addingTimeInterval(590) }
        #expect(try await cache.credentials().accessKeyID == "AK1")
        #expect(calls.withLockedValue { $0 } == 1)
        clock.withLockedValue { $0 = $0.addingTimeInterval(20) }
        #expect(try await cache.credentials().accessKeyID == "AK2")
        #expect(calls.withLockedValue { $0 } == 2)
    }

    @Test func settingsFollowTheCLIPrecedence() throws {
        let directory = try temporaryDirectory()
        try """
        [default]
        region = ap-southeast-2
        [profile audit]
        region = eu-west-1
        max_attempts = 7
        services = local
        role_arn = arn:aws:iam::111122223333:role/Auditor
        source_profile = base
        [services local]
        iam =
          endpoint_url = http://127.0.0.1:4566
        """.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = \(Self.secret)\n"
            .write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        let environment = [
            "HOME": directory.path, "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
        ]
        let plain = try AWSSettings.load(options: .init(), environment: environment)
        #expect(plain.region == "ap-southeast-2")
        #expect(plain.retry.maxAttempts == 3)
        let audit = try AWSSettings.load(options: .init(profile: "audit"), environment: environment)
        #expect(audit.region == "eu-west-1")
        #expect(audit.retry.maxAttempts == 7)
        #expect(audit.endpoints.url(for: IAM.service) == "http://127.0.0.1:4566")
        #expect(audit.endpoints.url(for: STS.service) == nil)
        var overridden = environment
        overridden["AWS_REGION"] = "us-west-2"
        overridden["AWS_MAX_ATTEMPTS"] = "2"
        let fromEnvironment = try AWSSettings.load(options: .init(profile: "audit"), environment: overridden)
        #expect(fromEnvironment.region == "us-west-2")
        #expect(fromEnvironment.retry.maxAttempts == 2)
        let fromFlags = try AWSSettings.load(
            options: .init(profile: "audit", region: "ca-central-1", maxAttempts: 5), environment: overridden)
        #expect(fromFlags.region == "ca-central-1")
        #expect(fromFlags.retry.maxAttempts == 5)
        // The retry mode: adaptive unless AWS_RETRY_MODE or the profile's retry_mode says otherwise.
        #expect(plain.retry.mode == .adaptive)
        for (value, mode) in [
            ("standard", AWSRetryPolicy.Mode.standard), ("legacy", .standard), ("Adaptive", .adaptive),
        ] {
            overridden["AWS_RETRY_MODE"] = value
            #expect(try AWSSettings.load(options: .init(), environment: overridden).retry.mode == mode)
        }
        overridden["AWS_RETRY_MODE"] = "eager"
        let badMode = #expect(throws: AWSError.self) { try AWSSettings.load(options: .init(), environment: overridden) }
        #expect(badMode?.code == "InvalidRetryMode")
        let missing = #expect(throws: AWSError.self) {
            try AWSSettings.load(options: .init(profile: "nope"), environment: environment)
        }
        #expect(missing?.code == "ProfileNotFound")
    }

    @Test func aMalformedConfigFileNamesTheFileAndLine() throws {
        let directory = try temporaryDirectory()
        let config = directory.appendingPathComponent("config")
        try "[default]\nregion = eu-west-1\n[profile broken\n".write(to: config, atomically: true, encoding: .utf8)
        let error = #expect(throws: AWSError.self) {
            try AWSSettings.load(
                options: .init(), environment: ["HOME": directory.path, "AWS_CONFIG_FILE": config.path])
        }
        #expect(
            error?.description == "config load: MalformedConfig: \(config.path):3: Profile definition must end with ']'"
        )
    }
}

/// Hands out `AK1`, `AK2`, … each valid `lifetime` seconds from the test's clock, counting the calls.
private struct CountingProvider: CredentialProvider {
    let calls: NIOLockedValueBox<Int>
    let clock: NIOLockedValueBox<Date>
    let lifetime: TimeInterval
    var delay: Duration = .zero

    func credentials() async throws -> AWSCredentials {
        let n = calls.withLockedValue {
            $0 += 1
            return $0
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        return AWSCredentials(
            accessKeyID: "AK\(n)", secretAccessKey: "s",
            expiration: clock.withLockedValue { $0 }.addingTimeInterval(lifetime), source: "counting")
    }
}
