import Foundation
import RootGuardAWS
import RootGuardFiles
import RootGuardModel
import RootGuardTesting
import RootGuardTrail
import Testing

@Suite("rootguard audit --org against a moto organization", .motoServer, .serialized)
struct OrganizationCLITests {
    struct Layout {
        var inside: String
        var outside: String
        var existing: [String]
    }

    /// The hardened management account, an OU with a deny-root SCP, one member inside it (root credentials
    /// removed) and one outside (root still has a password and a key).
    func organization(_ moto: MotoServer) async throws -> Layout {
        try await MotoScenarios.hardened(moto)
        return try await moto.client().using { client in
            let org = client.organizations()
            let existing = (try await org.listAccounts().accounts ?? []).compactMap(\.id).filter {
                $0 != MotoServer.defaultAccount
            }
            let root = try await org.listRoots().roots!.first!.id!
            _ = try await org.enablePolicyType(.init(rootId: root, policyType: "SERVICE_CONTROL_POLICY"))
            let ou = try await org.createOrganizationalUnit(.init(parentId: root, name: "Workloads"))
                .organizationalUnit!.id!
            let inside = try await org.createAccount(.init(email: "aws-inside-root@example.com", accountName: "inside"))
                .createAccountStatus!.accountId!
            let outside = try await org.createAccount(.init(email: "jane.doe@gmail.com", accountName: "outside"))
                .createAccountStatus!.accountId!
            _ = try await org.moveAccount(.init(accountId: inside, sourceParentId: root, destinationParentId: ou))
            let policy = try await org.createPolicy(
                .init(
                    content: PolicySimulateCLITests.denyRoot, description: "deny root", name: "DenyRootUser",
                    type: "SERVICE_CONTROL_POLICY")
            ).policy!.policySummary!.id!
            _ = try await org.attachPolicy(.init(policyId: policy, targetId: ou))
            try await moto.setRoot(account: inside, ["password": ["enabled": false]])
            try await moto.setRoot(
                account: outside,
                ["password": ["enabled": true], "accessKeys": [["id": "AKIAOUTSIDEROOT00001", "active": true]]])
            return Layout(inside: inside, outside: outside, existing: existing)
        }
    }

    func audit(_ moto: MotoServer, _ extra: [String]) throws -> AuditCLITests.Report {
        let result = try CLI.run(
            [
                "audit", "--org", "--endpoint-url", moto.endpoint, "--output", "json", "--no-monitoring",
                "--report-wait", "20",
            ] + extra,
            environment: AuditCLITests.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
    }

    func find(_ report: AuditCLITests.Report, _ check: String, _ account: String) -> AuditCLITests.Report.Finding? {
        report.findings.first { $0.checkId == check && $0.accountId == account }
    }

    @Test func anOrganizationSnapshotReEvaluatesOfflineToTheSameReport() async throws {
        let moto = try await MotoServer.fresh()
        _ = try await organization(moto)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("org-\(UUID().uuidString).json")
        let live = try audit(moto, ["--via", "assume-root", "--save-snapshot", file.path])
        // Offline: no endpoint and no credentials, so any AWS call would fail the run.
        let result = try CLI.run(["audit", "--org", "--snapshot", file.path, "--output", "json"], environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        let offline = try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
        let summarise = { (report: AuditCLITests.Report) in
            report.findings.map { "\($0.accountId) \($0.checkId) \($0.status) \($0.message)" }.sorted()
        }
        #expect(summarise(offline) == summarise(live))
        #expect(live.findings.count > 10)
        // The two kinds of snapshot are not confused.
        let single = try CLI.run(["audit", "--snapshot", file.path], environment: [:])
        #expect(single.status == 1)
        #expect(single.stderr.contains("an organization snapshot; add --org"))
    }

    @Test func withApprovalsEachMembersAuditSessionIsApprovedFirst() async throws {
        let moto = try await MotoServer.fresh()
        let layout = try await organization(moto)
        let approvals = FileManager.default.temporaryDirectory.appendingPathComponent("org-\(UUID().uuidString).yaml")
        _ = try audit(moto, ["--via", "assume-root", "--approvals", approvals.path, "--reason", "weekly audit"])
        let entries = try ApprovalsFile.load(approvals.path)
        #expect(Set(entries.map(\.account)).isSuperset(of: [layout.inside, layout.outside]))
        #expect(
            entries.allSatisfy { $0.taskPolicies == ["IAMAuditRootUserCredentials"] && $0.reason == "weekly audit" })
        let alone = try CLI.run(
            ["audit", "--org", "--approvals", approvals.path, "--endpoint-url", moto.endpoint], environment: [:])
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("--approvals and --reason go together"))
    }

    @Test func viaAssumeRootTheSCPVerdictAndRootCredentialsArePerAccount() async throws {
        let moto = try await MotoServer.fresh()
        let layout = try await organization(moto)
        let report = try audit(moto, ["--via", "assume-root", "--company-domain", "example.com"])
        #expect(find(report, "member-root-denied-by-scp", layout.inside)?.status == "PASS")
        #expect(
            find(report, "member-root-denied-by-scp", layout.inside)?.message.contains(
                "AssumeRoot sessions are exempted") == true)
        let outside = try #require(find(report, "member-root-denied-by-scp", layout.outside))
        #expect(outside.status == "FAIL")
        #expect(outside.message.contains("may still iam:CreateAccessKey"))
        #expect(find(report, "member-root-denied-by-scp", MotoServer.defaultAccount)?.status == "NOT_APPLICABLE")
        #expect(find(report, "member-root-credentials-removed", layout.inside)?.status == "PASS")
        let planted = try #require(find(report, "member-root-credentials-removed", layout.outside))
        #expect(planted.status == "FAIL")
        #expect(planted.message.contains("access key AKIAOUTSIDEROOT00001"))
        #expect(find(report, "org-root-emails-unique", layout.outside)?.status == "FAIL")
        #expect(find(report, "org-root-emails-unique", layout.inside)?.status == "PASS")
        // No member snapshots in this mode: member findings are only the organization checks.
        #expect(find(report, "root-mfa-enabled", layout.inside) == nil)
        // The management account is still audited in full, and held to the higher bar: the hardened scenario has
        // hardware MFA and no keys, but no root-activity alarm (monitoring is skipped here), so it is not confirmed.
        #expect(find(report, "root-mfa-enabled", MotoServer.defaultAccount)?.status == "PASS")
        #expect(find(report, "management-root-higher-bar", MotoServer.defaultAccount)?.status == "NOT_EVALUATED")
    }

    @Test func viaAssumeRoleEveryMemberIsAuditedInFull() async throws {
        let moto = try await MotoServer.fresh()
        let layout = try await organization(moto)
        let report = try audit(moto, [])
        // The member's own checks ran with its own credentials (its summary comes from the plugin's root state).
        #expect(find(report, "root-no-access-keys", layout.outside)?.status == "FAIL")
        #expect(find(report, "root-no-access-keys", layout.inside)?.status == "PASS")
        #expect(find(report, "account-in-organization", layout.inside)?.message.contains("Member of") == true)
        let text = try CLI.run(
            [
                "audit", "--org", "--endpoint-url", moto.endpoint, "--no-monitoring", "--report-wait", "20", "--via",
                "assume-root",
            ],
            environment: AuditCLITests.environment)
        #expect(text.stdout.contains("\(layout.outside)  outside"))
        #expect(text.stdout.contains("(management)"))
    }
}
