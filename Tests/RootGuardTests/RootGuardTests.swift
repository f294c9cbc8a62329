import Foundation
import RootGuard
import RootGuardChecks
import RootGuardCollect
import RootGuardFiles
import RootGuardModel
import RootGuardReport
import Testing

@Suite("Root password rules")
struct RootPasswordTests {
    @Test(arguments: [
        ("Short1!", false, "shorter than 8 characters"),
        ("alllowercaseletters", false, "uses 1 of the 4 character classes"),
        ("lowercase123only", false, "uses 2 of the 4 character classes"),
        ("Upper-lower-1", true, ""),
        ("Ünïcödé-Pass1", false, "outside AWS's allowed set"),
        (String(repeating: "Aa1!", count: 33), false, "longer than 128 characters"),
    ])
    func awsRules(_ password: String, _ accepted: Bool, _ violation: String) {
        let verdict = RootPassword.check(password)
        #expect(verdict.meetsAWSRules == accepted)
        if !violation.isEmpty {
            #expect(verdict.violations.contains { $0.contains(violation) }, "\(verdict.violations)")
        }
    }

    @Test func theAccountNameAndEmailAreRejected() {
        #expect(
            RootPassword.check("Prod-Account-1", accountName: "prod-account-1").violations == [
                "is the same as the account name"
            ])
        #expect(
            !RootPassword.check("Root@Example.com1", email: "root@example.com").violations.contains {
                $0.contains("e-mail")
            })
    }

    @Test func entropyReflectsLengthAndRepetition() {
        #expect(
            RootPassword.check("Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!").entropyBits
                < RootPassword.check(RootPassword.generate(length: 24)).entropyBits)
        #expect(RootPassword.check(RootPassword.generate()).isStrong)
    }

    @Test func generatedPasswordsAlwaysSatisfyTheRules() {
        var generator = SystemRandomNumberGenerator()
        for length in [8, 9, 12, 20, 64, 127, 128] {
            for index in 0..<200 {
                let password = RootPassword.generate(length: length, using: &generator)
                #expect(password.count == length)
                let rules = RootPassword.rules(password)
                #expect(rules.violations.isEmpty, "\(rules.violations)")
                #expect(rules.classes.count == 4)
                // The strength estimate (slower in a debug build) on a sample: every generated password of 12 or
                // more characters is strong.
                if index < 5 && length >= 12 { #expect(RootPassword.check(password).isStrong) }
            }
        }
        #expect(RootPassword.generate(length: 3).count == 8)
        #expect(RootPassword.generate(length: 500).count == 128)
    }
}

@Suite("Report contract, attestations file, snapshots")
struct ContractTests {
    @Test func theJSONReportHasExactlyTheContractKeys() throws {
        let finding = Finding(
            checkId: "root-no-access-keys", status: .fail, severity: .critical, accountId: "111122223333",
            resource: "arn:aws:iam::111122223333:root", message: "m",
            compliance: ["ROOT-BP": ["03"], "AWS-FSBP": ["IAM.4"]],
            evidence: ["keys": ["AKIA…"], "count": 2], remediation: "r")
        let report = ReportV1(
            generatedAt: Date(timeIntervalSince1970: 1_795_000_000), tool: .init(version: "0.1.0"), findings: [finding])
        let json = try JSONReportRenderer.render(report)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(Set(object.keys) == ["schemaVersion", "generatedAt", "tool", "findings"])
        #expect(object["schemaVersion"] as? Int == 1)
        #expect(object["generatedAt"] as? String == "2026-11-18T11:06:40Z")
        #expect(object["tool"] as? [String: String] == ["name": "rootguard", "version": "0.1.0"])
        let first = (object["findings"] as! [[String: Any]])[0]
        #expect(
            Set(first.keys) == [
                "checkId", "status", "severity", "accountId", "region", "resource", "message", "compliance", "evidence",
                "remediation",
            ])
        #expect(first["region"] is NSNull)
        #expect(first["status"] as? String == "FAIL")
        #expect(first["severity"] as? String == "critical")
        #expect((first["evidence"] as? [String: Any])?["count"] as? Int == 2)
    }

    @Test func failOnUsesSeverityOrder() {
        let fail = Finding(
            checkId: "x", status: .fail, severity: .medium, accountId: "111122223333", resource: "r", message: "m",
            compliance: [:], remediation: "r")
        let report = ReportV1(generatedAt: Date(), tool: .init(version: "t"), findings: [fail])
        #expect(report.exitCode(failOn: .high) == 0)
        #expect(report.exitCode(failOn: .medium) == 2)
        #expect(report.exitCode(failOn: .low) == 2)
        #expect(report.exitCode(failOn: nil) == 0)
    }

    @Test func theDocumentedAttestationsExampleParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Examples/attestations.yaml")
        let attestations = try AttestationsFile.load(url.standardizedFileURL.path)
        #expect(attestations.latest(practice: "06") != nil)
        #expect(attestations.custody?.mfaDevices.count == 2)
        #expect(attestations.runbook?.approvalsFile != nil)
    }

    @Test func attestationErrorsNameTheProblem() {
        let error = #expect(throws: AttestationsFile.LoadError.self) {
            try AttestationsFile.parse("attestations:\n  - practice: \"06\"\n    statement: s\n", name: "a.yaml")
        }
        #expect(error?.description.hasPrefix("a.yaml: ") == true)
        #expect(error?.description.contains("attestedBy") == true)
        let yaml = #expect(throws: AttestationsFile.LoadError.self) {
            try AttestationsFile.parse("attestations: [\n", name: "b.yaml")
        }
        #expect(yaml?.description.hasPrefix("b.yaml: invalid YAML") == true)
    }

    @Test func bundledExamplesRoundTrip() throws {
        for name in SnapshotFile.Example.allCases {
            let snapshot = try SnapshotFile.example(name)
            let again = try SnapshotFile.decode(try SnapshotFile.encode(snapshot), name: name.rawValue)
            #expect(try SnapshotFile.encode(again) == SnapshotFile.encode(snapshot))
            let report = Evaluator.evaluate(snapshot, context: .init(now: snapshot.collectedAt))
            #expect(report.findings.count > 20)
            // Every ROOT-BP practice appears in the report, covered or explicitly not evaluated.
            #expect(Set(report.findings.compactMap { $0.compliance["ROOT-BP"]?.first }).count == 21)
        }
    }
}

