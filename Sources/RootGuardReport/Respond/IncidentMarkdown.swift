import Foundation
import RootGuardModel
import RootGuardTrail

/// An incident as Markdown for the people who must act on it: summary, sessions, what the sessions left behind, what
/// remains for a human, the AWS Support case text, whom to call, and the questions the practices ask before anyone
/// calls the activity expected. Every value from logs or AWS is shown as code (control characters escaped, `|` and
/// backticks unable to break the table or the span), never as Markdown or HTML.
public enum IncidentMarkdown {
    /// An untrusted value as inline code: escaped for the terminal's invisible characters, in a fence longer than any
    /// run of backticks inside, with `|` escaped for tables.
    static func code(_ text: String) -> String {
        let safe = TerminalSafe.escape(text).replacingOccurrences(of: "|", with: "\\|")
        var longest = 0
        var run = 0
        for character in safe {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = safe.hasPrefix("`") || safe.hasSuffix("`") ? " " : ""
        return fence + pad + safe + pad + fence
    }

    public static func render(_ report: IncidentReport) -> String {
        let incident = report.incident
        let context = report.context
        var out: [String] = []
        let time = { (date: Date) in TimeArgument.format(date) }
        let evidence = report.evidence
        if evidence.status != "not-checked" {
            out.append("> **\(evidence.headline)**")
            out.append("")
        }
        out.append(
            report.isReview
                ? "# Root activity review in account \(code(incident.account))"
                : "# Root incident in account \(code(incident.account))")
        out.append("")
        out.append(
            "Root activity from \(time(incident.first)) to \(time(incident.last)): "
                + "\(Wording.plural(incident.sessions.count, "session")), "
                + "\(Wording.plural(incident.unexpected, "detection")) no approval covers. "
                + "Report written \(time(context.generatedAt)) (\(report.mode))."
                + (report.isReview
                    ? " Every session is covered by an approval: this is a review, not an incident." : ""))
        out.append("")
        out.append("- Account name: \(context.accountName.map(code) ?? "(not known)")")
        out.append("- Root e-mail: \(context.rootEmail.map(code) ?? "(not known)")")
        for line in context.unreadable { out.append("- Not read: \(code(line))") }
        out.append("")
        out.append("## Sessions")
        out.append("")
        out.append("| kind | key | from | to | addresses | MFA | approved | actions |")
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for session in incident.sessions {
            let mfa = session.mfa.map { $0 ? "yes" : "**no**" } ?? "unknown"
            let names =
                session.eventNames.prefix(8).map(code).joined(separator: ", ")
                + (session.eventNames.count > 8 ? ", … (\(session.eventNames.count))" : "")
            out.append(
                "| \(session.kind.rawValue) | \(code(session.key)) | \(time(session.first)) | \(time(session.last)) | "
                    + "\(session.sourceIPs.map(code).joined(separator: ", ")) | \(mfa) | "
                    + "\(session.approved ? "yes" : "**no**") | \(names) |")
        }
        out.append("")
        out.append("## What the unapproved sessions left behind")
        out.append("")
        if report.artifacts.isEmpty {
            out.append(
                report.isReview
                    ? "Nothing to contain: every session was approved (their changes are for the review above)."
                    : "Nothing in the records: no unapproved session changed an identity, credential, permission or monitoring setting."
            )
        } else {
            for artifact in report.artifacts {
                out.append(
                    "- \(code(artifact.eventTime)) \(code(artifact.summary))\(artifact.isMonitoring ? " — monitoring" : "")"
                )
            }
        }
        out.append("")
        out.append("## Containment")
        out.append("")
        if report.containment.isEmpty {
            out.append("Nothing for rootguard to contain.")
        } else {
            out.append("| item | before | step | after |")
            out.append("| --- | --- | --- | --- |")
            for item in report.containment {
                out.append(
                    "| \(code(item.title)) | \(code(item.before)) | \(code(item.step)) | \(item.after.map(code) ?? "—") |"
                )
            }
        }
        if !report.collateral.isEmpty {
            out.append("")
            out.append("## Kept before containment: review and restore")
            out.append("")
            for item in report.collateral {
                out.append(
                    "- \(code(item.what)): \(code(item.step)). Restore: \(code(item.restore)). Kept in \(code(item.file))."
                )
            }
        }
        if !report.integrity.isEmpty {
            out.append("")
            out.append("## Log file integrity")
            out.append("")
            for result in report.integrity {
                out.append(
                    "- \(result.verdict.rawValue) \(result.kind.rawValue): \(code(result.location))\(result.reason.isEmpty ? "" : " — \(code(result.reason))")"
                )
            }
        }
        out.append("")
        out.append("## What remains for a person")
        out.append("")
        for step in report.personSteps { out.append("- \(TerminalSafe.escape(step))") }
        for command in report.commands { out.append("- \(code(command))") }
        if report.mode == "dry run" && report.nothingToApply {
            out.append("- Nothing is left to apply: every item rootguard can contain is contained.")
        }
        out.append("")
        out.append("## AWS Support case")
        out.append("")
        // Control characters in any field (an account id from a detections file, a name) shown, never acting.
        let caseText = report.supportCase.map(TerminalSafe.escape)
        if caseText.isEmpty { out.append("Not needed: every session was approved.") }
        // A fence longer than any run of backticks in the text: nothing inside can close it.
        let longest = caseText.joined().split(whereSeparator: { $0 != "`" }).map(\.count).max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        if !caseText.isEmpty {
            out.append(fence + "text")
            out += caseText
            out.append(fence)
        }
        out.append("")
        out.append("## Whom to call")
        out.append("")
        out.append("- Security contact: \(context.securityContact.map(code) ?? "none registered (ROOT-BP 10)")")
        if context.custody.isEmpty {
            out.append("- The custodians of the root password and MFA devices: none attested (ROOT-BP 12).")
        } else {
            for line in context.custody { out.append("- Custodian: \(code(line))") }
        }
        out.append("")
        out.append("## Before calling it expected")
        out.append("")
        for question in IncidentReport.validationQuestions { out.append("- \(question)") }
        return out.joined(separator: "\n") + "\n"
    }
}
