import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardPatterns

/// `--prove`: asks AWS to evaluate the account's root patterns against the canonical events
/// (`logs:TestMetricFilter`, `events:TestEventPattern`), so the local engine's verdict can be cross-checked.
public struct PatternProver: Sendable {
    public static let requiredActions = ["logs:TestMetricFilter", "events:TestEventPattern"]

    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    public func prove(_ facts: MonitoringFacts) async -> [PatternProof] {
        var proofs: [PatternProof] = []
        for trail in facts.trails.value ?? [] {
            guard let group = trail.logGroup, let filters = group.metricFilters.value else { continue }
            for filter in filters {
                let result = await gather { () -> [String: Bool] in
                    let messages = CanonicalEvent.all.map(\.record)
                    let output = try await client.cloudWatchLogs(region: AWSRegion(group.region)).testMetricFilter(
                        .init(filterPattern: filter.pattern, logEventMessages: messages))
                    let matched = Set((output.matches ?? []).compactMap { $0.eventNumber })
                    // eventNumber is 1-based over logEventMessages.
                    return Dictionary(
                        uniqueKeysWithValues: CanonicalEvent.all.enumerated().map { ($1.id, matched.contains($0 + 1)) })
                }
                proofs.append(
                    PatternProof(
                        kind: "metricFilter", name: filter.name, region: group.region, pattern: filter.pattern,
                        awsMatches: result))
            }
        }
        for region in facts.regions {
            for rule in facts.eventRules[region]?.value ?? [] {
                guard let pattern = rule.pattern else { continue }
                let result = await gather { () -> [String: Bool] in
                    var answers: [String: Bool] = [:]
                    let events = client.eventBridge(region: AWSRegion(region))
                    for event in CanonicalEvent.all {
                        guard
                            let answer = try await events.testEventPattern(
                                .init(eventPattern: pattern, event: event.eventBridgeEnvelope)
                            ).result
                        else {
                            throw AWSError(
                                kind: .notImplemented, code: "NoResult",
                                message: "TestEventPattern answered without a Result",
                                service: "events", operation: "TestEventPattern")
                        }
                        answers[event.id] = answer
                    }
                    return answers
                }
                proofs.append(
                    PatternProof(
                        kind: "eventRule", name: rule.name, region: region, pattern: pattern, awsMatches: result))
            }
        }
        return proofs
    }
}