@Suite("Organization evaluation")
struct OrganizationEvaluationTests {
    @Test func membersAreMonitoredOnlyThroughAnOrganizationTrailWhoseChainHolds() throws {
        let hardened = try SnapshotFile.example(.hardened)
        let denied = Unavailable(kind: .accessDenied, reason: "not needed here", code: "AccessDenied", action: nil)
        let member = MemberFacts(
            accountID: "222222222222", name: "m", email: "aws-m-root@example.com", state: "ACTIVE",
            scpLevels: .unavailable(denied), rootCredentials: .unavailable(denied), snapshot: nil)
        func verdict(_ change: (inout TrailFacts) -> Void) throws -> Finding? {
            var management = hardened
            guard case .value(var facts)? = management.monitoring, var trails = facts.trails.value else {
                Issue.record("the hardened example has monitoring facts")
                return nil
            }
            for index in trails.indices { change(&trails[index]) }
            facts.trails = .value(trails)
            management.monitoring = .value(facts)
            let report = Evaluator.evaluate(
                OrganizationSnapshot(management: management, organizationID: "o-test", members: [member]),
                context: .init(now: management.collectedAt))
            return report.findings.first { $0.checkId == "member-root-activity-monitored" }
        }
        // The same trail and chain, as an organization trail: the member is covered.
        let covered = try verdict { $0.isOrganizationTrail = true }
        #expect(covered?.status == .pass)
        #expect(covered?.accountId == "222222222222")
        #expect(covered?.message.contains("organization trail") == true)
        // Only an account trail: the member's own trails were not collected, so not evaluated, not passed.
        #expect(try verdict { $0.isOrganizationTrail = false }?.status == .notEvaluated)
        // An organization trail that stopped logging: not shown to be monitored, naming why.
        let stopped = try verdict { trail in
            trail.isOrganizationTrail = true
            if case .value(var status) = trail.status {
                status.isLogging = false
                trail.status = .value(status)
            }
        }
        #expect(stopped?.status == .notEvaluated)
        #expect(stopped?.message.contains("not logging") == true)
    }

