import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

@Suite("rootguard harden remove-root-credentials against moto", .motoServer, .serialized)
struct HardenCLITests {
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]

    /// An organization with one member whose root still has every kind of credential.
    func organization(_ moto: MotoServer, rootSessions: Bool = true) async throws -> String {
        try await moto.client().using { client in
            _ = try await client.organizations().createOrganization(.init(featureSet: "ALL"))
            let member = try await client.organizations().createAccount(
                .init(email: "legacy@example.com", accountName: "legacy")
            )
            .createAccountStatus!.accountId!
            if rootSessions {
                _ = try await client.iam().enableOrganizationsRootCredentialsManagement()
                _ = try await client.iam().enableOrganizationsRootSessions()
            }
            try await moto.setRoot(
                account: member,
                [
                    "password": ["enabled": true],
                    "accessKeys": [
                        ["id": "AKIAMEMBERROOT000001", "active": true],
                        ["id": "AKIAMEMBERROOT000002", "active": false],
                    ],
                    "signingCertificates": [["id": "MEMBERROOTCERTIFICATE001", "active": true]],
                    "mfaDevices": [["serial": "arn:aws:iam::\(member):mfa/root-phone", "type": "virtual"]],
                ])
            return member
        }
    }

    func run(_ moto: MotoServer, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(
            ["harden", "remove-root-credentials", "--endpoint-url", moto.endpoint] + arguments,
            environment: Self.environment)
    }

    @Test func aPasswordThatCannotBeRemovedKeepsItsMFA() async throws {
        // Regression: MFA was deactivated even when the password stayed, leaving root a password without MFA.
        let moto = try await MotoServer.fresh()
        let member = try await organization(moto)
        var state = try await moto.rootState(account: member)
        state["failOperations"] = ["DeleteLoginProfile"]
        try await moto.setRoot(account: member, state)
        let result = try run(moto, ["--account", member, "--apply"])
        // Applied, and the re-check finds credentials left: 3, as for every harden subcommand (the README's rule).
        #expect(result.status == 3)
        #expect(result.stdout.contains("re-audit: still present: console password"))
        #expect(result.stdout.contains("FAILED  console password (login profile)"))
        #expect(result.stdout.contains("FAILED  MFA device arn:aws:iam::\(member):mfa/root-phone: not deactivated"))
        let after = try await moto.rootState(account: member)
        #expect((after["mfaDevices"] as? [Any])?.count == 1, "MFA must stay while the password does")
        #expect((after["accessKeys"] as? [Any])?.isEmpty == true, "keys and certificates are still removed")
        #expect((after["signingCertificates"] as? [Any])?.isEmpty == true)
        // Order: keys, certificates, password, MFA.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let order = ["access key", "signing certificate", "console password", "MFA device"].map { word in
            lines.firstIndex { $0.contains(word) } ?? -1
        }
        #expect(order == order.sorted() && !order.contains(-1))
    }

    @Test func aDryRunListsExactlyWhatWouldGoAndChangesNothing() async throws {
        let moto = try await MotoServer.fresh()
        let member = try await organization(moto)
        let dry = try run(moto, ["--account", member])
        #expect(dry.status == 2)
        #expect(
            dry.stdout == """
                \(member): would remove (dry run; pass --apply to remove):
                  - console password (login profile)
                  - access key AKIAMEMBERROOT000001 (Active)
                  - access key AKIAMEMBERROOT000002 (Inactive)
                  - signing certificate MEMBERROOTCERTIFICATE001 (Active)
                  - MFA device arn:aws:iam::\(member):mfa/root-phone (virtual)

                """)
        let state = try await moto.rootState(account: member)
        #expect((state["accessKeys"] as? [Any])?.count == 2)
        #expect((state["password"] as? [String: Any])?["enabled"] as? Bool == true)
    }

    @Test func applyRemovesEverythingAndReAudits() async throws {
        let moto = try await MotoServer.fresh()
        let member = try await organization(moto)
        let applied = try run(moto, ["--account", member, "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("removed access key AKIAMEMBERROOT000002"))
        #expect(applied.stdout.contains("re-audit: root has no credentials left"))
        let state = try await moto.rootState(account: member)
        #expect((state["accessKeys"] as? [Any])?.isEmpty == true)
        #expect((state["mfaDevices"] as? [Any])?.isEmpty == true)
        let again = try run(moto, ["--account", member, "--apply"])
        #expect(again.stdout == "\(member): root has no credentials; nothing to remove\n")
        #expect(again.status == 0)
    }

    @Test func theJSONFormIsHardensCommonPlanModel() async throws {
        let moto = try await MotoServer.fresh()
        let member = try await organization(moto)
        let dry = try run(moto, ["--account", member, "--format", "json"])
        #expect(dry.status == 2)
        let planned = try JSONDecoder().decode(HardenOutcomeShape.self, from: Data(dry.stdout.utf8))
        #expect(
            planned.plan.changes.map(\.action) == [
                "DeleteLoginProfile", "DeleteAccessKey", "DeleteAccessKey", "DeleteSigningCertificate",
                "DeactivateMFADevice",
            ])
        let applied = try run(moto, ["--account", member, "--format", "json", "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let outcome = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any]
        let reaudit = outcome?["reaudit"] as? [[String: Any]] ?? []
        #expect(reaudit.count == 1 && reaudit.first?["status"] as? String == "PASS")
        #expect((outcome?["applied"] as? [[String: Any]])?.count == 5)
    }

    /// Without centralised root access the privileged session is refused before it is tried, in one line naming the
    /// feature the task needs and the command that turns it on (it had been AssumeRoot's AccessDenied).
    @Test func withoutCentralisedRootAccessItFailsWithOneLineNamingTheFeature() async throws {
        let moto = try await MotoServer.fresh()
        let member = try await organization(moto, rootSessions: false)
        let result = try run(moto, ["--account", member])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix(
                "error: \(member): IAMAuditRootUserCredentials (sts:AssumeRoot) needs centralised root credentials management (RootCredentialsManagement), which is off"
            ), "\(result.stderr)")
        #expect(result.stderr.contains("`rootguard harden org-root-access` turns it on"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        let bad = try run(moto, ["--account", "12345"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--account must be a 12-digit account id"))
    }
}
