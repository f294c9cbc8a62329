import Foundation
import RootGuardChecks
import RootGuardModel
import Testing

@Suite("ROOT-BP 06–12, 21: attestations, identities, e-mail, contacts")
struct PeopleAndContactChecksTests {
    @Test func attestedPracticesAreManualUntilAttestedAndFailWhenExpired() {
        var builder = SnapshotBuilder()
        #expect(RootPasswordIsStrong().run(builder).status == .manual)
        builder.context.attestations = Attestations(attestations: [
            Attestation(practice: "06", statement: "128 random characters", evidence: TestAttestations.evidence())
        ])
        let passed = RootPasswordIsStrong().run(builder)
        #expect(passed.status == .pass)
        #expect(passed.evidence["attestedBy"] == "alice@example.com")
        builder.context.attestations = Attestations(attestations: [
            Attestation(
                practice: "06", statement: "128 random characters",
                evidence: TestAttestations.evidence(expires: 1_794_000_000))
        ])
        #expect(RootPasswordIsStrong().run(builder).status == .fail)
        builder.context.attestations = Attestations(attestations: [
            Attestation(
                practice: "06", statement: "reused password", satisfied: false, evidence: TestAttestations.evidence())
        ])
        #expect(RootPasswordIsStrong().run(builder).status == .fail)
        builder.summary = .value(["AccountPasswordPresent": 0, "AccountMFAEnabled": 0])
        #expect(RootPasswordInPasswordManager().run(builder).status == .notApplicable)
    }

    @Test func custodyIsCheckedForSeparationOfDuties() {
        var builder = SnapshotBuilder()
        #expect(RootCustodyIsSplit().run(builder).status == .manual)
        builder.context.attestations = Attestations(custody: TestAttestations.custody())
        #expect(RootCustodyIsSplit().run(builder).status == .pass)
        builder.context.attestations = Attestations(
            custody: TestAttestations.custody(passwordHolders: ["alice", " Bob "]))
        let violated = RootCustodyIsSplit().run(builder)
        #expect(violated.status == .fail)
        #expect(violated.message == "Separation of duties violated: bob (password and YubiKey-A).")
    }

    /// A plan that splits custody of MFA devices proves nothing when root has no MFA device at all.
    @Test func custodyIsNotSplitWhenRootHasNoMFADevice() {
        var builder = SnapshotBuilder()
        builder.context.attestations = Attestations(custody: TestAttestations.custody())
        builder.summary = .value(["AccountPasswordPresent": 1, "AccountMFAEnabled": 0])
        let finding = RootCustodyIsSplit().run(builder)
        #expect(finding.status == .fail)
        #expect(finding.message.hasPrefix("Root has no MFA device"))
        // Unknown MFA state: unknown custody, never a pass.
        builder.summary = .unavailable(.init(kind: .accessDenied, reason: "denied", action: "iam:GetAccountSummary"))
        builder.reportUnavailable = .init(kind: .accessDenied, reason: "denied")
        #expect(RootCustodyIsSplit().run(builder).status == .notEvaluated)
        // No credentials at all (removed centrally): nothing to hold.
        builder.summary = .value(["AccountPasswordPresent": 0, "AccountMFAEnabled": 0])
        builder.reportUnavailable = nil
        #expect(RootCustodyIsSplit().run(builder).status != .pass)
    }

