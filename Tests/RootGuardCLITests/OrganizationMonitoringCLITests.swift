import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

/// ROOT-BP 19 for every member through GuardDuty's organization view (one ListMembers per region, not one call per
/// member): the members' real detectors in moto, as the administrator's member list reports them.
@Suite("audit --org: members' monitoring through the administrators' views", .motoServer, .serialized)
struct OrganizationMonitoringCLITests {
    struct Members {
        var partial: String
        var covered: [String]
    }

    /// The hardened management account (detectors in both regions: GuardDuty's administrator) and three members:
    /// one without a detector in eu-west-1, two with both.
    func organization(_ moto: MotoServer) async throws -> Members {
        try await MotoScenarios.hardened(moto)
        return try await moto.client().using { client in
            let org = client.organizations()
            var members: [String] = []
            for name in ["partial", "covered-1", "covered-2"] {
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
            for (index, member) in members.enumerated() {
                let step = ProfileChain.AssumeRoleStep(
                    profile: "test", roleARN: "arn:aws:iam::\(member):role/OrganizationAccountAccessRole",
                    externalID: nil, sessionName: "setup", durationSeconds: 900, mfaSerial: nil)
                let inMember = client.with(
                    credentialProvider: AssumeRoleCredentialProvider(step: step, client: client))
                for region in index == 0 ? ["us-east-1"] : ["us-east-1", "eu-west-1"] {
                    _ = try await inMember.guardDuty(region: AWSRegion(region)).createDetector(.init(enable: true))
                }
                if index > 0 {  // the partial member records with no Config recorder
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
            return Members(partial: members[0], covered: Array(members[1...]))
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

    @Test func eachMembersGapIsNamedWithItsRegionAndSource() async throws {
        let moto = try await MotoServer.fresh()
        let members = try await organization(moto)
        let report = try audit(moto)
        let partial = try #require(guardDuty(report, members.partial))
        #expect(partial.status == "FAIL")
        #expect(partial.message.contains("eu-west-1 (member status Removed)"), "\(partial.message)")
        #expect(
            partial.message.contains(
                "source: GuardDuty's organization view (administrator \(MotoServer.defaultAccount))"))
        #expect(!partial.message.contains("us-east-1"))
        for member in members.covered {
            #expect(guardDuty(report, member)?.status == "PASS", "\(guardDuty(report, member)?.message ?? "missing")")
            let config = report.findings.first { $0.checkId == "member-config-root-rules" && $0.accountId == member }
            #expect(config?.status == "PASS", "\(config?.message ?? "missing")")
        }
        // The partial member has no recorder: AWS could not deploy the rules there.
        let config = try #require(
            report.findings.first { $0.checkId == "member-config-root-rules" && $0.accountId == members.partial })
        #expect(config.status == "FAIL")
        #expect(config.message.contains("CREATE_FAILED (NoAvailableConfigurationRecorder)"), "\(config.message)")
        #expect(config.message.contains("source: AWS Config's organization rules"))
        let matrix = try CLI.run(
            [
                "audit", "--org", "--via", "assume-root", "--regions", "us-east-1,eu-west-1", "--endpoint-url",
                moto.endpoint, "--report-wait", "20",
            ], environment: AuditCLITests.environment)
        #expect(matrix.stdout.contains("  19"), "the matrix has a column for ROOT-BP 19")
    }

    @Test func aDeniedAdministratorViewLeavesMembersNotEvaluatedWithTheReason() async throws {
        let moto = try await MotoServer.fresh()
        let members = try await organization(moto)
        var state = try await moto.rootState(account: MotoServer.defaultAccount)
        state["failOperations"] = ["ListMembers"]
        try await moto.setRoot(account: MotoServer.defaultAccount, state)
        let report = try audit(moto)
        for member in [members.partial] + members.covered {
            let finding = try #require(guardDuty(report, member))
            #expect(finding.status == "NOT_EVALUATED")
            #expect(finding.message.contains("GuardDuty's member list in"), "\(finding.message)")
            #expect(finding.message.contains("AccessDenied"))
        }
    }

    @Test func viaAssumeRoleEachMembersOwnMonitoringIsReadAndAStaleViewIsAFinding() async throws {
        let moto = try await MotoServer.fresh()
        let members = try await organization(moto)
        var state = try await moto.rootState(account: members.partial)
        state["guardDutyMemberStatus"] = ["eu-west-1": "Enabled"]  // the administrator's view is stale
        try await moto.setRoot(account: members.partial, state)
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
        #expect(status("member-guardduty-enabled", members.partial)?.status == "PASS")
        let agree = try #require(status("member-monitoring-sources-agree", members.partial))
        #expect(agree.status == "FAIL")
        #expect(agree.message.contains("eu-west-1: the administrator \(MotoServer.defaultAccount) lists it Enabled"))
        #expect(status("guardduty-root-findings", members.partial)?.status == "FAIL")
        for member in members.covered {
            #expect(status("member-monitoring-sources-agree", member)?.status == "PASS")
            #expect(status("guardduty-root-findings", member)?.status == "PASS")
        }
    }
}
