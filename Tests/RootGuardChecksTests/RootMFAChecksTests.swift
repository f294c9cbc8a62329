import Foundation
import RootGuardChecks
import RootGuardModel
import Testing

@Suite("ROOT-BP 01/02: root MFA")
struct RootMFAChecksTests {
    @Test func anMFAlessRootWithAPasswordFailsEvenWhenTheReportSaysNotSupported() {
        // Prowler gates on the report's password_enabled, documented `not_supported` for root: no finding at all.
        var builder = SnapshotBuilder()
        builder.summary = .value([
            "AccountMFAEnabled": 0, "AccountPasswordPresent": 1, "AccountAccessKeysPresent": 0,
            "AccountSigningCertificatesPresent": 0,
        ])
        builder.root?.mfaActive = false
        let finding = RootHasMFA().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.severity == .critical)
        #expect(finding.message == "Root has a console password and no MFA device.")
        #expect(finding.evidence["passwordSource"] == "GetAccountSummary")
    }

    @Test func aRootWithoutAnyCredentialIsNotApplicableWithEvidence() {
        var builder = SnapshotBuilder()
        builder.summary = .value([
            "AccountMFAEnabled": 0, "AccountPasswordPresent": 0, "AccountAccessKeysPresent": 0,
            "AccountSigningCertificatesPresent": 0,
        ])
        builder.root?.mfaActive = false
        for check in [RootHasMFA() as any Check, RootMFAIsHardware(), RootHasMultipleMFADevices()] {
            let finding = check.evaluate(builder.snapshot, builder.context)[0]
            #expect(finding.status == .notApplicable, "\(finding.checkId)")
        }
        #expect(RootHasMFA().run(builder).evidence["passwordPresent"] == false)
    }

    @Test func noPasswordButKeysAndNoMFAStillFails() {
        var builder = SnapshotBuilder()
        builder.summary = .value([
            "AccountMFAEnabled": 0, "AccountPasswordPresent": 0, "AccountAccessKeysPresent": 1,
            "AccountSigningCertificatesPresent": 0,
        ])
        let finding = RootHasMFA().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.severity == .high)
    }

    @Test func theSummaryIsMissingAndTheReportIsTheFallback() {
        var builder = SnapshotBuilder()
        builder.summary = .unavailable(SnapshotBuilder.denied)
        builder.root?.mfaActive = false
        builder.root?.passwordEnabled = true
        let finding = RootHasMFA().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.evidence["mfaSource"] == "credential report")
    }

    @Test func withNoSourceItIsNotEvaluatedNamingThePermission() {
        var builder = SnapshotBuilder()
        builder.summary = .unavailable(SnapshotBuilder.denied)
        builder.reportUnavailable = SnapshotBuilder.denied
        let finding = RootHasMFA().run(builder)
        #expect(finding.status == .notEvaluated)
        #expect(finding.message.contains("missing permission iam:GetAccountSummary"))
    }

    @Test func virtualRootMFAIsFoundByExactARNNotBySubstringOrSerialName() {
        var builder = SnapshotBuilder()
        // Prowler: `"root" in User.Arn` matches user/rootops; CIS/CloudSploit: only the serial root-account-mfa-device.
        builder.virtualDevices = .value([
            .init(
                serialNumber: "arn:aws:iam::111122223333:mfa/rootops",
                userARN: "arn:aws:iam::111122223333:user/rootops", enableDate: nil),
            .init(serialNumber: "arn:aws:iam::111122223333:mfa/root-account-mfa-device", userARN: nil, enableDate: nil),
        ])
        #expect(RootMFAIsHardware().run(builder).status == .pass)
        builder.virtualDevices = .value([
            .init(
                serialNumber: "arn:aws:iam::111122223333:mfa/alices-phone", userARN: "arn:aws:iam::111122223333:root",
                enableDate: SnapshotBuilder.days(30))
        ])
        let finding = RootMFAIsHardware().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("alices-phone"))
        #expect(finding.severity == .critical)
    }

    @Test func hardwareWithAVirtualFallbackIsReportedAsSuch() {
        var builder = SnapshotBuilder()
        builder.virtualDevices = .value([
            .init(
                serialNumber: "arn:aws:iam::111122223333:mfa/backup-phone", userARN: "arn:aws:iam::111122223333:root",
                enableDate: nil)
        ])
        builder.context.attestations = Attestations(custody: TestAttestations.custody())
        let finding = RootMFAIsHardware().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.severity == .medium)
        #expect(
            finding.message.contains(
                "Root has hardware MFA (YubiKey-A, YubiKey-B, attested) but a virtual fallback also exists"))
    }

    @Test func aMissingDeviceListIsNotEvaluatedNotPassed() {
        var builder = SnapshotBuilder()
        builder.virtualDevices = .unavailable(
            .init(kind: .throttling, reason: "iam ListVirtualMFADevices: Throttling: Rate exceeded"))
        let finding = RootMFAIsHardware().run(builder)
        #expect(finding.status == .notEvaluated)
        #expect(finding.message.contains("Throttling"))
    }

    @Test func partitionsAreRespected() {
        var builder = SnapshotBuilder()
        builder.partition = "aws-cn"
        builder.virtualDevices = .value([
            // A commercial-partition ARN is not this China account's root.
            .init(serialNumber: "x", userARN: "arn:aws:iam::111122223333:root", enableDate: nil),
            .init(serialNumber: "y", userARN: "arn:aws-cn:iam::111122223333:root", enableDate: nil),
        ])
        #expect(RootMFAIsHardware().run(builder).message.contains("1 virtual device (y)"))
        builder.partition = "aws-us-gov"
        #expect(RootHasMFA().run(builder).status == .notApplicable)
    }

    @Test func multipleDevicesComeFromTheVirtualListOrTheCustodyPlan() {
        var builder = SnapshotBuilder()
        #expect(RootHasMultipleMFADevices().run(builder).status == .manual)
        builder.context.attestations = Attestations(custody: TestAttestations.custody())
        #expect(RootHasMultipleMFADevices().run(builder).status == .pass)
        builder.context.now = Date(timeIntervalSince1970: 4_200_000_000)
        #expect(RootHasMultipleMFADevices().run(builder).status == .fail)
    }
}

enum TestAttestations {
    static func evidence(expires: Double = 4_100_000_000) -> Evidence {
        Evidence(
            attestedBy: "alice@example.com", attestedAt: Date(timeIntervalSince1970: 1_790_000_000),
            verification: "checked by bob", expires: Date(timeIntervalSince1970: expires))
    }

    static func custody(
        passwordHolders: [String] = ["alice"], phoneGroup: String = "it-telecom", phoneHolders: [String] = ["erin"]
    ) -> CustodyPlan {
        CustodyPlan(
            passwordHolders: passwordHolders,
            mfaDevices: [
                .init(name: "YubiKey-A", type: "hardware", holders: ["bob"]),
                .init(name: "YubiKey-B", type: "hardware", holders: ["dave"]),
            ],
            emailInbox: .init(group: "secops-list", holders: ["alice", "bob"]),
            phone: .init(group: phoneGroup, holders: phoneHolders), securityQuestions: false, evidence: evidence())
    }
}