    @Test func recoveryChannelsMustBeHeldByDifferentGroups() {
        var builder = SnapshotBuilder()
        builder.context.attestations = Attestations(custody: TestAttestations.custody())
        #expect(RecoveryChannelsSeparated().run(builder).status == .pass)
        builder.context.attestations = Attestations(custody: TestAttestations.custody(phoneGroup: "SecOps-List"))
        #expect(RecoveryChannelsSeparated().run(builder).status == .fail)
        builder.context.attestations = Attestations(custody: TestAttestations.custody(phoneHolders: ["bob"]))
        #expect(
            RecoveryChannelsSeparated().run(builder).message
                == "bob can reach both the root inbox and the phone number.")
        // Different group names prove nothing when nobody is named behind them.
        builder.context.attestations = Attestations(custody: TestAttestations.custody(phoneHolders: []))
        let unnamed = RecoveryChannelsSeparated().run(builder)
        #expect(unnamed.status == .fail)
        #expect(unnamed.message.hasPrefix("The custody plan must name who"))
    }

    @Test func theRunbookNeedsValidatorsAndAnApprovalsFile() {
        var builder = SnapshotBuilder()
        #expect(RootResponseProcedureExists().run(builder).status == .manual)
        builder.context.attestations = Attestations(
            runbook: Runbook(
                location: "wiki", validators: ["secops"], escalation: "page", approvalsFile: nil,
                evidence: TestAttestations.evidence()))
        #expect(RootResponseProcedureExists().run(builder).status == .fail)
        builder.context.attestations?.runbook?.approvalsFile = "approvals.yaml"
        #expect(RootResponseProcedureExists().run(builder).status == .pass)
    }

    static func principal(
        _ kind: AuthorizationDetails.Kind, _ name: String, inline: [String] = [], attached: [String] = [],
        groups: [String] = []
    ) -> AuthorizationDetails.Principal {
        .init(
            kind: kind, name: name, arn: "arn:aws:iam::111122223333:\(kind.rawValue)/\(name)",
            attachedPolicyARNs: attached, inlinePolicies: inline, groups: groups)
    }

    @Test func administratorsAreFoundThroughInlineManagedAndGroupPolicies() {
        var builder = SnapshotBuilder()
        #expect(AdministrativeIdentityExists().run(builder).status == .fail)
        let star = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#
        let conditional =
            #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#
        builder.authorization = .value(
            .init(principals: [Self.principal(.user, "ops", inline: [conditional])], managedPolicyDocuments: [:]))
        #expect(AdministrativeIdentityExists().run(builder).status == .fail)
        builder.authorization = .value(
            .init(
                principals: [
                    Self.principal(.group, "admins", inline: [star]),
                    Self.principal(.user, "alice", groups: ["admins"]),
                ],
                managedPolicyDocuments: [:]))
        let users = AdministrativeIdentityExists().run(builder)
        #expect(users.status == .pass && users.severity == .low)
        builder.authorization = .value(
            .init(
                principals: [
                    Self.principal(.role, "Admin", attached: ["arn:aws-cn:iam::aws:policy/AdministratorAccess"])
                ], managedPolicyDocuments: [:]))
        #expect(AdministrativeIdentityExists().run(builder).status == .pass)
        #expect(BillingAccessDelegated().run(builder).status == .pass)
        builder.authorization = .value(
            .init(
                principals: [
                    Self.principal(
                        .role, "Finance",
                        inline: [
                            #"{"Statement":[{"Effect":"Allow","Action":["aws-portal:ModifyPaymentMethods"],"Resource":"*"}]}"#
                        ])
                ],
                managedPolicyDocuments: [:]))
        #expect(BillingAccessDelegated().run(builder).status == .pass)
        #expect(AdministrativeIdentityExists().run(builder).status == .fail)
    }

    /// Billing is delegated only to an identity that can act on it; reading bills is not enough, and a Deny wins.
    @Test func readOnlyAuditorsAreNoBillingDelegationAndDeniesCount() {
        var builder = SnapshotBuilder()
        let readOnly = [
            #"{"Statement":[{"Effect":"Allow","Action":["aws-portal:ViewBilling","ce:Get*","account:GetAlternateContact","budgets:ViewBudget"],"Resource":"*"}]}"#
        ]
        builder.authorization = .value(
            .init(
                principals: [
                    Self.principal(
                        .role, "Auditor", inline: readOnly,
                        attached: [
                            "arn:aws:iam::aws:policy/SecurityAudit",
                            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                            "arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess",
                        ])
                ], managedPolicyDocuments: [:]))
        let auditor = BillingAccessDelegated().run(builder)
        #expect(auditor.status == .fail, "\(auditor.message)")
        builder.authorization = .value(
            .init(
                principals: [
                    Self.principal(.role, "Finance", attached: ["arn:aws:iam::aws:policy/job-function/Billing"])
                ], managedPolicyDocuments: [:]))
        #expect(BillingAccessDelegated().run(builder).status == .pass)
        let denied =
            #"{"Statement":[{"Effect":"Deny","Action":["aws-portal:*","billing:*","payments:*"],"Resource":"*"}]}"#
        builder.authorization = .value(
            .init(
                principals: [
                    Self.principal(
                        .role, "Finance", inline: [denied], attached: ["arn:aws:iam::aws:policy/job-function/Billing"])
                ], managedPolicyDocuments: [:]))
        #expect(BillingAccessDelegated().run(builder).status == .fail)
        // An administrator whose IAM writes are denied administers nothing.
        let star = #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        let noIAM = #"{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#
        builder.authorization = .value(
            .init(principals: [Self.principal(.role, "Boxed", inline: [star, noIAM])], managedPolicyDocuments: [:]))
        #expect(AdministrativeIdentityExists().run(builder).status == .fail)
    }

    @Test(arguments: [
        ("jane.doe@gmail.com", [], "FAIL", "consumer domain gmail.com"),
        ("aws-root@example.com", ["example.com"], "PASS", "group address"),
        (
            "aws-root+prod@example.com", ["example.com"], "PASS",
            "plus-addressing: mail is delivered to aws-root@example.com"
        ),
        ("jane.doe@example.com", ["example.com"], "FAIL", "looks like a person's mailbox"),
        ("aws-root@other.example.org", ["example.com"], "FAIL", "not one of the company domains"),
        ("aws-root@mail.example.com", ["example.com"], "PASS", "company domain"),
        ("aws-root@example.com", [], "MANUAL", "confirm it is company-owned"),
        ("zq@example.com", ["example.com"], "MANUAL", "is a distribution list"),
        ("not-an-address", [], "FAIL", "is not an e-mail address"),
    ])
    func rootEmails(_ email: String, _ domains: [String], _ status: String, _ text: String) {
        var builder = SnapshotBuilder()
        builder.rootEmail = .value(email)
        builder.context.emailPolicy = EmailPolicy(companyDomains: domains)
        let finding = RootEmailIsCompanyGroupAddress().run(builder)
        #expect(finding.status.rawValue == status)
        #expect(finding.message.contains(text), "\(finding.message)")
    }

    /// Reported facts win: a --root-email that contradicts AWS never makes the finding PASS (it had replaced what
    /// AWS reports: a personal gmail address passed on the user's word).
    @Test func aGivenRootEmailNeverOverridesWhatAWSReports() {
        var builder = SnapshotBuilder()
        builder.context.emailPolicy = EmailPolicy(companyDomains: ["example.com"])
        builder.rootEmail = .value("jane.personal@gmail.com")
        builder.context.rootEmailOverride = "aws-root@example.com"
        let contradicted = RootEmailIsCompanyGroupAddress().run(builder)
        #expect(contradicted.status == .fail)
        #expect(
            contradicted.message.contains(
                "AWS reports the root e-mail as jane.personal@gmail.com, not aws-root@example.com"))
        #expect(contradicted.evidence["source"] == "AWS" && contradicted.evidence["given"] == "aws-root@example.com")
        // AWS's address would pass, but the user said another: not evaluated until the two agree.
        builder.rootEmail = .value("aws-root-prod@example.com")
        let disagreeing = RootEmailIsCompanyGroupAddress().run(builder)
        #expect(disagreeing.status == .notEvaluated, "\(disagreeing.message)")
        #expect(disagreeing.message.contains("resolve the disagreement"))
        // Agreeing (case aside): judged as AWS reports it.
        builder.context.rootEmailOverride = "AWS-ROOT-PROD@example.com"
        #expect(RootEmailIsCompanyGroupAddress().run(builder).status == .pass)
    }

    @Test func aStandaloneRootEmailNeedsTheOption() {
        var builder = SnapshotBuilder()
        #expect(RootEmailIsCompanyGroupAddress().run(builder).status == .notEvaluated)
        builder.context.rootEmailOverride = "owner@yahoo.com"
        #expect(RootEmailIsCompanyGroupAddress().run(builder).status == .fail)
    }

    @Test func contactsMustBeSetAndDistinct() {
        var builder = SnapshotBuilder()
        #expect(SecurityContactRegistered().run(builder).status == .fail)
        #expect(
            AlternateContactsComplete().run(builder).message
                == "Missing: operations contact, billing contact, primary contact phone number.")
        let team = AlternateContact(name: "Team", title: nil, emailAddress: "aws@example.com", phoneNumber: "+1")
        builder.contacts = [
            "SECURITY": .value(team), "OPERATIONS": .value(team),
            "BILLING": .value(
                AlternateContact(name: "F", title: nil, emailAddress: "billing@example.com", phoneNumber: nil)),
        ]
        builder.contactInformation = .value(
            ContactInformation(fullName: "X", companyName: nil, phoneNumber: "+1 206", countryCode: "US"))
        #expect(SecurityContactRegistered().run(builder).status == .pass)
        let same = AlternateContactsComplete().run(builder)
        #expect(same.status == .fail)
        #expect(same.message.contains("operations and security contacts are the same address"))
        builder.contacts["OPERATIONS"] = .value(
            AlternateContact(name: "Ops", title: nil, emailAddress: "ops@example.com", phoneNumber: nil))
        #expect(AlternateContactsComplete().run(builder).status == .pass)
        builder.contacts["BILLING"] = .unavailable(SnapshotBuilder.denied)
        #expect(AlternateContactsComplete().run(builder).status == .notEvaluated)
    }

    @Test func centralizedRootAccessIsJudgedFromTheManagementAccount() {
        var builder = SnapshotBuilder()
        #expect(CentralizedRootAccessEnabled().run(builder).status == .notApplicable)
        builder.organization = .value(
            .init(
                role: .management, organizationID: "o-abc", managementAccountID: SnapshotBuilder.account.rawValue,
                trustedServices: ["cloudtrail.amazonaws.com"], iamDelegatedAdministrators: []))
        let missing = CentralizedRootAccessEnabled().run(builder)
        #expect(missing.status == .fail)
        #expect(
            missing.message
                == "Centralised root access is incomplete: missing RootCredentialsManagement, RootSessions, IAM trusted access (iam.amazonaws.com)."
        )
        builder.organization = .value(
            .init(
                role: .management, organizationID: "o-abc", managementAccountID: SnapshotBuilder.account.rawValue,
                trustedServices: ["iam.amazonaws.com"], iamDelegatedAdministrators: ["444455556666"]))
        builder.snapshotFeatures = ["RootCredentialsManagement", "RootSessions"]
        let enabled = CentralizedRootAccessEnabled().run(builder)
        #expect(enabled.status == .pass)
        #expect(enabled.message.contains("IAM is delegated to 444455556666"))
        builder.organization = .value(
            .init(role: .member, organizationID: "o-abc", managementAccountID: "999999999999"))
        builder.featuresUnavailable = true
        #expect(CentralizedRootAccessEnabled().run(builder).status == .notApplicable)
    }

    @Test func organizationMembership() {
        var builder = SnapshotBuilder()
        #expect(AccountInOrganization().run(builder).status == .fail)
        builder.organization = .value(
            .init(role: .management, organizationID: "o-abc", managementAccountID: SnapshotBuilder.account.rawValue))
        let management = AccountInOrganization().run(builder)
        #expect(management.status == .pass)
        #expect(management.message.contains("SCPs never restrain its root user"))
    }
}
