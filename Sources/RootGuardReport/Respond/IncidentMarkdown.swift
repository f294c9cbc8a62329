import Foundation
import RootGuardModel
import RootGuardTrail

/// An incident as Markdown for the people who must act on it: summary, sessions, what the sessions left behind, what
/// remains for a human, the AWS Support case text, whom to call, and the questions the practices ask before anyone
/// calls the activity expected. Every value from logs or AWS is shown as code (control characters escaped, `|` and
/// backticks unable to break the table or the span), never as Markdown or HTML.
public enum IncidentMarkdown {
    public struct Context: Sendable {
        public var rootEmail: String?
        /// The SECURITY alternate contact ("name, e-mail, phone").
        public var securityContact: String?
        /// Whether the account is a member whose root credentials rootguard can remove (centralised root access).
        public var memberWithRootSessions: Bool
        public var generatedAt: Date

        public init(rootEmail: String?, securityContact: String?, memberWithRootSessions: Bool, generatedAt: Date) {
            self.rootEmail = rootEmail
            self.securityContact = securityContact
            self.memberWithRootSessions = memberWithRootSessions
            self.generatedAt = generatedAt
        }
    }

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

    public static func render(
        _ incident: Incidents.Incident, aftermath: [SessionAftermath.Artifact], context: Context
    ) -> String {
        var out: [String] = []
        let time = { (date: Date) in TimeArgument.format(date) }
        out.append("# Root incident in account \(code(incident.account))")
        out.append("")
        out.append(
            "Root activity from \(time(incident.first)) to \(time(incident.last)): "
                + "\(incident.sessions.count) session\(incident.sessions.count == 1 ? "" : "s"), "
                + "\(incident.unexpected) detection\(incident.unexpected == 1 ? "" : "s") no approval covers. "
                + "Report written \(time(context.generatedAt)).")
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
        out.append("## What the sessions left behind")
        out.append("")
        if aftermath.isEmpty {
            out.append("Nothing in the records: no identity, credential, permission or monitoring change succeeded.")
        } else {
            for artifact in aftermath {
                out.append(
                    "- \(artifact.eventTime) \(code(artifact.summary))\(artifact.isMonitoring ? " — monitoring" : "")")
            }
        }
        out.append("")
        out.append("## What remains for a person")
        out.append("")
        if context.memberWithRootSessions {
            out.append(
                "- Remove root's credentials: `rootguard root-task delete-credentials --account \(incident.account) "
                    + "--reason \"incident\" --approvals approvals.yaml --apply`.")
        } else {
            out.append("- Sign in as root (this account's root cannot be reached through a privileged session).")
            out.append("- Change the root password and review every MFA device; remove any you do not hold.")
            out.append("- Delete root access keys and signing certificates.")
        }
        out.append("- Contain what the sessions left behind (above), then audit again: `rootguard audit`.")
        out.append("- Open an AWS Support case (Account and billing → Security) with the text below.")
        out.append("")
        out.append("## AWS Support case")
        out.append("")
        let addresses = Set(incident.sessions.flatMap(\.sourceIPs)).sorted()
        let caseText = [
            "Subject: Suspected unauthorised root user activity in account \(incident.account)",
            "Account: \(incident.account)",
            "Root e-mail: \(TerminalSafe.escape(context.rootEmail ?? "(not known)"))",
            "Activity: \(time(incident.first)) to \(time(incident.last)) (UTC)",
            "Source addresses: "
                + (addresses.isEmpty ? "(none recorded)" : TerminalSafe.escape(addresses.joined(separator: ", "))),
            "We believe the root user's credentials were used without authorisation. Please help us secure",
            "the account and review its activity.",
        ]
        // A fence longer than any run of backticks in the text: nothing inside can close it.
        let longest = caseText.joined().split(whereSeparator: { $0 != "`" }).map(\.count).max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        out.append(fence + "text")
        out += caseText
        out.append(fence)
        out.append("")
        out.append("## Whom to call")
        out.append("")
        out.append("- Security contact: \(context.securityContact.map(code) ?? "none registered (ROOT-BP 10)")")
        out.append("- The custodians of the root password and MFA devices (attestations, ROOT-BP 12).")
        out.append("")
        out.append("## Before calling it expected")
        out.append("")
        out.append("- Was this root use planned, and by whom? Is there a ticket or an approval for this window?")
        out.append("- Do the addresses and user agents belong to your people and networks?")
        out.append("- Was MFA used, with a device your custodians hold?")
        out.append("- Does every change above have an owner who meant to make it?")
        return out.joined(separator: "\n") + "\n"
    }
}
