import Foundation
import RootGuardModel
import RootGuardTrail

/// `rootguard trail --output json` (the whole report) and `--output jsonl` (one detection a line). Values are
/// kept as the logs hold them; JSON escaping makes them safe.
public enum TrailJSONRenderer {
    /// The `--output json` document.
    public struct Document: Codable, Sendable {
        public var summary: Summary
        public var accounts: [AccountActivity]
        public var detections: [Detection]
        public var problems: [InputProblem]
        public var stats: ScanStats

        public struct Summary: Codable, Sendable {
            public var detections: Int
            public var unexpected: Int
            public var accounts: Int
            public var byDetection: [String: Int]
            public var inputsWithProblems: Int
            public var inflater: String
        }

        public init(report: TrailReport) {
            summary = Summary(
                detections: report.detections.count, unexpected: report.unexpected.count,
                accounts: report.accounts.count,
                byDetection: Dictionary(grouping: report.detections, by: \.detection).mapValues(\.count),
                inputsWithProblems: Set(report.problems.map(\.input)).count, inflater: report.inflater)
            accounts = report.accounts
            detections = report.detections
            problems = report.problems
            stats = report.stats
        }
    }

    public static func json(_ report: TrailReport) throws -> String {
        try JSONText.string(Document(report: report), .pretty) + "\n"
    }

    public static func jsonl(_ report: TrailReport) throws -> String {
        let encoder = JSONText.encoder(.compact)
        var out = ""
        for detection in report.detections {
            out += JSONText.escapeInvisible(String(decoding: try encoder.encode(detection), as: UTF8.self)) + "\n"
        }
        return out
    }
}
