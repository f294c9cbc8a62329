import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardCollect
import RootGuardModel

/// The re-audits hardeners share: facts read afresh, judged by the same checks `audit` runs.
public enum Reaudit {
    /// The account's own snapshot without monitoring (root posture, organization features).
    public static func accountSnapshot(client: AWSClient) async throws -> Snapshot {
        try await SnapshotCollector.collect(client: client, reportWait: .seconds(30), monitoring: false)
    }

    /// ROOT-BP 15 for every member, on the organization read afresh (members through AssumeRoot's audit session
    /// where it is on; the SCP verdict needs only Organizations).
    public static func memberRootDeniedBySCP(client: AWSClient) async throws -> [Finding] {
        let management = try await accountSnapshot(client: client)
        let organization = try await OrganizationCollector(
            client: client, access: .assumeRoot, toolVersion: RootGuardVersion.current
        ).collect(management: management)
        return MemberRootDeniedBySCP().evaluate(organization, .init(now: Date()))
    }
}
