import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardTesting
import Testing

/// ROOT-BP 19 for every member through GuardDuty's organization view (one ListMembers per region, not one call per
/// member): the members' real detectors in moto, as the administrator's member list reports them.
@Suite("audit --org: members' monitoring through the administrators' views", .motoServer, .serialized)
struct OrganizationMonitoringCLITests {
    struct Members {
        /// No GuardDuty detector in eu-west-1.
        var noGuardDutyInEU: String
        /// No Config recorder, so AWS cannot deploy the root rules there.
        var noConfig: String
        var covered: String
        var all: [String] { [noGuardDutyInEU, noConfig, covered] }
    }

    /// The hardened management account (detectors in both regions and Security Hub: the administrator of both) and
    /// three members: one without a detector in eu-west-1, one without Config, one fully covered; the three root
    /// rules deployed as organization config rules.
    func organization(_ moto: MotoServer) async throws -> Members {
        try await MotoScenarios.hardened(moto)
        return try await moto.client().using { client in
            let org = client.organizations()
            var members: [String] = []
            for name in ["no-guardduty-eu", "no-config", "covered"] {
                members.append(
                    try #require(
                        try await org.createAccount(.init(email: "aws-\(name)@example.com", accountName: name))
                            .createAccountStatus?.accountId))
            }
            for region in ["us-east-1", "eu-west-1"] {
                let existing = try await client.guardDuty(region: AWSRegion(region)).listDetectors().detectorIds ?? []
                if existing.isEmpty {
                    _ = try await client.guardDuty(region: AWSRegion(region)).createDetector(.init(enable: true))
                }
            }
            if (try? await client.securityHub().describeHub()) == nil {
                _ = try await client.securityHub().enableSecurityHub(.init(enableDefaultStandards: true))
            }
            for (index, member) in members.enumerated() {
                let step = ProfileChain.AssumeRoleStep(
                    profile: "test", roleARN: "arn:aws:iam::\(member):role/OrganizationAccountAccessRole",
                    externalID: nil, sessionName: "setup", durationSeconds: 900, mfaSerial: nil)
                let inMember = client.with(
                    credentialProvider: AssumeRoleCredentialProvider(step: step, client: client))
                for region in index == 0 ? ["us-east-1"] : ["us-east-1", "eu-west-1"] {
                    _ = try await inMember.guardDuty(region: AWSRegion(region)).createDetector(.init(enable: true))
                }
                if index != 1 {
                    let config = inMember.configService()
                    _ = try await inMember.s3().createBucket(.init(bucket: "config-\(member)"))
                    _ = try await config.putConfigurationRecorder(
                        .init(
                            configurationRecorder: .init(
                                name: "default", roleARN: "arn:aws:iam::\(member):role/config",
                                recordingGroup: .init(allSupported: true, includeGlobalResourceTypes: true))))
                    _ = try await config.putDeliveryChannel(
                        .init(deliveryChannel: .init(name: "default", s3BucketName: "config-\(member)")))
                    _ = try await config.startConfigurationRecorder(.init(configurationRecorderName: "default"))
                }
                _ = try await inMember.securityHub().enableSecurityHub(.init(enableDefaultStandards: true))
                try await moto.setRoot(account: member, ["password": ["enabled": false]])
            }
            for identifier in [
                "ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "IAM_ROOT_ACCESS_KEY_CHECK",
            ] {
                _ = try await client.configService().putOrganizationConfigRule(
                    .init(
                        organizationConfigRuleName: identifier.lowercased(),
                        organizationManagedRuleMetadata: .init(ruleIdentifier: identifier)))
            }
            return Members(noGuardDutyInEU: members[0], noConfig: members[1], covered: members[2])
        }
    }

    func audit(_ moto: MotoServer) throws -> AuditCLITests.Report {
        let result = try CLI.run(
            [
                "audit", "--org", "--via", "assume-root", "--regions", "us-east-1,eu-west-1", "--endpoint-url",
                moto.endpoint, "--output", "json", "--report-wait", "20",
            ],
            environment: AuditCLITests.environment)
        #expect(result.status == 0 || result.status == 2, "\(result.stderr)")
        return try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
    }

    func guardDuty(_ report: AuditCLITests.Report, _ account: String) -> AuditCLITests.Report.Finding? {
        report.findings.first { $0.checkId == "member-guardduty-enabled" && $0.accountId == account }
    }

    func find(_ report: AuditCLITests.Report, _ id: String, _ account: String) -> AuditCLITests.Report.Finding? {
        report.findings.first { $0.checkId == id && $0.accountId == account }
    }

    @Test func exactlyEachMembersGapsAreReportedPerRegionWithTheirSource() async throws {
        let moto = try await MotoServer.fresh()
        let members = try await organization(moto)
        let report = try audit(moto)
        let gd = try #require(find(report, "member-guardduty-enabled", members.noGuardDutyInEU))
        #expect(gd.status == "FAIL")
        #expect(gd.message.contains("eu-west-1 (member status Removed)"), "\(gd.message)")
        #expect(
            gd.message.contains("source: GuardDuty's organization view (administrator \(MotoServer.defaultAccount))"))
        #expect(!gd.message.contains("us-east-1"))
        let config = try #require(find(report, "member-config-root-rules", members.noConfig))
        #expect(config.status == "FAIL")
        #expect(config.message.contains("CREATE_FAILED (NoAvailableConfigurationRecorder)"), "\(config.message)")
        #expect(config.message.contains("source: AWS Config's organization rules"))
        // Nothing else is reported against them, and the covered member passes everything.
        #expect(find(report, "member-config-root-rules", members.noGuardDutyInEU)?.status == "PASS")
        #expect(find(report, "member-guardduty-enabled", members.noConfig)?.status == "PASS")
        for id in ["member-guardduty-enabled", "member-config-root-rules", "member-securityhub-enabled"] {
            #expect(
                find(report, id, members.covered)?.status == "PASS",
                "\(id): \(find(report, id, members.covered)?.message ?? "missing")")
        }
        for member in members.all {
            #expect(
                find(report, "member-securityhub-enabled", member)?.status == "PASS",
                "\(find(report, "member-securityhub-enabled", member)?.message ?? "")")
        }
        let matrix = try CLI.run(
            [
                "audit", "--org", "--via", "assume-root", "--regions", "us-east-1,eu-west-1", "--endpoint-url",
                moto.endpoint, "--report-wait", "20",
            ], environment: AuditCLITests.environment)
        #expect(matrix.stdout.contains("  18  19  20"), "the matrix has columns for ROOT-BP 18-20")
    }

    @Test func aDeniedAdministratorViewLeavesMembersNotEvaluatedWithTheReason() async throws {
        let moto = try await MotoServer.fresh()
        let members = try await organization(moto)
        var state = try await moto.rootState(account: MotoServer.defaultAccount)
        state["failOperations"] = ["ListMembers"]
        try await moto.setRoot(account: MotoServer.defaultAccount, state)
        let report = try audit(moto)
        for member in members.all {
            let finding = try #require(guardDuty(report, member))
            #expect(finding.status == "NOT_EVALUATED")
            #expect(finding.message.contains("GuardDuty's member list in"), "\(finding.message)")
            #expect(finding.message.contains("AccessDenied"))
        }
    }

    @Test func viaAssumeRoleEachMembersOwnMonitoringIsReadAndAStaleViewIsAFinding() async throws {
        let moto = try await MotoServer.fresh()
        let members = try await organization(moto)
        var state = try await moto.rootState(account: members.noGuardDutyInEU)
        state["guardDutyMemberStatus"] = ["eu-west-1": "Enabled"]  // the administrator's view is stale
        try await moto.setRoot(account: members.noGuardDutyInEU, state)
        let result = try CLI.run(
            [
                "audit", "--org", "--via", "assume-role", "--role", "OrganizationAccountAccessRole", "--regions",
                "us-east-1,eu-west-1", "--endpoint-url", moto.endpoint, "--output", "json", "--report-wait", "20",
            ],
            environment: AuditCLITests.environment)
        let report = try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
        func status(_ id: String, _ account: String) -> AuditCLITests.Report.Finding? {
            report.findings.first { $0.checkId == id && $0.accountId == account }
        }
        // The view alone says the partial member is covered; its own account says otherwise, and that is reported.
        #expect(status("member-guardduty-enabled", members.noGuardDutyInEU)?.status == "PASS")
        let agree = try #require(status("member-monitoring-sources-agree", members.noGuardDutyInEU))
        #expect(agree.status == "FAIL")
        #expect(agree.message.contains("eu-west-1: the administrator \(MotoServer.defaultAccount) lists it Enabled"))
        #expect(status("guardduty-root-findings", members.noGuardDutyInEU)?.status == "FAIL")
        #expect(status("config-root-rules", members.noConfig)?.status == "FAIL", "the member's own Config check")
        for member in [members.noConfig, members.covered] {
            #expect(status("member-monitoring-sources-agree", member)?.status == "PASS")
            #expect(status("guardduty-root-findings", member)?.status == "PASS")
        }
    }
}
