import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

/// Every request is held to botocore's model before it is sent (moto accepts what AWS may refuse): a request that
/// breaks it is refused by the client with every violation named, and nothing reaches the wire.
@Suite struct RequestContractTests {
    @Test func aRequestThatBreaksTheModelIsNeverSent() async throws {
        let server = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: ""))
        let client = AWSClient(
            configuration: .init(
                region: .usEast1, endpoints: .init(explicit: server.endpoint), retry: .init(maxAttempts: 1)),
            credentialProvider: StaticCredentialProvider(
                .init(accessKeyID: "AKID", secretAccessKey: "SECRET", source: "test")),
            transport: try AsyncHTTPClientTransport())
        let cases: [(String, () async throws -> Void)] = [
            // Required member missing; a pattern (role names: [\w+=,.@-]+); a length (1–64).
            ("GetRole.RoleName is required", { _ = try await client.iam().getRole(.init()) }),
            (
                "GetRole.RoleName 'no spaces allowed' does not match",
                {
                    _ = try await client.iam().getRole(.init(roleName: "no spaces allowed"))
                }
            ),
            (
                "characters, more than 64",
                { _ = try await client.iam().getRole(.init(roleName: String(repeating: "r", count: 65))) }
            ),
            // An enum value; a numeric range (ReceiveMessage waits 0–20 s… as the model says).
            (
                "is none of",
                {
                    _ = try await client.organizations().listPolicies(.init(filter: "NOT_A_POLICY_TYPE"))
                }
            ),
            (
                "STS AssumeRoot DurationSeconds",
                {
                    _ = try await client.sts().assumeRoot(
                        .init(
                            targetPrincipal: "111122223333",
                            taskPolicyArn: .init(arn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                            durationSeconds: 3600))
                }
            ),
        ]
        for (expected, call) in cases {
            do {
                try await call()
                Issue.record("sent: \(expected)")
            } catch let error as AWSError {
                #expect(error.code == "RequestContractViolation", "\(error)")
                #expect(
                    error.message.contains(expected)
                        || (expected.hasPrefix("STS") && error.message.contains("DurationSeconds")),
                    "\(error.message)")
            }
        }
        #expect(server.received.isEmpty, "nothing reaches the wire")
        try await client.shutdown()
        await server.stop()
    }

    @Test func aValidRequestPasses() {
        var problems: [String] = []
        IAM.GetRoleRequest(roleName: "rootguard-watch-forward").validate(&problems, at: "GetRole")
        STS.AssumeRootRequest(
            targetPrincipal: "111122223333",
            taskPolicyArn: .init(arn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
            durationSeconds: 900
        ).validate(&problems, at: "AssumeRoot")
        #expect(problems == [])
    }
}
