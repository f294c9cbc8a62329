import RootGuardAWS
import RootGuardModel

/// Collects a whole snapshot of one account: the root user's own posture (`AccountCollector`) and how root activity
/// is monitored (`MonitoringCollector`, with the metric filters proven by `PatternProver` on request). Used by `audit`
/// and by every re-audit after a change.
public enum SnapshotCollector {
    /// The snapshot of the account the client's credentials belong to; monitoring in `regions` (nil: every enabled
    /// region) unless `monitoring` is false.
    public static func collect(
        client: AWSClient, reportWait: Duration = .seconds(120), monitoring: Bool = true, regions: [String]? = nil,
        prove: Bool = false
    ) async throws -> Snapshot {
        async let account = AccountCollector(
            client: client, reportWait: reportWait, toolVersion: RootGuardVersion.current
        ).collect()
        async let watched: Collected<MonitoringFacts>? =
            monitoring ? MonitoringCollector(client: client, regions: regions).collect() : nil
        var snapshot = try await account
        var facts = await watched
        if prove, case .value(var value)? = facts {
            value.proofs = await PatternProver(client: client).prove(value)
            facts = .value(value)
        }
        snapshot.monitoring = facts
        return snapshot
    }

    /// Every IAM action `collect` may call (`rootguard policy`).
    public static var requiredActions: [String] {
        Array(
            Set(AccountCollector.requiredActions + MonitoringCollector.requiredActions + PatternProver.requiredActions)
        )
        .sorted()
    }
}
