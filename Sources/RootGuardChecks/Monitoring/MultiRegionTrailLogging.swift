import Foundation
import RootGuardModel
import RootGuardPatterns

/// ROOT-BP 16: a multi-region trail logging management events read and write.
public struct MultiRegionTrailLogging: Check {
    public static let metadata = CheckMetadata(
        id: "cloudtrail-multi-region-logging", title: "A multi-region trail records management events",
        practices: ["16"],
        severity: .high,
        risk: "Without a trail recording every region's management events, root activity leaves no evidence.",
        remediation: "Create (or fix) a multi-region trail with management events Read and Write, and start logging.")

    public init() {}

    public func evaluate(_ snapshot: Snapshot, _ context: EvaluationContext) -> [Finding] {
        metadata.evaluating(snapshot) { (need: Needs) throws(NotEvaluated) in
            let m = metadata
            let facts = try need.monitoring()
            let trails = try need(facts.trails)
            var problems: [String] = []
            for trail in trails {
                if !trail.isMultiRegion { problems.append("\(trail.name): single-region"); continue }
                let status = try need(trail.status)
                if !status.isLogging { problems.append("\(trail.name): not logging"); continue }
                if let error = status.latestDeliveryError, !error.isEmpty {
                    problems.append("\(trail.name): delivery error \(error)"); continue
                }
                let coverage = try need(trail.selectors)
                if !(coverage.read && coverage.write) {
                    problems.append("\(trail.name): management events not read+write"); continue
                }
                return [
                    m.finding(
                        snapshot, .pass,
                        "Trail \(trail.name) is multi-region, logging, and records management events read and write\(trail.isOrganizationTrail ? " (organization trail)" : "").",
                        evidence: ["trail": .string(trail.arn), "homeRegion": .string(trail.homeRegion)])
                ]
            }
            return [
                m.finding(
                    snapshot, .fail,
                    trails.isEmpty
                        ? "No CloudTrail trail exists." : "No trail qualifies: \(problems.joined(separator: "; ")).",
                    evidence: ["trails": JSONValue(trails.map(\.arn))])
            ]
        }
    }
}
