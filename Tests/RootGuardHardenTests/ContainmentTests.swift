import Foundation
import RootGuardHarden
import RootGuardModel
import RootGuardTrail
import Testing

/// The containment of the compromised-member scenario: exactly its artifacts, credentials first, monitoring last,
/// what cannot be undone left to a person.
@Suite("containment plan")
struct ContainmentTests {
    static func artifact(
        _ kind: SessionAftermath.Artifact.Kind, _ resource: String, owner: String? = nil, event: String = "X"
    ) -> SessionAftermath.Artifact {
        .init(
            kind: kind, resource: resource, owner: owner, summary: "\(kind.rawValue) \(resource)",
            account: "222233334444", region: "us-east-1", eventName: event, eventID: UUID().uuidString,
            eventTime: "2026-12-05T09:00:00Z")
    }

    static let scenario = [
        artifact(.user, "backup-admin", event: "CreateUser"),
        artifact(.accessKey, "AKIABACKUPADMIN00001", owner: "backup-admin", event: "CreateAccessKey"),
        artifact(.userPolicy, "arn:aws:iam::aws:policy/AdministratorAccess", owner: "backup-admin"),
        artifact(.role, "vendor-access", event: "CreateRole"),
        artifact(.rootAccessKey, "AKIAROOTNEWKEY000001"),
        artifact(.trailStopped, "org-trail", event: "StopLogging"),
        artifact(.detectorDeleted, "d-123", event: "DeleteDetector"),
        artifact(.user, "backup-admin", event: "CreateUser"),  // the same artifact twice: one step
    ]

    @Test func aMemberWithRootSessionsIsContainedStepByStep() {
        let plan = Containment.plan(Self.scenario, account: "222233334444", root: .privilegedSession)
        #expect(
            plan.changes.map { "\($0.service) \($0.action)" } == [
                "sts AssumeRoot", "iam UpdateAccessKey", "iam PutUserPolicy", "iam DetachUserPolicy",
                "iam PutRolePolicy",
                "iam PutRolePolicy", "cloudtrail StartLogging", "guardduty CreateDetector",
            ])
        #expect(plan.changes[1].resource == "222233334444: AKIABACKUPADMIN00001 of backup-admin → Inactive")
        #expect(plan.changes[2].resource.contains(Containment.quarantinePolicyName))
        #expect(plan.changes[5].resource.contains(Containment.revokeSessionsPolicyName))
        #expect(plan.changes[7].resource == "222233334444: a detector in us-east-1 (enabled; d-123 was deleted)")
        #expect(plan.forPeople.isEmpty)
    }

    @Test func aStandaloneOrManagementRootIsLeftToAPerson() {
        let plan = Containment.plan(
            [Self.artifact(.rootAccessKey, "AKIAROOTNEWKEY000001")], account: "111122223333",
            root: .signInOnly)
        #expect(plan.changes.isEmpty)
        #expect(
            plan.forPeople == [
                "Sign in as root: change the password, review every MFA device, delete root access keys and signing certificates (this account's root cannot be reached through a privileged session)."
            ])
        #expect(Containment.plan([], account: "111122223333", root: .signInOnly).forPeople.count == 1)
    }
}
