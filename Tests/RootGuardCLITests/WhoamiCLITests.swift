import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

@Suite("rootguard whoami", .motoServer, .serialized)
struct WhoamiCLITests {
    /// An IAM user's real key pair, with moto's signature checking on.
    func motoKeys(_ moto: MotoServer) async throws -> (String, String) {
        let client = try moto.client()
        _ = try await client.iam().createUser(.init(userName: "auditor"))
        let key = try await client.iam().createAccessKey(.init(userName: "auditor")).accessKey
        try await client.shutdown()
        try await moto.setAuthentication(true)
        return (key!.accessKeyId!, key!.secretAccessKey!)
    }

    @Test func printsTheAccountAsJSONWithRealSignatures() async throws {
        let moto = try await MotoServer.fresh()
        let (id, secret) = try await motoKeys(moto)
        let result = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint, "--output", "json"],
            environment: ["AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String]
        #expect(object?["Account"] == MotoServer.defaultAccount)
        #expect(object?["Arn"] == "arn:aws:iam::\(MotoServer.defaultAccount):user/auditor")
        #expect(object?.keys.sorted() == ["Account", "Arn", "UserId"])
        #expect(result.stderr.isEmpty)
        let text = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint],
            environment: ["AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret])
        #expect(text.stdout.contains("Account      \(MotoServer.defaultAccount)"))
        #expect(text.stdout.contains("Credentials  environment"))
        try await moto.setAuthentication(false)
    }

    @Test func aWrongSecretFailsWithOneLineAndExitOne() async throws {
        let moto = try await MotoServer.fresh()
        let (id, _) = try await motoKeys(moto)
        let result = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint, "--max-attempts", "1"],
            environment: ["AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": "wrong-secret"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("error: sts GetCallerIdentity: SignatureDoesNotMatch: ") == true)
        let unknown = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint],
            environment: ["AWS_ACCESS_KEY_ID": "AKIAUNKNOWN000000000", "AWS_SECRET_ACCESS_KEY": "x"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "error: sts GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.\n"
        )
        try await moto.setAuthentication(false)
    }

    @Test func debugOutputNeverContainsASecret() async throws {
        let moto = try await MotoServer.fresh()
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
        let token = "IQoJb3JpZ2luX2VjSESSIONTOKENMUSTNOTLEAK"
        let result = try CLI.run(
            ["whoami", "--endpoint-url", moto.endpoint, "--debug", "--output", "json"],
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_SESSION_TOKEN": token,
            ])
        #expect(result.status == 0)
        #expect(result.stderr.contains("→ POST"))
        #expect(result.stderr.contains("Authorization: <redacted>"))
        #expect(result.stderr.contains("X-Amz-Security-Token: <redacted>"))
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains(secret))
            #expect(!output.contains(token))
            #expect(!output.contains("Signature="))
        }
    }

    @Test func badOptionsAndConfigurationAreClearErrors() async throws {
        let badFlag = try CLI.run(["whoami", "--max-attempts", "0"], environment: [:])
        #expect(badFlag.status != 0)
        #expect(badFlag.stderr.contains("--max-attempts must be at least 1"))
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("rg-config-\(UUID().uuidString)")
        try "[profile broken\n".write(to: config, atomically: true, encoding: .utf8)
        let malformed = try CLI.run(["whoami"], environment: ["AWS_CONFIG_FILE": config.path])
        #expect(malformed.status == 1)
        #expect(
            malformed.stderr
                == "error: config load: MalformedConfig: \(config.path):1: Profile definition must end with ']'\n")
        let missing = try CLI.run(["whoami", "--profile", "nope"], environment: [:])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: config load: ProfileNotFound: profile 'nope' is not in "))
        let none = try CLI.run(["whoami"], environment: [:])
        #expect(none.status == 1)
        #expect(none.stderr.hasPrefix("error: credentials resolve: NoCredentials: no AWS credentials found"))
    }
}
