import Foundation
import RootGuardModel
import RootGuardTrail

/// RFC 4180 CSV: every field quoted when it holds a comma, quote or line break, CRLF line ends, and a cell that a
/// spreadsheet would evaluate (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with `'`.
public enum CSVRenderer {
    public static func audit(_ report: ReportV1) -> String {
        var rows = [
            [
                "account_id", "check_id", "status", "severity", "practices", "region", "resource", "message",
                "remediation", "compliance", "not_evaluated_cause",
            ]
        ]
        for f in report.findings {
            rows.append([
                f.accountId.rawValue, f.checkId.rawValue, f.status.rawValue, f.severity.rawValue,
                f.practices.map(\.rawValue).joined(separator: " "), f.region ?? "", f.resource, f.message,
                f.remediation,
                f.compliance.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" }
                    .joined(separator: "; "),
                f.notEvaluatedCause?.rawValue ?? "",
            ])
        }
        return table(rows)
    }

    public static func trail(_ report: TrailReport) -> String {
        trailHeader + trailRows(report).joined()
    }

    /// One row at a time.
    public static func trail(_ report: TrailReport, into sink: inout some TextSink) throws {
        try sink.write(trailHeader)
        for row in trailRows(report) { try sink.write(row) }
    }

    static let trailHeader = line([
        "event_time", "account_id", "region", "severity", "detection", "event_name", "event_source", "expected",
        "approval", "source_ip", "user_agent", "mfa_used", "credential", "outcome", "error_code", "event_id", "source",
    ])

    static func trailRows(_ report: TrailReport) -> LazyMapSequence<[Detection], String> {
        report.detections.lazy.map { d in
            line([
                TimeArgument.format(d.eventTime), d.accountId, d.region, d.severity.rawValue, d.detection, d.eventName,
                d.eventSource, d.expected ? "true" : "false", d.approval ?? "", d.sourceIPAddress ?? "",
                d.userAgent ?? "", d.mfaUsed.map { $0 ? "true" : "false" } ?? "", d.credential.rawValue,
                d.outcome.rawValue, d.errorCode ?? "", d.eventID, d.source,
            ])
        }
    }

    static func line(_ row: [String]) -> String { row.map(cell).joined(separator: ",") + "\r\n" }

    static func table(_ rows: [[String]]) -> String {
        rows.map(line).joined()
    }

    /// One field: control, C1 and bidi characters escaped as the terminal renderers show them (`\x1b`, `\n`: a
    /// spreadsheet or terminal that shows the file cannot be driven by them), then OWASP's CSV-injection rule applied
    /// at every place a spreadsheet may start a cell: the start, and after each delimiter it may split on (`,` `;`
    /// tab `|`) — a formula trigger (`=` `+` `-` `@`) there gets a `'` before it. Quoted when it holds `,` or `"`.
    public static func cell(_ value: String) -> String {
        let escaped = TerminalSafe.escape(value)
        var text = ""
        var atCellStart = true
        for scalar in escaped.unicodeScalars {
            if atCellStart, ["=", "+", "-", "@"].contains(scalar) { text += "'" }
            text.unicodeScalars.append(scalar)
            atCellStart = [",", ";", "\t", "|"].contains(scalar) || (atCellStart && scalar == " ")
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
