import Foundation
import RootGuardTrail

/// The terminal timeline of `rootguard trail`.
enum TrailTable {
    static func render(_ report: TrailReport, color: Bool) -> String {
        var out = ""
        if report.detections.isEmpty {
            out += "No root activity found.\n"
        } else {
            out += "Root activity timeline (UTC)\n"
            var rows: [[String]] = [
                [
                    "TIME", "ACCOUNT", "REGION", "SEVERITY", "DETECTION", "EVENT", "EXPECTED", "SOURCE IP", "MFA",
                    "DETAIL",
                ]
            ]
            for d in report.detections {
                rows.append([
                    d.eventTime, d.accountId, d.region, d.severity.rawValue, d.detection, d.eventName,
                    d.expected ? "yes (\(d.approval ?? ""))" : "NO", d.sourceIPAddress ?? "-",
                    d.mfaUsed.map { $0 ? "yes" : "no" } ?? "-", detail(d),
                ])
            }
            out += table(rows, color: color)
            out += "\nBy account\n"
            var accounts: [[String]] = [
                ["ACCOUNT", "FIRST SEEN", "LAST SEEN", "DETECTIONS", "UNEXPECTED", "MFA", "SOURCE IPS", "USER AGENTS"]
            ]
            for a in report.accounts {
                accounts.append([
                    a.accountId, a.firstSeen, a.lastSeen, String(a.detections), String(a.unexpected), a.mfaUsed,
                    a.sourceIPs.prefix(5).joined(separator: ",") + (a.sourceIPs.count > 5 ? ",…" : ""),
                    String(a.userAgents.count),
                ])
            }
            out += table(accounts, color: false)
        }
        let unexpected = report.unexpected.count
        out += "\n\(plural(report.detections.count, "detection")), \(unexpected) unexpected, in "
        out += "\(plural(report.accounts.count, "account")); \(plural(report.stats.inputs, "input")) read"
        if !report.problems.isEmpty {
            out += ", \(Set(report.problems.map(\.input)).count) with problems (listed on stderr)"
        }
        out += ".\n"
        return out
    }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    static func detail(_ d: Detection) -> String {
        var parts: [String] = []
        for key in [
            "count", "persistence", "targetAccount", "taskPolicy", "caller", "newAccessKeyId", "mfaType", "invokedBy",
        ] {
            if let value = d.details[key] { parts.append("\(key)=\(value)") }
        }
        if d.outcome == "failure" { parts.append("failed" + (d.errorCode.map { " (\($0))" } ?? "")) }
        return parts.joined(separator: " ")
    }

    static func stats(_ report: TrailReport) -> String {
        let s = report.stats
        let seconds = max(s.seconds, 0.000_001)
        return String(
            format:
                "stats: %d inputs, %.1f MB read, %.1f MB of JSON, %d records, %d decoded, %d root-relevant, %d duplicates, %d digests skipped, %d problems; %.2f s, %.0f MB/s of JSON, %.0f records/s (inflater: %@)\n",
            s.inputs, Double(s.bytesRead) / 1e6, Double(s.jsonBytes) / 1e6, s.records, s.decoded, s.relevant,
            s.duplicates, s.digestsSkipped, s.problems, s.seconds, Double(s.jsonBytes) / 1e6 / seconds,
            Double(s.records) / seconds, report.inflater)
    }

    private static func table(_ rows: [[String]], color: Bool) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (index, row) in rows.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let padded = i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                if color && index > 0 && i == 3 {
                    let code = ["critical": "1;31", "high": "31", "medium": "33"][cell] ?? "2"
                    line += "\u{1B}[\(code)m\(padded)\u{1B}[0m  "
                } else {
                    line += padded + (i == row.count - 1 ? "" : "  ")
                }
            }
            out += line.trimmingCharacters(in: .whitespaces) + "\n"
        }
        return out
    }
}
