import Foundation
import RootGuardModel
import RootGuardTrail

/// The formats of an audit report (`audit --output`).
public enum AuditFormat: String, Sendable, CaseIterable {
    case text, json, sarif, ocsf, asff, junit, csv, html
}

/// The formats of a trail report (`trail --output`, `trail athena --output`).
public enum TrailFormat: String, Sendable, CaseIterable {
    case table, jsonl, json, ocsf, asff, csv, html
}

/// The formats of a diff of two audit reports (`diff --output`).
public enum DiffFormat: String, Sendable, CaseIterable {
    case text, json, html
}

/// What a trail report needs besides its detections: where it is imported and shown, and when it was made.
public struct TrailRenderContext: Sendable {
    /// The region findings are imported into (ASFF's ProductArn and Region) — the AWS client's region.
    public var region: String
    public var partition: String
    public var generatedAt: Date
    /// Colour in the table (a terminal, no NO_COLOR).
    public var color: Bool

    public init(region: String, partition: String, generatedAt: Date, color: Bool) {
        self.region = region
        self.partition = partition
        self.generatedAt = generatedAt
        self.color = color
    }
}

/// The one entry point from a result and a format to text: the CLI names a format, this picks the renderer.
public enum Render {
    /// An audit report; `terminal` draws the text form (single account or organization matrix).
    public static func render(
        _ report: ReportV1, format: AuditFormat, context: AuditReportContext, terminal: () -> String
    ) throws -> String {
        switch format {
        case .text: terminal()
        case .json: try JSONReportRenderer.render(report) + "\n"
        case .sarif: try SARIFRenderer.render(report, context: context)
        case .ocsf: try OCSFRenderer.audit(report, context: context)
        case .asff: try ASFFRenderer.document(ASFFRenderer.audit(report, context: context))
        case .junit: JUnitRenderer.render(report, context: context)
        case .csv: CSVRenderer.audit(report)
        case .html: HTMLRenderer.audit(report, context: context)
        }
    }

    /// A trail report (`trail` and `trail athena`).
    public static func render(_ report: TrailReport, format: TrailFormat, context: TrailRenderContext) throws -> String
    {
        var sink = StringSink()
        try render(report, format: format, context: context, into: &sink)
        return sink.text
    }

    /// A trail report written as it is rendered: every format streams its detections one at a time (the table and the
    /// HTML page included), so 300,000 detections are never held twice.
    public static func render(
        _ report: TrailReport, format: TrailFormat, context: TrailRenderContext, into sink: inout some TextSink
    ) throws {
        switch format {
        case .table: try TrailTableRenderer.render(report, color: context.color, into: &sink)
        case .jsonl: try TrailJSONRenderer.jsonl(report, into: &sink)
        case .json: try TrailJSONRenderer.json(report, into: &sink)
        case .ocsf:
            try OCSFRenderer.trail(
                report, generatedAt: context.generatedAt, version: RootGuardVersion.current,
                partition: context.partition, into: &sink)
        case .asff:
            try ASFFRenderer.trailDocument(
                report, generatedAt: context.generatedAt, partition: context.partition, region: context.region,
                into: &sink)
        case .csv: try CSVRenderer.trail(report, into: &sink)
        case .html:
            try HTMLRenderer.trail(
                report, generatedAt: context.generatedAt, version: RootGuardVersion.current, into: &sink)
        }
    }

    /// A diff of two audit reports.
    public static func render(_ diff: ReportDiff, format: DiffFormat) throws -> String {
        switch format {
        case .text: DiffRenderer.text(diff)
        case .json: try DiffRenderer.json(diff)
        case .html: HTMLRenderer.diff(diff)
        }
    }
}

extension ReportDiff {
    /// `diff`'s exit code: 2 when NEW has a FAIL that OLD did not, else 0.
    public var exitCode: Int32 { hasRegression ? 2 : 0 }
}
