import Foundation
import RootGuardChecks
import RootGuardModel

/// Snapshots built in code for check tests: a well-configured root by default, changed per test.
struct SnapshotBuilder {
    static let account: AccountID = "111122223333"
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    var partition = "aws"
    var summary: Collected<[String: Int]> = .value([
        "AccountMFAEnabled": 1, "AccountPasswordPresent": 1, "AccountAccessKeysPresent": 0,
        "AccountSigningCertificatesPresent": 0,
    ])
    var root: RootCredentialRow? = RootCredentialRow(
        arn: "arn:aws:iam::111122223333:root", userCreationTime: .date(Date(timeIntervalSince1970: 1_500_000_000)),
        passwordEnabled: nil, passwordEnabledRaw: "not_supported", passwordLastUsed: .noInformation, mfaActive: true,
        accessKeys: [
            .init(
                slot: 1, active: false, lastRotated: .notApplicable, lastUsed: .notApplicable, lastUsedRegion: nil,
                lastUsedService: nil),
            .init(
                slot: 2, active: false, lastRotated: .notApplicable, lastUsed: .notApplicable, lastUsedRegion: nil,
                lastUsedService: nil),
        ],
        certificates: [
            .init(slot: 1, active: false, lastRotated: .notApplicable),
            .init(slot: 2, active: false, lastRotated: .notApplicable),
        ])
    var reportUnavailable: Unavailable?
    var virtualDevices: Collected<[VirtualMFADevice]> = .value([])
    var authorization: Collected<AuthorizationDetails> = .value(.init(principals: [], managedPolicyDocuments: [:]))
    var organization: Collected<OrganizationMembership> = .value(.init(role: .standalone))
    var contacts: [String: Collected<AlternateContact?>] = [
        "SECURITY": .value(nil), "OPERATIONS": .value(nil), "BILLING": .value(nil),
    ]
    var contactInformation: Collected<ContactInformation?> = .value(nil)
    var rootEmail: Collected<String> = .unavailable(.init(kind: .notVisible, reason: "standalone"))
    var monitoring: Collected<MonitoringFacts>?
    var snapshotFeatures: [String] = []
    var featuresUnavailable = false

    var snapshot: Snapshot {
        Snapshot(
            collectedAt: Self.now, tool: .init(version: "test"),
            account: .init(
                accountID: Self.account, partition: partition,
                callerARN: "arn:\(partition):sts::\(Self.account):assumed-role/Audit/alice", region: "us-east-1"),
            accountSummary: summary,
            credentialReport: reportUnavailable.map { .unavailable($0) }
                ?? .value(.init(generatedAt: Self.now.addingTimeInterval(-600), root: root, userCount: 3)),
            virtualMFADevices: virtualDevices, authorization: authorization, accountAliases: .value([]),
            organizationFeatures: featuresUnavailable ? .unavailable(SnapshotBuilder.denied) : .value(snapshotFeatures),
            organization: organization, alternateContacts: contacts,
            contactInformation: contactInformation, rootEmail: rootEmail, monitoring: monitoring)
    }

    var context = EvaluationContext(now: SnapshotBuilder.now)

    static let denied = Unavailable(
        kind: .accessDenied, reason: "iam GetAccountSummary: AccessDenied: not authorized", code: "AccessDenied",
        action: "iam:GetAccountSummary")

    static func days(_ n: Double) -> Date { now.addingTimeInterval(-n * 86_400) }
}

extension Check {
    func run(_ builder: SnapshotBuilder) -> Finding {
        let findings = evaluate(builder.snapshot, builder.context)
        precondition(findings.count == 1, "expected one finding")
        return findings[0]
    }
}
