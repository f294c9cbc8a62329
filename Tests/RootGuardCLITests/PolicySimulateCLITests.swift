import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

@Suite("rootguard policy simulate against a moto organization", .motoServer, .serialized)
struct PolicySimulateCLITests {
    static let denyRoot = #"""
        {"Version":"2012-10-17","Statement":[{"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*",
          "Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]},"Null":{"aws:AssumedRoot":"true"}}}]}
        """#

    @Test func theDecisionFollowsTheOUPathAndTheAssumeRootExemption() async throws {
        let moto = try await MotoServer.fresh()
        let (inside, outside, ou) = try await moto.client().using { client -> (String, String, String) in
            let org = client.organizations()
            _ = try await org.createOrganization(.init(featureSet: "ALL"))
            let root = try await org.listRoots().roots!.first!.id!
            _ = try await org.enablePolicyType(.init(rootId: root, policyType: "SERVICE_CONTROL_POLICY"))
            let ou = try await org.createOrganizationalUnit(.init(parentId: root, name: "Workloads"))
                .organizationalUnit!.id!
            let inside = try await org.createAccount(.init(email: "in@example.com", accountName: "in"))
                .createAccountStatus!.accountId!
            let outside = try await org.createAccount(.init(email: "out@example.com", accountName: "out"))
                .createAccountStatus!.accountId!
            _ = try await org.moveAccount(.init(accountId: inside, sourceParentId: root, destinationParentId: ou))
            let policy = try await org.createPolicy(
                .init(
                    content: Self.denyRoot, description: "deny root", name: "DenyRootUser",
                    type: "SERVICE_CONTROL_POLICY")
            ).policy!.policySummary!.id!
            _ = try await org.attachPolicy(.init(policyId: policy, targetId: ou))
            return (inside, outside, ou)
        }
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
        func simulate(_ account: String, _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(
                [
                    "policy", "simulate", "--endpoint-url", moto.endpoint, "--account", account, "--action",
                    "iam:CreateAccessKey",
                ] + extra,
                environment: environment)
        }
        let denied = try simulate(inside)
        #expect(denied.status == 2)
        #expect(
            denied.stdout.hasPrefix(
                "DENIED  iam:CreateAccessKey by root of \(inside): denied by DenyRootUser#DenyRootUser attached to \(ou)"
            ))
        #expect(denied.stdout.contains("DenyRootUser#DenyRootUser (Deny): applies"))
        #expect(denied.stdout.contains("FullAWSAccess (Allow): applies"))
        let permitted = try simulate(outside)
        #expect(permitted.status == 0, "\(permitted.stdout)\(permitted.stderr)")
        #expect(permitted.stdout.hasPrefix("PERMITTED"))
        let session = try simulate(inside, ["--assumed-root"])
        #expect(session.status == 0)
        #expect(session.stdout.contains("condition not met: Null aws:AssumedRoot [\"true\"]"))
        let role = try simulate(inside, ["--principal", "arn:aws:iam::\(inside):role/Admin"])
        #expect(role.status == 0)
        let printed = try CLI.run(["policy"], environment: [:])
        #expect(printed.stdout.contains("organizations:ListParents"))
    }

    /// After `harden scp --apply` the deny-root policy sits on the organization root, so it is on every path, the
    /// management account's included; but SCPs never apply to the management account, and the simulator says so.
    @Test func theManagementAccountsRootIsNeverRestrictedBySCPs() async throws {
        let moto = try await MotoServer.fresh()
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
        let (management, member) = try await moto.client().using { client -> (String, String) in
            let org = client.organizations()
            let created = try await org.createOrganization(.init(featureSet: "ALL"))
            let member = try await org.createAccount(.init(email: "m@example.com", accountName: "m"))
                .createAccountStatus!.accountId!
            return (created.organization!.masterAccountId!, member)
        }
        let applied = try CLI.run(
            ["harden", "scp", "--endpoint-url", moto.endpoint, "--apply"], environment: environment)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        func simulate(_ account: String, _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(
                [
                    "policy", "simulate", "--endpoint-url", moto.endpoint, "--account", account, "--action",
                    "iam:CreateAccessKey",
                ] + extra,
                environment: environment)
        }
        let own = try simulate(management)
        #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
        #expect(
            own.stdout.hasPrefix(
                "PERMITTED  iam:CreateAccessKey by root of \(management): SCPs do not apply to the organization's management account \(management)"
            ))
        #expect(!own.stdout.contains("rootguard-deny-root"))
        let json = try simulate(management, ["--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["scpsApply"] as? Bool == false)
        #expect(object?["permitted"] as? Bool == true)
        #expect(object?["managementAccount"] as? String == management)
        #expect((object?["levels"] as? [Any])?.isEmpty == true)
        // A member under the same root is denied, in text and JSON.
        let denied = try simulate(member)
        #expect(denied.status == 2)
        #expect(denied.stdout.contains("denied by rootguard-deny-root"))
        let deniedJSON = try simulate(member, ["--output", "json"])
        #expect(deniedJSON.status == 2)
        let memberObject = try JSONSerialization.jsonObject(with: Data(deniedJSON.stdout.utf8)) as? [String: Any]
        #expect(memberObject?["scpsApply"] as? Bool == true)
        #expect(memberObject?["permitted"] as? Bool == false)
    }
}
