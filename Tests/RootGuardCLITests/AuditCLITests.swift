import Foundation
import NIOConcurrencyHelpers
import RootGuard
import RootGuardAWS
import RootGuardCollect
import RootGuardModel
import RootGuardTesting
import Testing

/// `rootguard audit` end to end: seeded moto accounts, the built binary, the JSON contract.
@Suite("rootguard audit against moto", .motoServer, .serialized)
struct AuditCLITests {
    struct Report: Decodable {
        struct Finding: Decodable {
            let checkId: String
            let status: String
            let severity: String
            let accountId: String
            let region: String?
            let resource: String
            let message: String
            let compliance: [String: [String]]
            let remediation: String
        }
        let schemaVersion: Int
        let generatedAt: String
        let tool: [String: String]
        let findings: [Finding]

        func status(_ id: String) -> String? { findings.first { $0.checkId == id }?.status }
        func finding(_ id: String) -> Finding? { findings.first { $0.checkId == id } }
    }

    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]

    func audit(_ moto: MotoServer, _ extra: [String] = []) throws -> (CLI.Result, Report) {
        // Generous per-call time and attempts: the whole suite shares two cores with moto, and a call that times out
        // is (rightly) NOT_EVALUATED, which is not what these expectations are about.
        let result = try CLI.run(
            [
                "audit", "--endpoint-url", moto.endpoint, "--output", "json", "--report-wait", "20", "--timeout", "120",
                "--max-attempts", "5",
            ] + extra,
            environment: Self.environment)
        if !result.stdout.isEmpty, result.stdout.contains("NOT_EVALUATED") {
            // Say why, should an expectation below fail on a NOT_EVALUATED finding.
            let reasons = result.stdout.split(separator: "\n").filter { $0.contains("Not evaluated:") }.prefix(5)
            if !reasons.isEmpty { print("audit NOT_EVALUATED reasons:\n" + reasons.joined(separator: "\n")) }
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        return (result, report)
    }

    /// Writes the collected snapshot as a bundled example when ROOTGUARD_WRITE_EXAMPLES names the folder.
    func exampleArguments(_ name: String) -> [String] {
        guard let folder = ProcessInfo.processInfo.environment["ROOTGUARD_WRITE_EXAMPLES"] else { return [] }
        return ["--save-snapshot", "\(folder)/\(name)-account.json"]
    }

    @Test func theInsecureAccountFailsWhereItShould() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let (result, report) = try audit(moto, ["--fail-on", "high"] + exampleArguments("insecure"))
        #expect(result.status == 2)
        #expect(report.schemaVersion == 1)
        #expect(report.tool["name"] == "rootguard")
        let expected: [String: String] = [
            "root-mfa-enabled": "FAIL", "root-mfa-hardware": "FAIL", "root-no-access-keys": "FAIL",
            "root-no-signing-certificates": "FAIL", "root-not-recently-used": "FAIL", "admin-identity-exists": "FAIL",
            "billing-access-delegated": "FAIL", "security-contact-registered": "FAIL",
            "alternate-contacts-complete": "FAIL",
            "account-in-organization": "FAIL", "root-credential-sources-agree": "PASS",
            "root-password-strong": "MANUAL", "root-custody-split": "MANUAL",
            // A standalone account's root e-mail is not visible to any API.
            "root-email-company-group": "NOT_EVALUATED",
        ]
        for (id, status) in expected { #expect(report.status(id) == status, "\(id)") }
        let keys = try #require(report.finding("root-no-access-keys"))
        #expect(keys.message.contains("1 active, 1 inactive"))
        #expect(keys.compliance["AWS-FSBP"] == ["IAM.4"] && keys.compliance["ROOT-BP"] == ["03"])
        #expect(keys.compliance["CIS-5.0"] == ["1.3"])
        #expect(keys.resource == "arn:aws:iam::\(MotoServer.defaultAccount):root")
        #expect(keys.region == nil)
        let usage = try #require(report.finding("root-not-recently-used"))
        #expect(usage.message.contains("access key 1") && usage.message.contains("s3 in us-east-1"))
        // Practices with no check yet are listed, never silently skipped.
        #expect(report.status("practice-14-coverage") == "NOT_EVALUATED")
        #expect(report.status("centralized-root-access") == "NOT_APPLICABLE")
        #expect(report.status("cloudtrail-multi-region-logging") == "FAIL")
        #expect(
            report.finding("root-activity-alarm-chain")?.message
                == "Broken at the first link: no CloudTrail trail exists.")
        #expect(result.stdout.contains(#""region" : null"#))
    }

    @Test func theHardenedAccountPasses() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.hardened(moto)
        try await MotoScenarios.monitored(moto)
        let attestations = Bundle.module.path(forResource: "attestations", ofType: "yaml")!
        let (result, report) = try audit(
            moto,
            [
                "--fail-on", "high", "--company-domain", "example.com", "--attestations", attestations, "--regions",
                "us-east-1,eu-west-1",
            ] + exampleArguments("hardened"))
        let failing = report.findings.filter { $0.status == "FAIL" }.map { "\($0.checkId): \($0.message)" }
        #expect(failing.isEmpty, "\(failing)")
        #expect(result.status == 0)
        for id in [
            "root-mfa-enabled", "root-mfa-hardware", "root-mfa-multiple-devices", "root-no-access-keys",
            "root-no-signing-certificates", "root-not-recently-used", "admin-identity-exists",
            "billing-access-delegated",
            "security-contact-registered", "alternate-contacts-complete", "account-in-organization",
            "root-password-strong", "root-password-in-password-manager", "root-custody-split",
            "recovery-channels-separated", "root-response-procedure", "root-email-company-group",
            "cloudtrail-multi-region-logging", "root-activity-alarm-chain", "root-eventbridge-rules",
            "config-root-rules", "centralized-root-access", "guardduty-root-findings",
        ] {
            #expect(report.status(id) == "PASS", "\(id): \(report.finding(id)?.message ?? "missing")")
        }
    }

    @Test func accessDeniedMakesOnlyTheDependentChecksNotEvaluated() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        // An auditor allowed everything but the credential report and the security contact.
        let keys = try await moto.client().using { client -> (String, String) in
            _ = try await client.iam().createUser(.init(userName: "auditor"))
            let allow =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:GenerateCredentialReport","iam:GetCredentialReport","account:GetAlternateContact"],"Resource":"*"}]}"#
            _ = try await client.iam().putUserPolicy(
                .init(userName: "auditor", policyName: "audit", policyDocument: .init(json: allow)))
            let key = try await client.iam().createAccessKey(.init(userName: "auditor")).accessKey!
            return (key.accessKeyId!, key.secretAccessKey!)
        }
        try await moto.setAuthentication(true)
        let result = try CLI.run(
            ["audit", "--endpoint-url", moto.endpoint, "--output", "json"],
            environment: ["AWS_ACCESS_KEY_ID": keys.0, "AWS_SECRET_ACCESS_KEY": keys.1])
        try await moto.setAuthentication(false)
        #expect(result.status == 0)
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        let usage = try #require(report.finding("root-not-recently-used"))
        #expect(usage.status == "NOT_EVALUATED")
        #expect(usage.message.contains("iam:GenerateCredentialReport"))
        #expect(report.status("security-contact-registered") == "NOT_EVALUATED")
        #expect(report.finding("security-contact-registered")?.message.contains("account:GetAlternateContact") == true)
        // The summary still answers the MFA and key checks.
        #expect(report.status("root-mfa-enabled") == "FAIL")
        #expect(report.status("root-no-access-keys") == "FAIL")
        #expect(!report.findings.contains { $0.status == "PASS" && $0.checkId == "root-not-recently-used" })
    }

    @Test func everyCallTheCollectorMakesIsInThePrintedPolicy() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.hardened(moto)
        try await MotoScenarios.monitored(moto)
        try await moto.client().using { client in
            let detector = try await client.guardDuty().listDetectors().detectorIds?.first
            _ = try await client.guardDuty().createFilter(
                .init(
                    detectorId: detector, name: "noise", action: "NOOP",
                    findingCriteria: .init(criterion: ["severity": .init(gte: 1)])))
        }
        let calls = Calls()
        _ = try await moto.client().using { client in
            try await SnapshotCollector.collect(
                client: client.with(observer: { service, operation in
                    calls.add("\(AWSError.iamPrefixForTests(service.name)):\(operation.name)")
                }), reportWait: .seconds(20), regions: ["us-east-1", "eu-west-1"], prove: true)
        }
        let printed = try CLI.run(["policy"], environment: [:])
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let allowed = Set(((document?["Statement"] as? [[String: Any]])?.first?["Action"] as? [String]) ?? [])
        let made = calls.all
        #expect(made.count >= 25)
        #expect(made.isSubset(of: allowed), "not in the policy: \(made.subtracting(allowed).sorted())")
        // And the policy asks for nothing the collector does not use (ListRegions is only called without
        // --regions, GetPrimaryEmail only for member accounts).
        let unused = allowed.subtracting(made)
        // (The organizations actions are for `policy simulate` and `audit --org`; S3 and LookupEvents for `trail`.)
        let notAudit = Set(
            ["account:ListRegions", "account:GetPrimaryEmail"] + SCPPathCollector.requiredActions
                + OrganizationCollector.requiredActions + TrailHunter.requiredActions)
        #expect(unused.isSubset(of: notAudit), "\(unused.sorted())")
    }

    @Test func aSavedSnapshotReEvaluatesOfflineToTheSameReport() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rg-snap-\(UUID().uuidString).json")
            .path
        let (_, live) = try audit(moto, ["--save-snapshot", path])
        await moto.stop()  // nothing below may reach AWS
        let offline = try CLI.run(["audit", "--snapshot", path, "--output", "json"], environment: [:])
        #expect(offline.status == 0)
        let report = try JSONDecoder().decode(Report.self, from: Data(offline.stdout.utf8))
        #expect(report.findings.map(\.checkId) == live.findings.map(\.checkId))
        #expect(report.findings.map(\.status) == live.findings.map(\.status))
    }
}

