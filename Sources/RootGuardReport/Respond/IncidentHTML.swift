import Foundation
import RootGuardModel
import RootGuardTrail

/// The incident as one self-contained HTML page in the audit report's style (the same frame, CSS and script; nothing
/// fetched): summary cards, the sessions, what they left behind, the containment with its before and after, what
/// remains for a person, the AWS Support case text, whom to call and the validation questions. Every value from logs
/// or AWS is escaped.
public enum IncidentHTML {
    typealias H = HTMLPage

    public static func render(_ reports: [IncidentReport], version: String) -> String {
        let evidence = IncidentReport.Evidence(Array(Set(reports.flatMap(\.integrity))))
        var body = ""
        if evidence.status != "not-checked" {
            body +=
                "<p class=\"evidence evidence-\(evidence.status)\" role=\"alert\">\(H.escape(evidence.headline))</p>"
        }
        body += "<header><h1>rootguard respond · root incident</h1>"
        let generated = reports.first?.context.generatedAt ?? Date()
        body +=
            "<div class=\"muted\">Generated \(H.escape(FormatSupport.iso(generated))) by rootguard \(H.escape(version)) · \(Wording.plural(reports.count, "account"))</div></header>"
        if reports.isEmpty { body += "<p>No root activity in scope: nothing to contain.</p>" }
        for report in reports { body += section(report) }
        return H.page(title: "rootguard respond", body: body)
    }

    static func code(_ text: String) -> String { "<code>\(H.escape(text))</code>" }

    /// rootguard's own text with `command` spans: escaped first, then each pair of backticks made a code element
    /// (escaped text holds no markup, so nothing from the input can become a tag).
    static func codeSpans(_ text: String) -> String {
        let parts = H.escape(text).split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count % 2 == 1 else { return H.escape(text) }
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }
            .joined()
    }

    static func section(_ report: IncidentReport) -> String {
        let incident = report.incident
        let open = report.containment.filter(\.isOpen)
        var body = "<section class=\"incident\" data-account=\"\(H.escape(incident.account))\">"
        body +=
            report.isReview
            ? "<h2>Account \(code(incident.account)) · review (every session approved)</h2>"
            : "<h2>Account \(code(incident.account))</h2>"
        body += "<div class=\"cards\"><div class=\"card\">Sessions<b>\(incident.sessions.count)</b></div>"
        body += "<div class=\"card\">Unexpected<b class=\"unexpected\">\(incident.unexpected)</b></div>"
        body += "<div class=\"card\">Left behind<b>\(report.artifacts.count)</b></div>"
        body += "<div class=\"card\">Still open<b class=\"open\">\(open.count)</b></div></div>"
        body += "<p>Root activity from \(FormatSupport.iso(incident.first)) to \(FormatSupport.iso(incident.last)) · "
        body += "root e-mail \(report.context.rootEmail.map(code) ?? "(not known)") · account name "
        body += "\(report.context.accountName.map(code) ?? "(not known)") · \(H.escape(report.mode))</p>"
        for line in report.context.unreadable { body += "<p class=\"muted\">Not read: \(H.escape(line))</p>" }
        body +=
            "<h3>Sessions</h3><table class=\"sessions\"><thead><tr><th>Kind</th><th>Key</th><th>From</th><th>To</th>"
        body +=
            "<th>Addresses</th><th>User agents</th><th>MFA</th><th>Approved</th><th>Actions</th></tr></thead><tbody>"
        for session in incident.sessions {
            let status = session.approved ? "PASS" : "FAIL"
            body +=
                "<tr data-status=\"\(status)\"><td>\(H.escape(session.kind.rawValue))</td><td>\(code(session.key))</td>"
            body += "<td>\(FormatSupport.iso(session.first))</td><td>\(FormatSupport.iso(session.last))</td>"
            body += "<td>\(session.sourceIPs.map(code).joined(separator: "<br>"))</td>"
            body += "<td>\(session.userAgents.map(code).joined(separator: "<br>"))</td>"
            body += "<td>\(session.mfa.map { $0 ? "yes" : "<b>no</b>" } ?? "unknown")</td>"
            body += "<td>\(session.approved ? "yes" : "<b>no</b>")</td>"
            body += "<td>\(session.eventNames.map(code).joined(separator: " "))</td></tr>"
        }
        body += "</tbody></table><h3>What the unapproved sessions left behind</h3>"
        if report.artifacts.isEmpty {
            body +=
                report.isReview
                ? "<p>Nothing to contain: every session was approved.</p>" : "<p>Nothing in the records.</p>"
        } else {
            body +=
                "<table class=\"artifacts\"><thead><tr><th>Time</th><th>What</th><th>Event</th><th>Region</th></tr></thead><tbody>"
            for artifact in report.artifacts {
                body += "<tr><td>\(H.escape(artifact.eventTime))</td><td>\(H.escape(artifact.summary))</td>"
                body += "<td>\(code(artifact.eventName))</td><td>\(H.escape(artifact.region))</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "<h3>Containment</h3>"
        if report.containment.isEmpty {
            body += "<p>Nothing for rootguard to contain.</p>"
        } else {
            body +=
                "<table class=\"containment\"><thead><tr><th>Item</th><th>Before</th><th>Step</th><th>After</th></tr></thead><tbody>"
            for item in report.containment {
                body += "<tr><td>\(H.escape(item.title))</td><td>\(H.escape(item.before))</td>"
                body += "<td>\(H.escape(item.step))</td><td>\(H.escape(item.after ?? "—"))</td></tr>"
            }
            body += "</tbody></table>"
        }
        if !report.collateral.isEmpty {
            body += "<h3>Kept before containment: review and restore</h3><table class=\"collateral\"><tbody>"
            for item in report.collateral {
                body += "<tr><td>\(H.escape(item.what))</td><td>\(H.escape(item.step))</td>"
                body += "<td>\(codeSpans(item.restore))</td><td>\(code(item.file))</td></tr>"
            }
            body += "</tbody></table>"
        }
        if !report.integrity.isEmpty {
            body += "<h3>Log file integrity</h3><table><tbody>"
            for result in report.integrity {
                body +=
                    "<tr><td>\(H.escape(result.verdict.rawValue))</td><td>\(code(result.location))</td><td>\(H.escape(result.reason))</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "<h3>What remains for a person</h3><ul>"
        for step in report.personSteps { body += "<li>\(codeSpans(step))</li>" }
        for command in report.commands { body += "<li>\(code(command))</li>" }
        if report.mode == "dry run" && report.nothingToApply {
            body += "<li>Nothing is left to apply: every item rootguard can contain is contained.</li>"
        }
        body += "</ul><h3>AWS Support case</h3>"
        body +=
            report.supportCase.isEmpty
            ? "<p>Not needed: every session was approved.</p>"
            : "<pre class=\"support-case\">" + report.supportCase.map(H.escape).joined(separator: "\n") + "</pre>"
        body += "<h3>Whom to call</h3><ul><li>Security contact: "
        body += "\(report.context.securityContact.map(code) ?? "none registered (ROOT-BP 10)")</li>"
        if report.context.custody.isEmpty {
            body += "<li>Custodians of the root password and MFA devices: none attested (ROOT-BP 12).</li>"
        }
        for line in report.context.custody { body += "<li>Custodian: \(code(line))</li>" }
        body += "</ul><h3>Before calling it expected</h3><ul>"
        for question in IncidentReport.validationQuestions { body += "<li>\(H.escape(question))</li>" }
        return body + "</ul></section>"
    }
}