    @Test func memberRootEmailsAreJudgedLikeTheAccountsOwn() throws {
        let management = try SnapshotFile.example(.hardened)
        let denied = Unavailable(kind: .accessDenied, reason: "not needed here", code: "AccessDenied", action: nil)
        func member(_ id: AccountID, _ email: String?) -> MemberFacts {
            MemberFacts(
                accountID: id, name: id.rawValue, email: email, state: "ACTIVE", scpLevels: .unavailable(denied),
                rootCredentials: .unavailable(denied), snapshot: .unavailable(denied))
        }
        let organization = OrganizationSnapshot(
            management: management, organizationID: "o-test",
            members: [
                member("111111111111", "jane.doe@example.com"),
                member("222222222222", "aws-prod-root@example.com"),
                member("333333333333", "aws-shared@example.com"),
                member("444444444444", "AWS-shared@example.com"),
                member("555555555555", "aws-root@gmail.com"),
                member("666666666666", "aws-root@other.example"),
                member("777777777777", nil),
            ])
        let report = Evaluator.evaluate(
            organization,
            context: .init(now: management.collectedAt, emailPolicy: .init(companyDomains: ["example.com"])))
        func status(_ account: AccountID) -> Status? {
            report.findings.first { $0.checkId == "org-root-emails-unique" && $0.accountId == account }?.status
        }
        #expect(status("111111111111") == .fail)  // a person's mailbox
        #expect(status("222222222222") == .pass)
        #expect(status("333333333333") == .fail)  // shared, whatever the case
        #expect(status("444444444444") == .fail)
        #expect(status("555555555555") == .fail)  // free mail
        #expect(status("666666666666") == .fail)  // not a company domain
        #expect(status("777777777777") == .notEvaluated)  // no e-mail listed: said, not skipped
        let personal = report.findings.first {
            $0.checkId == "org-root-emails-unique" && $0.accountId == "111111111111"
        }
        #expect(personal?.evidence["classification"] == "personal")
    }

    @Test func oneUnreachableMemberIsNotEvaluatedAndTheOthersStillAreJudged() throws {
        let management = try SnapshotFile.example(.hardened)
        let denied = Unavailable(
            kind: .accessDenied, reason: "sts AssumeRole: AccessDenied: not authorized", code: "AccessDenied",
            action: "sts:AssumeRole")
        let unreachable = MemberFacts(
            accountID: "222222222222", name: "unreachable", email: "aws-a@example.com", state: "ACTIVE",
            scpLevels: .unavailable(denied), rootCredentials: .unavailable(denied), snapshot: .unavailable(denied))
        let clean = MemberFacts(
            accountID: "333333333333", name: "clean", email: "aws-b@example.com", state: "ACTIVE",
            scpLevels: .value([
                SCPLevelFacts(
                    target: "r-1",
                    policies: [
                        .init(
                            name: "FullAWSAccess",
                            content: #"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)
                    ]),
                SCPLevelFacts(
                    target: "333333333333",
                    policies: [
                        .init(
                            name: "FullAWSAccess",
                            content: #"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)
                    ]),
            ]),
            rootCredentials: .value(
                .init(
                    account: "333333333333", loginProfile: false, accessKeys: [], signingCertificates: [],
                    mfaDevices: [])),
            snapshot: nil)
        let report = Evaluator.evaluate(
            OrganizationSnapshot(management: management, organizationID: "o-test", members: [unreachable, clean]),
            context: .init(now: management.collectedAt, emailPolicy: .init(companyDomains: ["example.com"])))
        let unreachableFindings = report.findings.filter { $0.accountId == "222222222222" }
        #expect(
            unreachableFindings.contains {
                $0.checkId == "member-audit" && $0.status == .notEvaluated && $0.message.contains("sts AssumeRole")
            })
        // Only the e-mail check passes: its data comes from the management account's ListAccounts.
        #expect(unreachableFindings.filter { $0.status == .pass }.map(\.checkId) == ["org-root-emails-unique"])
        #expect(unreachableFindings.first { $0.checkId == "member-root-denied-by-scp" }?.status == .notEvaluated)
        #expect(unreachableFindings.first { $0.checkId == "member-root-credentials-removed" }?.status == .notEvaluated)
        let cleanFindings = report.findings.filter { $0.accountId == "333333333333" }
        #expect(cleanFindings.first { $0.checkId == "member-root-credentials-removed" }?.status == .pass)
        // No deny-root SCP on its path: root may still act.
        #expect(cleanFindings.first { $0.checkId == "member-root-denied-by-scp" }?.status == .fail)

        // A policy that does not parse makes the verdict NOT_EVALUATED, never a guess.
        var broken = clean
        broken.accountID = "444444444444"
        broken.scpLevels = .value([SCPLevelFacts(target: "r-1", policies: [.init(name: "Garbled", content: "{oops")])])
        let brokenReport = Evaluator.evaluate(
            OrganizationSnapshot(management: management, organizationID: "o-test", members: [broken]),
            context: .init(now: management.collectedAt))
        let verdict = brokenReport.findings.first {
            $0.accountId == "444444444444" && $0.checkId == "member-root-denied-by-scp"
        }
        #expect(verdict?.status == .notEvaluated)
        #expect(verdict?.message.contains("SCP Garbled at r-1") == true)
    }
}
