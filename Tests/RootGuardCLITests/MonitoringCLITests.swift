import Foundation
import RootGuardModel
import RootGuardTesting
import Testing

/// ROOT-BP 16–20 end to end: a fully monitored moto account, then each link broken on its own.
@Suite("rootguard audit: monitoring against moto", .motoServer, .serialized)
struct MonitoringCLITests {
    static let checks = [
        "cloudtrail-multi-region-logging", "root-activity-alarm-chain", "root-eventbridge-rules",
        "guardduty-root-findings",
        "config-root-rules", "securityhub-root-controls",
    ]

    func audit(_ moto: MotoServer) throws -> AuditCLITests.Report {
        let result = try CLI.run(
            [
                "audit", "--endpoint-url", moto.endpoint, "--output", "json", "--regions", "us-east-1,eu-west-1",
                "--report-wait", "20",
            ],
            environment: AuditCLITests.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
    }

    static let baseline: [String: String] = [
        "cloudtrail-multi-region-logging": "PASS", "root-activity-alarm-chain": "PASS",
        "root-eventbridge-rules": "PASS",
        "guardduty-root-findings": "PASS", "config-root-rules": "PASS", "securityhub-root-controls": "PASS",
    ]

    @Test func aFullyMonitoredAccountPasses() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.monitored(moto)
        let report = try audit(moto)
        for (id, status) in Self.baseline {
            #expect(report.status(id) == status, "\(id): \(report.finding(id)?.message ?? "missing")")
        }
        let chain = try #require(report.finding("root-activity-alarm-chain"))
        #expect(chain.message.contains("→ proven metric filter RootAccountUsage →"))
        #expect(chain.compliance["AWS-FSBP"] == ["CloudWatch.1"])
        #expect(
            report.finding("securityhub-root-controls")?.message.contains("aws-foundational-security-best-practices")
                == true)
        #expect(report.status("practice-16-coverage") == nil)
    }

    @Test func proveAsksAWSAndSaysWhenItCannotAnswer() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.monitored(moto)
        let result = try CLI.run(
            [
                "audit", "--endpoint-url", moto.endpoint, "--output", "json", "--regions", "us-east-1", "--prove",
                "--report-wait", "20",
            ],
            environment: AuditCLITests.environment)
        let report = try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
        let proofs = report.findings.filter { $0.checkId == "pattern-proofs-agree" }
        // One metric filter and two rules; moto implements neither TestMetricFilter nor TestEventPattern.
        #expect(proofs.count == 3)
        #expect(proofs.allSatisfy { $0.status == "NOT_EVALUATED" })
        #expect(proofs.contains { $0.message.contains("logs TestMetricFilter") })
        #expect(proofs.contains { $0.message.contains("TestEventPattern answered without a Result") })
        // Without --prove the check says nothing.
        #expect(try audit(moto).findings.allSatisfy { $0.checkId != "pattern-proofs-agree" })
    }

    @Test(arguments: [
        (
            MotoScenarios.MonitoringLink.trailStopped,
            ["cloudtrail-multi-region-logging", "root-activity-alarm-chain"], "trail is not logging"
        ),
        (
            .filterNarrowed, ["root-activity-alarm-chain"],
            "no metric filter provably matches root activity (filter RootAccountUsage misses root API call with a long-term access key"
        ),
        (.alarmActionsOff, ["root-activity-alarm-chain"], "alarm root-usage has its actions disabled"),
        (.subscriptionPending, ["root-activity-alarm-chain"], "has only pending subscriptions (PendingConfirmation)"),
        (
            .signInRuleDisabled, ["root-eventbridge-rules"],
            "no enabled rule with a target matches root console sign-in in us-east-1"
        ),
        (.detectorMissing, ["guardduty-root-findings"], "no enabled detector in eu-west-1"),
    ])
    func breakingOneLinkFlipsExactlyItsFinding(
        _ link: MotoScenarios.MonitoringLink, _ flipped: [String], _ text: String
    ) async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.monitored(moto, breaking: link)
        let report = try audit(moto)
        for id in Self.checks {
            let status = report.status(id)
            if flipped.contains(id) {
                #expect(status == "FAIL", "\(link): \(id) should fail")
            } else {
                #expect(status == Self.baseline[id], "\(link): \(id) changed: \(report.finding(id)?.message ?? "")")
            }
        }
        let named = flipped.last!
        #expect(report.finding(named)?.message.contains(text) == true, "\(report.finding(named)?.message ?? "")")
    }
}
