import Foundation
import RootGuardModel
import RootGuardTesting
import Testing

/// Trusted Advisor's "MFA on Root Account" as a second opinion on ROOT-BP 01 (moto lists the checks; the plugin
/// answers the result from the root state, or as the test makes it disagree).
@Suite("Trusted Advisor as evidence on ROOT-BP 01", .motoServer, .serialized)
struct TrustedAdvisorCLITests {
    func audit(_ moto: MotoServer) throws -> AuditCLITests.Report {
        let result = try CLI.run(
            ["audit", "--endpoint-url", moto.endpoint, "--output", "json", "--no-monitoring", "--report-wait", "20"],
            environment: AuditCLITests.environment)
        return try JSONDecoder().decode(AuditCLITests.Report.self, from: Data(result.stdout.utf8))
    }

    func finding(_ report: AuditCLITests.Report, _ id: String) -> AuditCLITests.Report.Finding? {
        report.findings.first { $0.checkId == id }
    }

    @Test func agreementDisagreementAndNoSubscription() async throws {
        let moto = try await MotoServer.fresh()
        try await MotoScenarios.insecure(moto)  // root has no MFA
        let agreeing = try audit(moto)
        #expect(finding(agreeing, "trusted-advisor-root-mfa-agrees")?.status == "PASS")
        #expect(finding(agreeing, "root-mfa-enabled")?.status == "FAIL")

        var state = try await moto.rootState(account: MotoServer.defaultAccount)
        state["trustedAdvisorMFA"] = "ok"  // a stale Trusted Advisor result
        try await moto.setRoot(account: MotoServer.defaultAccount, state)
        let disagreeing = try audit(moto)
        let verdict = try #require(finding(disagreeing, "trusted-advisor-root-mfa-agrees"))
        #expect(verdict.status == "FAIL")
        #expect(verdict.message.contains("Trusted Advisor says root has MFA (status ok"), "\(verdict.message)")
        #expect(finding(disagreeing, "root-mfa-enabled")?.status == "FAIL", "Trusted Advisor never decides the check")

        state["supportPlan"] = "basic"
        try await moto.setRoot(account: MotoServer.defaultAccount, state)
        let basic = try audit(moto)
        #expect(finding(basic, "trusted-advisor-root-mfa-agrees")?.status == "NOT_APPLICABLE")
        #expect(finding(basic, "root-mfa-enabled")?.status == "FAIL")
    }
}
