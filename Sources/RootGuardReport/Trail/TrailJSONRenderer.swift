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
        /// The version of docs/schemas/trail.schema.json this document follows, and who wrote it.
        public var schemaVersion = 1
        public var tool = ReportV1.Tool(version: RootGuardVersion.current)

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
                detections: report.detections.count, unexpected: report.unexpectedCount,
                accounts: report.accounts.count,
                byDetection: report.detections.reduce(into: [:]) { $0[$1.detection, default: 0] += 1 },
                inputsWithProblems: Set(report.problems.map(\.input)).count, inflater: report.inflater)
            accounts = report.accounts
            detections = report.detections
            problems = report.problems
            stats = report.stats
        }
    }

    public static func json(_ report: TrailReport) throws -> String {
        var sink = StringSink()
        try json(report, into: &sink)
        return sink.text
    }

    /// The document written member by member, the detections one at a time (the same bytes as encoding it whole).
    public static func json(_ report: TrailReport, into sink: inout some TextSink) throws {
        let document = Document(report: report)
        let stream = PrettyJSONStream()
        try sink.write(
            "{\n  \"accounts\" : " + (try stream.text(document.accounts, depth: 1)) + ",\n  \"detections\" : ")
        try stream.array(document.detections, depth: 1, into: &sink)
        try sink.write(",\n  \"problems\" : " + (try stream.text(document.problems, depth: 1)))
        try sink.write(",\n  \"schemaVersion\" : " + (try stream.text(document.schemaVersion, depth: 1)))
        try sink.write(",\n  \"stats\" : " + (try stream.text(document.stats, depth: 1)))
        try sink.write(",\n  \"summary\" : " + (try stream.text(document.summary, depth: 1)))
        try sink.write(",\n  \"tool\" : " + (try stream.text(document.tool, depth: 1)) + "\n}\n")
    }

    public static func jsonl(_ report: TrailReport) throws -> String {
        var sink = StringSink()
        try jsonl(report, into: &sink)
        return sink.text
    }

    public static func jsonl(_ report: TrailReport, into sink: inout some TextSink) throws {
        let encoder = JSONText.encoder(.compact)
        for detection in report.detections {
            try sink.write(
                JSONText.escapeInvisible(String(decoding: try encoder.encode(Stamped(value: detection)), as: UTF8.self))
                    + "\n")
        }
    }
}
