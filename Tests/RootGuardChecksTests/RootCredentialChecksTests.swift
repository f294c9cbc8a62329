import Foundation
import RootGuardChecks
import RootGuardModel
import RootGuardPatterns
import Testing

@Suite("ROOT-BP 03/04/05: keys, certificates, usage")
struct RootCredentialChecksTests {
    @Test func inactiveRootKeysStillFail() {
        var builder = SnapshotBuilder()
        builder.summary = .value([
            "AccountMFAEnabled": 1, "AccountPasswordPresent": 1, "AccountAccessKeysPresent": 1,
            "AccountSigningCertificatesPresent": 0,
        ])
        builder.root?.accessKeys[0] = .init(
            slot: 1, active: false, lastRotated: .date(SnapshotBuilder.days(400)), lastUsed: .notApplicable,
            lastUsedRegion: nil,
            lastUsedService: nil)
        let finding = RootHasNoAccessKeys().run(builder)
        #expect(finding.status == .fail)
        #expect(
            finding.message
                == "Root has 1 access key (0 active, 1 inactive: inactive keys can be re-activated and still count).")
        #expect(finding.compliance["AWS-FSBP"] == ["IAM.4"])
        builder.summary = .value(["AccountAccessKeysPresent": 0])
        #expect(RootHasNoAccessKeys().run(builder).status == .pass)
    }

    @Test func signingCertificatesAreChecked() {
        var builder = SnapshotBuilder()
        builder.summary = .value(["AccountSigningCertificatesPresent": 1])
        #expect(RootHasNoSigningCertificates().run(builder).status == .fail)
        builder.summary = .unavailable(SnapshotBuilder.denied)
        builder.root?.certificates[1] = .init(slot: 2, active: true, lastRotated: .date(SnapshotBuilder.days(10)))
        let fromReport = RootHasNoSigningCertificates().run(builder)
        #expect(fromReport.status == .fail)
        #expect(fromReport.evidence["source"] == "credential report")
    }

    @Test func theNewestOfAllThreeDatesCounts() {
        // Prowler looks at the first date only: password 100 days ago hides a key used today.
        var builder = SnapshotBuilder()
        builder.root?.passwordLastUsed = .date(SnapshotBuilder.days(100))
        builder.root?.accessKeys[1] = .init(
            slot: 2, active: true, lastRotated: .date(SnapshotBuilder.days(500)),
            lastUsed: .date(SnapshotBuilder.days(0.2)),
            lastUsedRegion: "eu-west-1", lastUsedService: "ec2")
        let finding = RootIsNotRecentlyUsed().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("access key 2 on 2026-11-"))
        #expect(finding.message.contains("(ec2 in eu-west-1)"))
    }

    @Test func aKeyLastUsedLongAgoIsNotRecentUse() {
        // Steampipe's key comparison is inverted: a key unused for 6 months alarms, one used yesterday passes.
        var builder = SnapshotBuilder()
        builder.root?.accessKeys[0] = .init(
            slot: 1, active: true, lastRotated: .date(SnapshotBuilder.days(900)),
            lastUsed: .date(SnapshotBuilder.days(180)),
            lastUsedRegion: "us-east-1", lastUsedService: "s3")
        #expect(RootIsNotRecentlyUsed().run(builder).status == .pass)
        builder.context.rootUsageWindowDays = 365
        #expect(RootIsNotRecentlyUsed().run(builder).status == .fail)
    }

    @Test func placeholderTokensAreNotDates() {
        var builder = SnapshotBuilder()
        builder.root?.passwordLastUsed = .notApplicable
        let finding = RootIsNotRecentlyUsed().run(builder)
        #expect(finding.status == .pass)
        #expect(finding.message.hasPrefix("No recorded root use"))
        builder.reportUnavailable = .init(
            kind: .timeout, reason: "iam GenerateCredentialReport: ReportNotReady",
            action: "iam:GenerateCredentialReport")
        #expect(RootIsNotRecentlyUsed().run(builder).status == .notEvaluated)
    }

    @Test func disagreementBetweenSummaryAndReportIsAFinding() {
        var builder = SnapshotBuilder()
        #expect(RootCredentialSourcesAgree().run(builder).status == .pass)
        builder.root?.mfaActive = false
        let finding = RootCredentialSourcesAgree().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("mfa: summary AccountMFAEnabled=1, report says false"))
        builder.root = nil
        #expect(RootCredentialSourcesAgree().run(builder).message == "The credential report has no <root_account> row.")
    }
}