@Suite("rootguard audit offline")
struct AuditOfflineTests {
    @Test func theBundledExamplesRenderWithoutAWS() throws {
        let insecure = try CLI.run(["audit", "--example", "insecure"], environment: ["NO_COLOR": "1"])
        #expect(insecure.status == 0)
        #expect(insecure.stdout.contains("ROOT-BP 01  Root has MFA"))
        #expect(insecure.stdout.contains("FAIL"))
        #expect(insecure.stdout.contains("Score"))
        #expect(!insecure.stdout.contains("\u{1B}["))
        let hardened = try CLI.run(
            ["audit", "--example", "hardened", "--fail-on", "low", "--company-domain", "example.com"], environment: [:])
        #expect(hardened.stdout.contains("PASS"))
        let failing = try CLI.run(["audit", "--example", "insecure", "--fail-on", "critical"], environment: [:])
        #expect(failing.status == 2)
    }

    @Test func emailOptionsChangeTheVerdict() throws {
        func status(_ extra: [String]) throws -> String? {
            let result = try CLI.run(
                ["audit", "--example", "insecure", "--output", "json", "--company-domain", "example.com"] + extra,
                environment: [:])
            let report = try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
            return report.status("root-email-company-group")
        }
        #expect(try status(["--root-email", "zq@example.com"]) == "MANUAL")
        #expect(try status(["--root-email", "zq@example.com", "--group-email-keyword", "zq"]) == "PASS")
        #expect(try status(["--root-email", "zq@example.com", "--personal-email-pattern", "^zq$"]) == "FAIL")
        #expect(
            try status(["--root-email", "aws@corp.example.net", "--free-mail-domain", "corp.example.net"]) == "FAIL")
        let bad = try CLI.run(
            ["audit", "--example", "insecure", "--personal-email-pattern", "(unclosed"], environment: [:])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("is not a valid regular expression"))
    }

    @Test func badSnapshotsAndAttestationsAreOneLineErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let truncated = folder.appendingPathComponent("truncated.json")
        try #"{"schemaVersion": 1, "collectedAt": "2026-"#.write(to: truncated, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["audit", "--snapshot", truncated.path], environment: [:])
        #expect(bad.status == 1)
        #expect(bad.stderr == "error: \(truncated.path): not a JSON snapshot\n")
        let future = folder.appendingPathComponent("future.json")
        try #"{"schemaVersion": 9}"#.write(to: future, atomically: true, encoding: .utf8)
        let newer = try CLI.run(["audit", "--snapshot", future.path], environment: [:])
        #expect(newer.stderr.hasPrefix("error: \(future.path): snapshot schemaVersion 9 is not supported"))
        let yaml = folder.appendingPathComponent("attest.yaml")
        try "attestations:\n  - practice: 42\n    statement: x\n".write(to: yaml, atomically: true, encoding: .utf8)
        let attest = try CLI.run(["audit", "--example", "insecure", "--attestations", yaml.path], environment: [:])
        #expect(attest.status == 1)
        #expect(attest.stderr.hasPrefix("error: \(yaml.path): "))
        #expect(attest.stderr.split(separator: "\n").count == 1)
        let missing = try CLI.run(
            ["audit", "--snapshot", folder.appendingPathComponent("nope.json").path], environment: [:])
        #expect(missing.stderr.contains("cannot read the file"))
    }

    @Test func passwordCommandsFollowAWSRules() throws {
        let generated = try CLI.run(["password", "generate"], environment: [:])
        let password = generated.stdout.trimmingCharacters(in: .newlines)
        #expect(password.count == 128)
        let check = try CLI.runWithInput(["password", "check"], input: password + "\n")
        #expect(check.status == 0)
        #expect(check.stdout.contains("AWS rules     met"))
        #expect(!check.stdout.contains(password))
        let weak = try CLI.runWithInput(
            ["password", "check", "--email", "Root@Example.com"], input: "root@example.com\n")
        #expect(weak.status == 2)
        #expect(weak.stdout.contains("is the same as the e-mail address"))
    }

    @Test func thePolicyCoversEveryCallTheCollectorMakes() async throws {
        let printed = try CLI.run(["policy"], environment: [:])
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let actions = ((document?["Statement"] as? [[String: Any]])?.first?["Action"] as? [String]) ?? []
        #expect(actions.contains("iam:GetAccountSummary"))
        #expect(actions.allSatisfy { !$0.contains("*") && !$0.hasPrefix("iam:Delete") && !$0.hasPrefix("iam:Create") })
    }
}
