import Foundation
import Testing

@testable import RootGuardAWS

@Suite("Cross-SDK shared config tests (smithy-rs test data)")
struct ConfigFileTests {
    static let parserCases = Fixtures.cases(
        "aws-runtime/test-data/profile-parser-tests.json", list: { ($0 as! [String: Any])["tests"] as! [Any] },
        name: { $0["name"] as! String })
    static let locationCases = Fixtures.cases(
        "aws-runtime/test-data/file-location-tests.json",
        list: {
            (($0 as! [String: Any])["tests"] as! [[String: Any]]).filter { $0["platform"] as? String != "windows" }
        },
        name: { $0["name"] as! String })
    static let chainCases = Fixtures.cases(
        "aws-config/test-data/assume-role-tests.json", list: { $0 as! [Any] }, name: { $0["docs"] as! String })
    static let ecsCases = Fixtures.cases(
        "aws-config/test-data/ecs-tests.json", list: { ($0 as! [String: Any])["tests"] as! [Any] },
        name: { $0["docs"] as! String })
    static let imdsCases = Fixtures.cases(
        "aws-config/test-data/imds-config/imds-endpoint-tests.json",
        list: { ($0 as! [String: Any])["tests"] as! [Any] },
        name: { $0["docs"] as! String })

    @Test func everyFileIsLoaded() {
        #expect(Self.parserCases.count == 65)
        #expect(Self.chainCases.count == 28)
        #expect(!Self.locationCases.isEmpty && !Self.ecsCases.isEmpty && !Self.imdsCases.isEmpty)
    }

    @Test("profile parser", arguments: parserCases)
    func profileParser(_ testCase: Fixtures.Case) {
        let object = testCase.object
        let input = object["input"] as! [String: Any]
        let output = object["output"] as! [String: Any]
        let result = Result {
            try AWSConfigFiles.parse(
                config: input["configFile"] as? String, credentials: input["credentialsFile"] as? String)
        }
        if output["errorContaining"] != nil {
            #expect(throws: AWSConfigFiles.ParseError.self) { try result.get() }
            return
        }
        guard case .success(let files) = result else {
            Issue.record("unexpected error \(result)")
            return
        }
        let expected = output["config"] as! [String: Any]
        #expect(files.profiles == (expected["profiles"] as? [String: [String: String]] ?? [:]))
        if let sessions = expected["sso_sessions"] as? [String: [String: String]] {
            #expect(files.ssoSessions == sessions)
        }
    }

    @Test("file locations", arguments: locationCases)
    func fileLocations(_ testCase: Fixtures.Case) {
        let object = testCase.object
        let environment = object["environment"] as! [String: String]
        let (config, credentials) = AWSSettings.fileLocations(environment: environment)
        #expect(config == object["configLocation"] as? String)
        #expect(credentials == object["credentialsLocation"] as? String)
        if let profile = object["profile"] as? String {
            #expect(AWSSettings.profileName(options: .init(), environment: environment) == profile)
        }
    }

    @Test("assume-role profile chains", arguments: chainCases)
    func profileChain(_ testCase: Fixtures.Case) throws {
        let object = testCase.object
        let input = object["input"] as! [String: Any]
        let output = object["output"] as! [String: Any]
        var files = AWSConfigFiles()
        files.profiles = input["profiles"] as? [String: [String: String]] ?? [:]
        files.ssoSessions = input["sso_sessions"] as? [String: [String: String]] ?? [:]
        let selected = input["selected_profile"] as! String
        if output["Error"] != nil {
            #expect(throws: CredentialError.self) { try ProfileChain.resolve(profile: selected, in: files) }
            return
        }
        let chain = try ProfileChain.resolve(profile: selected, in: files)
        let expected = output["ProfileChain"] as! [[String: Any]]
        #expect(Self.render(chain) == expected.map(Self.normalise))
    }

    /// The chain in the test file's vocabulary.
    static func render(_ chain: ProfileChain) -> [String] {
        var steps: [[String: Any]] = []
        switch chain.base {
        case .accessKey(let id, let secret, _, let account):
            var key: [String: String] = ["access_key_id": id, "secret_access_key": secret]
            if let account { key["account_id"] = account }
            steps.append(["AccessKey": key])
        case .namedSource(let name):
            steps.append(["NamedSource": name])
        case .webIdentity(let role, let file, let session):
            var value = ["role_arn": role, "web_identity_token_file": file]
            if let session { value["role_session_name"] = session }
            steps.append(["WebIdentityToken": value])
        case .sso(let sso):
            var value = ["sso_region": sso.region, "sso_start_url": sso.startURL]
            if let session = sso.session { value["sso_session"] = session }
            if let account = sso.accountID { value["sso_account_id"] = account }
            if let role = sso.roleName { value["sso_role_name"] = role }
            steps.append(["Sso": value])
        case .process(let command):
            steps.append(["CredentialProcess": command])
        }
        for role in chain.roles {
            var value = ["role_arn": role.roleARN]
            if let external = role.externalID { value["external_id"] = external }
            if let session = role.sessionName { value["role_session_name"] = session }
            steps.append(["AssumeRole": value])
        }
        return steps.map(normalise)
    }

    static func normalise(_ step: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: step, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("container credential endpoints", arguments: ecsCases)
    func containerEndpoint(_ testCase: Fixtures.Case) {
        let object = testCase.object
        let environment = object["env"] as! [String: String]
        let result = object["result"] as! [String: Any]
        let resolved = Result { try ContainerCredentialProvider.endpoint(environment: environment) }
        if let ok = result["Ok"] as? String {
            #expect((try? resolved.get()) == ok)
        } else {
            // Either an error, or (for "nothing set") no provider at all.
            switch resolved {
            case .success(let value): #expect(value == nil)
            case .failure: break
            }
        }
    }

    @Test("instance metadata endpoints", arguments: imdsCases)
    func imdsEndpoint(_ testCase: Fixtures.Case) throws {
        let object = testCase.object
        var environment = object["env"] as! [String: String]
        let fs = object["fs"] as? [String: String] ?? [:]
        var profile: [String: String] = [:]
        if let configName = environment["AWS_CONFIG_FILE"], let text = fs[configName] {
            let files = try AWSConfigFiles.parse(config: text, credentials: nil)
            profile = files.profiles[environment["AWS_PROFILE"] ?? "default"] ?? [:]
            environment["AWS_CONFIG_FILE"] = nil
        }
        let result = object["result"] as! [String: Any]
        let resolved = Result {
            try IMDSCredentialProvider.endpoint(
                environment: environment, profile: profile, endpointOverride: object["endpoint_override"] as? String,
                modeOverride: object["mode_override"] as? String)
        }
        if let ok = result["Ok"] as? String {
            #expect((try? resolved.get()).map { $0 + "/latest/api/token" } == ok)
        } else {
            #expect(throws: CredentialError.self) { try resolved.get() }
        }
    }
}