@Suite("Regression: an account summary without the root flags proves nothing")
struct EmptySummaryTests {
    @Test(arguments: [[:], ["Users": 3], ["AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0]])
    func sourcesAgreeIsNotEvaluatedWithoutTheFlags(_ summary: [String: Int]) {
        var builder = SnapshotBuilder()
        builder.summary = .value(summary)
        let finding = RootCredentialSourcesAgree().run(builder)
        #expect(finding.status == .notEvaluated)
        #expect(finding.message.contains("did not report"))
    }
}

@Suite("Every check: unavailable data is never a PASS")
struct UnavailableDataTests {
    @Test(arguments: CheckRegistry.all.map { type(of: $0).metadata.id })
    func nothingPassesWhenNothingCouldBeCollected(_ id: CheckID) throws {
        var builder = SnapshotBuilder()
        let denied = SnapshotBuilder.denied
        builder.summary = .unavailable(denied)
        builder.reportUnavailable = denied
        builder.virtualDevices = .unavailable(denied)
        builder.authorization = .unavailable(denied)
        builder.organization = .unavailable(denied)
        builder.contacts = [
            "SECURITY": .unavailable(denied), "OPERATIONS": .unavailable(denied), "BILLING": .unavailable(denied),
        ]
        builder.contactInformation = .unavailable(denied)
        builder.rootEmail = .unavailable(denied)
        let check = try #require(CheckRegistry.all.first { type(of: $0).metadata.id == id })
        for finding in check.evaluate(builder.snapshot, builder.context) {
            #expect(finding.status != .pass, "\(id): \(finding.message)")
            #expect(finding.status != .fail, "\(id) must not fail on data it could not see: \(finding.message)")
        }
    }
}

@Suite("--prove: AWS's answers against the engine")
struct PatternProofTests {
    static let cis =
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#

    func builder(_ proofs: [PatternProof]) -> SnapshotBuilder {
        var builder = SnapshotBuilder()
        builder.monitoring = .value(
            MonitoringFacts(
                regions: ["us-east-1"], regionsSource: "test", trails: .value([]), eventRules: [:], guardDuty: [:],
                config: [:],
                securityHub: [:]))
        if case .value(var facts)? = builder.monitoring {
            facts.proofs = proofs
            builder.monitoring = .value(facts)
        }
        return builder
    }

    @Test func agreementPassesAndDisagreementNamesTheEvent() {
        let agreeing = Dictionary(
            uniqueKeysWithValues: CanonicalEvent.all.map { event in
                (event.id, [.rootSignIn, .rootAPI].contains(event.category))
            })
        var builder = self.builder([
            PatternProof(
                kind: "metricFilter", name: "RootUsage", region: "us-east-1", pattern: Self.cis,
                awsMatches: .value(agreeing))
        ])
        #expect(PatternProofsAgree().run(builder).status == .pass)
        var disagreeing = agreeing
        disagreeing["root-service-invoked"] = true
        builder = self.builder([
            PatternProof(
                kind: "metricFilter", name: "RootUsage", region: "us-east-1", pattern: Self.cis,
                awsMatches: .value(disagreeing))
        ])
        let finding = PatternProofsAgree().run(builder)
        #expect(finding.status == .fail)
        #expect(
            finding.message.contains("root call made by an AWS service (invokedBy): AWS matches, rootguard does not"))
        #expect(PatternProofsAgree().evaluate(SnapshotBuilder().snapshot, SnapshotBuilder().context).isEmpty)
    }
}
