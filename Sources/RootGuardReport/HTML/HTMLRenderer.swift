import Foundation
import RootGuardCompliance
import RootGuardModel
import RootGuardTrail

/// Self-contained HTML reports: the audit (score, summary, findings by practice with evidence and remediation,
/// filters; for `--org` the accounts × practices grid), the hunt (a timeline chart, the per-account table, every
/// detection) and the diff.
public enum HTMLRenderer {
    typealias H = HTMLPage

    public static func audit(_ report: ReportV1, context: AuditReportContext) -> String {
        let score = Score(report.findings)
        var body = "<header><h1>rootguard audit · \(H.escape(context.subject))</h1>"
        body +=
            "<div class=\"muted\">Generated \(H.escape(FormatSupport.iso(report.generatedAt))) by rootguard \(H.escape(report.tool.version)) · partition \(H.escape(context.partition))</div></header>"
        body +=
            "<div class=\"cards\"><div class=\"card\">Score<b id=\"score\">\(score.value.map { "\($0)/100" } ?? "n/a")</b></div>"
        for status in Status.allCases {
            body +=
                "<div class=\"card\"><span class=\"badge \(status.rawValue)\">\(status.rawValue)</span><b>\(score.counts[status] ?? 0)</b></div>"
        }
        body += "</div>"
        if !score.failuresBySeverity.isEmpty {
            let order: [Severity] = [.critical, .high, .medium, .low, .info]
            body +=
                "<p>Failures: "
                + order.compactMap { s in
                    score.failuresBySeverity[s].map { "<span class=\"sev-\(s.rawValue)\">\($0) \(s.rawValue)</span>" }
                }
                .joined(separator: ", ") + "</p>"
        }
        if let organization = context.organization { body += matrix(report, organization: organization) }
        body += H.statusFilters(score.counts)
        let byPractice = Dictionary(grouping: report.findings) { $0.practices.first }
        let practices = byPractice.keys.sorted { ($0?.number ?? 99) < ($1?.number ?? 99) }
        for practice in practices {
            let title = practice.map { "ROOT-BP \($0) · \(Practices.title($0))" } ?? "Other"
            body += "<section data-practice=\"\(practice?.rawValue ?? "--")\"><h2>\(H.escape(title))</h2>"
            body +=
                "<table><thead><tr><th>Status</th><th>Severity</th><th>Account</th><th>Finding</th></tr></thead><tbody>"
            let rank: [Status: Int] = [.fail: 0, .notEvaluated: 1, .manual: 2, .pass: 3, .notApplicable: 4]
            for f in byPractice[practice]!.sorted(by: {
                (rank[$0.status]!, $0.accountId, $0.checkId) < (rank[$1.status]!, $1.accountId, $1.checkId)
            }) {
                body +=
                    "<tr data-status=\"\(f.status.rawValue)\" data-severity=\"\(f.severity.rawValue)\" data-check=\"\(H.escape(f.checkId.rawValue))\">"
                body += "<td><span class=\"badge \(f.status.rawValue)\">\(f.status.rawValue)</span>"
                if let cause = f.notEvaluatedCause {
                    body +=
                        "<br><span class=\"muted\" data-cause=\"\(cause.rawValue)\">\(cause == .unreadable ? "could not be read" : "out of scope")</span>"
                }
                body += "</td>"
                body +=
                    "<td class=\"sev-\(f.severity.rawValue)\">\(f.severity.rawValue)</td><td>\(f.accountId)\(f.region.map { "<br><span class=\"muted\">\(H.escape($0))</span>" } ?? "")</td>"
                body +=
                    "<td><div>\(H.escape(f.message))</div><details><summary><code>\(H.escape(f.checkId.rawValue))</code> · \(H.escape(AuditReportContext.title(f.checkId)))</summary>"
                body +=
                    "<p><b>Fix:</b> \(H.escape(f.remediation))</p><p class=\"muted\">Resource: <code>\(H.escape(f.resource))</code></p>"
                let mapped = f.compliance.sorted { $0.key < $1.key }.map {
                    "\($0.key) \($0.value.joined(separator: ", "))"
                }
                body += "<p class=\"muted\">\(H.escape(mapped.joined(separator: " · ")))</p>"
                if !f.evidence.isEmpty { body += "<pre>\(H.escape(evidenceText(f.evidence)))</pre>" }
                body += "</details></td></tr>"
            }
            body += "</tbody></table></section>"
        }
        return H.page(title: "rootguard audit · \(context.subject)", body: body)
    }

    static func evidenceText(_ evidence: [String: JSONValue]) -> String {
        let encoder = JSONText.encoder(.pretty)
        return (try? String(decoding: encoder.encode(evidence), as: UTF8.self)) ?? ""
    }

    /// Accounts × ROOT-BP practices, each cell the worst status.
    static func matrix(_ report: ReportV1, organization: OrganizationSnapshot) -> String {
        let management = organization.management.account.accountID
        let accounts = [management] + organization.members.map(\.accountID)
        let names = Dictionary(organization.members.map { ($0.accountID, $0.name) }, uniquingKeysWith: { a, _ in a })
        let byAccount = Dictionary(grouping: report.findings, by: \.accountId)
        var out = "<h2>Organization \(H.escape(organization.organizationID)) · \(accounts.count) accounts</h2>"
        out += "<table class=\"grid\"><thead><tr><th>Account</th><th>Name</th>"
        out +=
            PracticeID.all.map { "<th title=\"\(H.escape(Practices.title($0)))\">\($0)</th>" }.joined()
            + "</tr></thead><tbody>"
        for account in accounts {
            let findings = byAccount[account] ?? []
            out +=
                "<tr data-account=\"\(account)\"><td><code>\(account)</code></td><td>\(account == management ? "(management)" : H.escape(names[account] ?? ""))</td>"
            for practice in PracticeID.all {
                let statuses = findings.filter { $0.practices.contains(practice) }.map(\.status)
                let (code, label) =
                    statuses.contains(.fail)
                    ? ("F", "FAIL")
                    : statuses.contains(.notEvaluated)
                        ? ("Q", "NOT_EVALUATED")
                        : statuses.contains(.manual)
                            ? ("M", "MANUAL") : statuses.contains(.pass) ? ("P", "PASS") : ("N", "—")
                out +=
                    "<td class=\"cell c-\(code)\" title=\"ROOT-BP \(practice): \(label)\">\(code == "P" ? "✓" : code == "N" ? "·" : code == "Q" ? "?" : code)</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    public static func trail(_ report: TrailReport, generatedAt: Date, version: String) -> String {
        var sink = StringSink()
        try? trail(report, generatedAt: generatedAt, version: version, into: &sink)  // a StringSink does not fail
        return sink.text
    }

    /// The page written in pieces: the detections table row by row.
    public static func trail(
        _ report: TrailReport, generatedAt: Date, version: String, into sink: inout some TextSink
    ) throws {
        try sink.write(H.pageHead(title: "rootguard trail"))
        var body = "<header><h1>rootguard trail · root activity</h1>"
        body +=
            "<div class=\"muted\">Generated \(H.escape(FormatSupport.iso(generatedAt))) by rootguard \(H.escape(version)) · \(report.stats.inputs) inputs, \(report.stats.records) records</div></header>"
        body += "<div class=\"cards\"><div class=\"card\">Detections<b>\(report.detections.count)</b></div>"
        body += "<div class=\"card\">Unexpected<b id=\"unexpected\">\(report.unexpectedCount)</b></div>"
        body += "<div class=\"card\">Accounts<b>\(report.accounts.count)</b></div>"
        body += "<div class=\"card\">Inputs with problems<b>\(Set(report.problems.map(\.input)).count)</b></div></div>"
        body += "<h2>Timeline</h2>" + timeline(report)
        body +=
            "<h2>By account</h2><table><thead><tr><th>Account</th><th>First seen</th><th>Last seen</th><th>Detections</th><th>Unexpected</th><th>MFA</th><th>Source IPs</th><th>User agents</th></tr></thead><tbody>"
        for a in report.accounts {
            body +=
                "<tr><td><code>\(H.escape(a.accountId))</code></td><td>\(FormatSupport.iso(a.firstSeen))</td><td>\(FormatSupport.iso(a.lastSeen))</td><td>\(a.detections)</td><td>\(a.unexpected)</td><td>\(H.escape(a.mfaUsed))</td><td>\(H.escape(a.sourceIPs.joined(separator: ", ")))</td><td>\(H.escape(a.userAgents.joined(separator: " | ")))</td></tr>"
        }
        body += "</tbody></table><h2>Detections</h2>"
        body +=
            "<table><thead><tr><th>Time (UTC)</th><th>Account</th><th>Severity</th><th>Detection</th><th>Event</th><th>Expected</th><th>Source IP</th><th>User agent</th><th>MFA</th></tr></thead><tbody>"
        try sink.write(body)
        body = ""
        for d in report.detections {
            try sink.write(row(d))
        }
        body += "</tbody></table>"
        if !report.problems.isEmpty {
            body += "<h2>Inputs with problems</h2><table><tbody>"
            for p in report.problems {
                body += "<tr><td><code>\(H.escape(p.input))</code></td><td>\(H.escape(p.message))</td></tr>"
            }
            body += "</tbody></table>"
        }
        try sink.write(body + H.pageTail)
    }

    /// One detection's row in the trail page's table.
    static func row(_ d: Detection) -> String {
        var body = ""
        let status = d.expected ? "PASS" : "FAIL"
        body +=
            "<tr data-status=\"\(status)\" data-severity=\"\(d.severity.rawValue)\" data-detection=\"\(H.escape(d.detection))\">"
        body +=
            "<td>\(FormatSupport.iso(d.eventTime))</td><td><code>\(H.escape(d.accountId))</code><br><span class=\"muted\">\(H.escape(d.region))</span></td>"
        body +=
            "<td class=\"sev-\(d.severity.rawValue)\">\(d.severity.rawValue)</td><td><code>\(H.escape(d.detection))</code><br>\(H.escape(d.title))</td>"
        body += "<td>\(H.escape(d.eventName))<br><span class=\"muted\">\(H.escape(d.eventSource))</span></td>"
        body +=
            "<td>\(d.expected ? "yes (\(H.escape(d.approval ?? "")))" : "<b>NO</b>")</td><td>\(H.escape(d.sourceIPAddress ?? "-"))</td><td>\(H.escape(d.userAgent ?? "-"))</td><td>\(d.mfaUsed.map { $0 ? "yes" : "no" } ?? "-")</td></tr>"
        return body
    }

    /// One row per account, one dot per detection at its time, coloured by severity.
    static func timeline(_ report: TrailReport) -> String {
        guard let first = report.detections.map(\.eventTime).min(), let last = report.detections.map(\.eventTime).max()
        else { return "<p class=\"muted\">No root activity.</p>" }
        let accounts = report.accounts.map(\.accountId)
        let row = Dictionary(accounts.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let width = 1000.0
        let left = 120.0
        let height = Double(max(1, accounts.count)) * 26 + 30
        let span = max(last.timeIntervalSince(first), 1)
        let colours: [Severity: String] = [
            .critical: "#a40e26", .high: "#cf222e", .medium: "#bf8700", .low: "#6e7781", .info: "#afb8c1",
        ]
        var svg =
            "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"Root activity over time\">"
        for (i, account) in accounts.enumerated() {
            let y = Double(i) * 26 + 18
            svg +=
                "<text x=\"0\" y=\"\(y + 4)\">\(H.escape(account))</text><line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#d0d7de\"/>"
        }
        for d in report.detections {
            let x = left + (width - left - 20) * d.eventTime.timeIntervalSince(first) / span
            let y = Double(row[d.accountId] ?? 0) * 26 + 18
            svg +=
                "<circle cx=\"\(String(format: "%.1f", x))\" cy=\"\(y)\" r=\"\(d.expected ? 4 : 6)\" fill=\"\(colours[d.severity]!)\" fill-opacity=\"\(d.expected ? 0.4 : 0.9)\"><title>\(H.escape("\(FormatSupport.iso(d.eventTime)) \(d.detection) \(d.eventName)\(d.expected ? " (expected)" : "")"))</title></circle>"
        }
        svg +=
            "<text x=\"\(left)\" y=\"\(height - 4)\">\(FormatSupport.iso(first))</text><text x=\"\(width - 10)\" y=\"\(height - 4)\" text-anchor=\"end\">\(FormatSupport.iso(last))</text></svg>"
        return svg
    }

    public static func diff(_ diff: ReportDiff) -> String {
        var body =
            "<header><h1>rootguard diff</h1><div class=\"muted\">\(FormatSupport.iso(diff.oldGeneratedAt)) → \(FormatSupport.iso(diff.newGeneratedAt))</div></header>"
        body +=
            "<div class=\"cards\"><div class=\"card\">New failures<b id=\"new-failures\">\(diff.newFailures.count)</b></div><div class=\"card\">Coverage lost<b id=\"coverage-lost\">\(diff.coverageLost.count)</b></div><div class=\"card\">Fixed<b>\(diff.fixed.count)</b></div><div class=\"card\">Still failing<b>\(diff.stillFailing.count)</b></div></div>"
        body += "<p id=\"verdict\">\(H.escape(DiffRenderer.summary(diff)))</p>"
        for (title, entries) in [
            ("New failures", diff.newFailures), ("Coverage lost: judged before, not evaluated now", diff.coverageLost),
            ("Fixed", diff.fixed), ("Still failing", diff.stillFailing),
            ("Failing before, not reported now", diff.noLongerReported),
        ] {
            body +=
                "<h2>\(title) (\(entries.count))</h2><table><thead><tr><th>Account</th><th>Check</th><th>Severity</th><th>Was</th><th>Now</th><th>Message</th></tr></thead><tbody>"
            for e in entries {
                body +=
                    "<tr data-check=\"\(H.escape(e.checkId.rawValue))\"><td><code>\(e.accountId)</code></td><td><code>\(H.escape(e.checkId.rawValue))</code></td><td class=\"sev-\(e.severity.rawValue)\">\(e.severity.rawValue)</td><td>\(e.oldStatus?.rawValue ?? "absent")</td><td>\(e.newStatus?.rawValue ?? "absent")</td><td>\(H.escape(e.message))</td></tr>"
            }
            body += "</tbody></table>"
        }
        return H.page(title: "rootguard diff", body: body)
    }
}
