import Foundation
import RootGuardTesting
import Testing

/// Profiles with `mfa_serial`: the code from `AWS_MFA_CODE`/`--mfa-code` or asked on the terminal, the session cached
/// like the AWS CLI does, and a clear error without either.
@Suite("MFA for profiles with mfa_serial", .motoServer, .serialized)
struct MFACLITests {
    static func home() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("rg-mfa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        try Data(
            """
            [profile base]
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            aws_secret_access_key = secret
            [profile admin]
            role_arn = arn:aws:iam::123456789012:role/admin
            source_profile = base
            mfa_serial = arn:aws:iam::123456789012:mfa/alice
            role_session_name = alice

            """.utf8
        ).write(to: home.appendingPathComponent(".aws/config"))
        return home
    }

    func whoami(
        _ moto: MotoServer, home: URL, _ environment: [String: String] = [:], _ extra: [String] = []
    )
        throws -> CLI.Result
    {
        try CLI.run(
            ["whoami", "--profile", "admin", "--output", "json", "--endpoint-url", moto.endpoint] + extra,
            environment: ["HOME": home.path].merging(environment) { $1 })
    }

    @Test func theCodeFromTheEnvironmentAssumesTheRoleAndTheSessionIsCachedLikeTheAWSCLI() async throws {
        let moto = try await MotoServer.fresh()
        let home = try Self.home()
        let first = try whoami(moto, home: home, ["AWS_MFA_CODE": "123456"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("assumed-role/admin/alice"))
        let cache = home.appendingPathComponent(".aws/cli/cache")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(files.count == 1 && files[0].hasSuffix(".json"))
        let attributes = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent(files[0]).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!first.stderr.contains("123456"), "the code is never printed")
        // Within the session, no code is needed: the cached one is used.
        let again = try whoami(moto, home: home)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("assumed-role/admin/alice"))
    }

    @Test func withoutACodeOrATerminalTheErrorSaysWhatToDo() async throws {
        let moto = try await MotoServer.fresh()
        let missing = try whoami(moto, home: try Self.home())
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("needs an MFA code for arn:aws:iam::123456789012:mfa/alice"))
        #expect(missing.stderr.contains("pass --mfa-code or set AWS_MFA_CODE"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let malformed = try whoami(moto, home: try Self.home(), [:], ["--mfa-code", "12ab56"])
        #expect(malformed.status == 64 && malformed.stderr.contains("--mfa-code must be 6 digits"))
        let wrong = try whoami(moto, home: try Self.home(), ["AWS_MFA_CODE": "12345"])
        #expect(wrong.status == 1 && wrong.stderr.contains("the MFA code must be 6 digits"))
    }

    @Test func onATerminalTheCodeIsAskedFor() async throws {
        let moto = try await MotoServer.fresh()
        let home = try Self.home()
        // A pseudo-terminal: rootguard sees a TTY, prints the prompt on it, and reads the answer from it.
        let result = try CLI.runOnTerminal(
            ["whoami", "--profile", "admin", "--output", "json", "--endpoint-url", moto.endpoint],
            environment: HardenOrganizationCLITests.tools.merging(["HOME": home.path]) { $1 },
            prompt: "Enter MFA code", answer: "654321")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Enter MFA code for arn:aws:iam::123456789012:mfa/alice"))
        #expect(result.stdout.contains("assumed-role/admin/alice"))
    }
}
