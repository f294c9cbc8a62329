import Foundation
import RootGuardModel
import RootGuardTrail

/// The terminal timeline of `rootguard trail`. Every field from a log is escaped (a hostile `userAgent` cannot
/// clear or retitle the analyst's terminal).
public enum TrailTableRenderer {
    public static func render(_ report: TrailReport, color: Bool) -> String {
        var sink = StringSink()
        try? render(report, color: color, into: &sink)  // a StringSink does not fail
        return sink.text
    }

    /// The timeline is written row by row (its column widths from a first pass), never held whole.
    public static func render(_ report: TrailReport, color: Bool, into sink: inout some TextSink) throws {
        var out = ""
        if report.detections.isEmpty {
            // Never an all-clear for what was not read: a script reading standard output sees the unread inputs too.
            if report.problems.isEmpty {
                out += "No root activity found.\n"
            } else {
                out +=
                    "NOT AN ALL-CLEAR: \(report.problems.count == 1 ? "1 input" : "\(report.problems.count) inputs") could not be read, so root activity there is unknown (none in the rest):\n"
                for problem in report.problems.prefix(20) {
                    out += "  \(TerminalSafe.escape(problem.input)): \(TerminalSafe.escape(problem.message))\n"
                }
                if report.problems.count > 20 {
                    out += "  … and \(report.problems.count - 20) more (listed on stderr)\n"
                }
            }
        } else {
            try sink.write("Root activity timeline (UTC)\n")
            let detections = report.detections
            let timeline = StreamedTable(
                header: [
                    "TIME", "ACCOUNT", "REGION", "SEVERITY", "DETECTION", "EVENT", "EXPECTED", "SOURCE IP", "MFA",
                    "DETAIL",
                ],
                count: detections.count
            ) { index in
                let d = detections[index]
                return [
                    TimeArgument.format(d.eventTime), d.accountId, d.region, d.severity.rawValue, d.detection,
                    d.eventName, d.expected ? "yes (\(d.approval ?? ""))" : "NO", d.sourceIPAddress ?? "-",
                    d.mfaUsed.map { $0 ? "yes" : "no" } ?? "-", detail(d),
                ]
            }
            try timeline.write(into: &sink) { _, column, cell in
                guard color, column == 3 else { return cell }
                let code = ["critical": "1;31", "high": "31", "medium": "33"][cell.trimmingCharacters(in: .whitespaces)]
                return "\u{1B}[\(code ?? "2")m\(cell)\u{1B}[0m"
            }
            out += "\nBy account\n"
            var accounts = TextTable(header: [
                "ACCOUNT", "FIRST SEEN", "LAST SEEN", "DETECTIONS", "UNEXPECTED", "MFA", "SOURCE IPS", "USER AGENTS",
            ])
            for a in report.accounts {
                accounts.append([
                    a.accountId, TimeArgument.format(a.firstSeen), TimeArgument.format(a.lastSeen),
                    String(a.detections),
                    String(a.unexpected), a.mfaUsed,
                    a.sourceIPs.prefix(5).joined(separator: ",") + (a.sourceIPs.count > 5 ? ",…" : ""),
                    String(a.userAgents.count),
                ])
            }
            out += accounts.render()
        }
        let unexpected = report.unexpectedCount
        out += "\n\(Wording.plural(report.detections.count, "detection")), \(unexpected) unexpected, in "
        out +=
            "\(Wording.plural(report.accounts.count, "account")); \(Wording.plural(report.stats.inputs, "input")) read"
        if !report.problems.isEmpty {
            out += ", \(Set(report.problems.map(\.input)).count) with problems (listed on stderr)"
        }
        out += ".\n"
        try sink.write(out)
    }

    static func detail(_ d: Detection) -> String {
        var parts: [String] = []
        for key in [
            "count", "persistence", "targetAccount", "taskPolicy", "caller", "newAccessKeyId", "mfaType", "invokedBy",
        ] {
            if let value = d.details[key] { parts.append("\(key)=\(value)") }
        }
        if d.outcome == .failure { parts.append("failed" + (d.errorCode.map { " (\($0))" } ?? "")) }
        return parts.joined(separator: " ")
    }

    /// One line per input that could not be read fully, for stderr: `rootguard: <input>: <message>`.
    public static func problems(_ report: TrailReport) -> String {
        report.problems.map { "rootguard: \(TerminalSafe.escape($0.input)): \(TerminalSafe.escape($0.message))\n" }
            .joined()
    }

    /// The `--stats` line.
    public static func stats(_ report: TrailReport) -> String {
        let s = report.stats
        let seconds = max(s.seconds, 0.000_001)
        return String(
            format:
                "stats: %d inputs, %.1f MB read, %.1f MB of JSON, %d records, %d decoded, %d root-relevant, %d duplicates, %d digests skipped, %d problems; %.2f s, %.0f MB/s of JSON, %.0f records/s (inflater: %@)\n",
            s.inputs, Double(s.bytesRead) / 1e6, Double(s.jsonBytes) / 1e6, s.records, s.decoded, s.relevant,
            s.duplicates, s.digestsSkipped, s.problems, s.seconds, Double(s.jsonBytes) / 1e6 / seconds,
            Double(s.records) / seconds, report.inflater)
    }
}
