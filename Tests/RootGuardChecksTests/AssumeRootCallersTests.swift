import Foundation
import RootGuardChecks
import RootGuardModel
import Testing

/// `assume-root-callers-restricted`: who may start privileged root sessions, judged by the policy evaluator.
@Suite("assume-root-callers-restricted")
struct AssumeRootCallersTests {
    static let tasks =
        #"["arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy","arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy"]"#

    func builder(
        _ policies: [String: String], attached: [String] = [], groups: [(String, String)] = []
    ) -> SnapshotBuilder {
        var builder = SnapshotBuilder()
        builder.organization = .value(.init(role: .management))
        var principals = policies.map { name, document in
            PeopleAndContactChecksTests.principal(.role, name, inline: [document], attached: attached)
        }
        for (group, document) in groups {
            principals.append(PeopleAndContactChecksTests.principal(.group, group, inline: [document]))
            principals.append(PeopleAndContactChecksTests.principal(.user, "member-of-\(group)", groups: [group]))
        }
        builder.authorization = .value(.init(principals: principals, managedPolicyDocuments: [:]))
        return builder
    }

    @Test func anAdministratorMayStartAnySessionAndFails() {
        let finding = AssumeRootCallersRestricted().run(
            builder([:], groups: [("admins", #"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)]))
        #expect(finding.status == .fail && finding.severity == .high)
        #expect(finding.message.contains("any task policy"))
        #expect(finding.message.contains("user/member-of-admins"))
        // AdministratorAccess attached by ARN is the same.
        let attached = AssumeRootCallersRestricted().run(
            builder(
                ["Ops": #"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}"#],
                attached: ["arn:aws:iam::aws:policy/AdministratorAccess"]))
        #expect(attached.status == .fail)
    }

    @Test func namedTasksMFAAndAccountsPass() {
        let restricted = """
            {"Statement":{"Effect":"Allow","Action":"sts:AssumeRoot","Resource":["arn:aws:iam::222233334444:root"],
            "Condition":{"StringEquals":{"sts:TaskPolicyArn":\(Self.tasks)},"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}
            """
        let finding = AssumeRootCallersRestricted().run(builder(["BreakGlass": restricted]))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.message.contains("role/BreakGlass"))
    }

    @Test func namedTasksWithoutMFAOrAccountsAreAMediumFailure() {
        let noMFA = """
            {"Statement":{"Effect":"Allow","Action":"sts:AssumeRoot","Resource":"*",
            "Condition":{"StringEquals":{"sts:TaskPolicyArn":\(Self.tasks)}}}}
            """
        let finding = AssumeRootCallersRestricted().run(builder(["Ops": noMFA]))
        #expect(finding.status == .fail && finding.severity == .medium)
        #expect(finding.message.contains("no MFA required") && finding.message.contains("any member account"))
    }

    @Test func aDenyOfAssumeRootLeavesNobody() {
        let denied = """
            {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRoot","Resource":"*"}]}
            """
        let finding = AssumeRootCallersRestricted().run(builder(["Admin": denied]))
        #expect(finding.status == .pass)
        #expect(finding.message.contains("No IAM user or role here may call sts:AssumeRoot"))
    }

    @Test func whatCannotBeJudgedIsNotEvaluatedNeverPass() {
        var unreadable = builder([:])
        unreadable.authorization = .unavailable(SnapshotBuilder.denied)
        #expect(AssumeRootCallersRestricted().run(unreadable).status == .notEvaluated)
        // An attached customer policy whose document was not read could allow it.
        let unknown = AssumeRootCallersRestricted().run(
            builder(
                ["Ops": #"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}"#],
                attached: ["arn:aws:iam::111122223333:policy/Mystery"]))
        #expect(unknown.status == .notEvaluated)
        #expect(unknown.message.contains("policy/Mystery"))
        // A condition on a key rootguard does not model.
        let conditional = """
            {"Statement":{"Effect":"Allow","Action":"sts:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}}
            """
        let finding = AssumeRootCallersRestricted().run(builder(["Net": conditional]))
        #expect(finding.status == .notEvaluated)
        #expect(finding.message.contains("aws:SourceVpc"))
    }

    @Test func standaloneAndOrdinaryMembersAreNotApplicable() {
        var standalone = builder([:])
        standalone.organization = .value(.init(role: .standalone))
        #expect(AssumeRootCallersRestricted().run(standalone).status == .notApplicable)
        var member = builder([:])
        member.organization = .value(.init(role: .member))
        member.featuresUnavailable = true
        #expect(AssumeRootCallersRestricted().run(member).status == .notApplicable)
    }
}
