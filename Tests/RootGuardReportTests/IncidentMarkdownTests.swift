import Foundation
import RootGuardModel
import RootGuardTrail
import Testing

@testable import RootGuardReport

/// The incident report in Markdown: hostile log fields stay data, the table stays a table, and what a person must do
/// depends on whether root can be reached through a privileged session.
@Suite("incident report (Markdown)")
struct IncidentMarkdownTests {
    static let hostile = "evil|`x```\n</table><script>alert(1)</script>\u{1B}[2J"

    static func incident() -> Incidents.Incident {
        let session = Incidents.Session(
            kind: .console, key: "e-1", first: Date(timeIntervalSince1970: 1_796_000_000),
            last: Date(timeIntervalSince1970: 1_796_000_600), sourceIPs: [hostile], userAgents: [hostile], mfa: false,
            taskPolicy: nil, caller: nil, approved: false, eventIDs: ["e-1"], eventNames: ["ConsoleLogin", hostile])
        return Incidents.Incident(
            account: "222233334444", first: session.first, last: session.last, sessions: [session], unexpected: 2)
    }

    @Test func hostileFieldsCannotBreakTheTableTheFenceOrTheTerminal() {
        let report = IncidentReport(
            incident: Self.incident(), artifacts: [],
            containment: [.init(title: Self.hostile, before: "open: \(Self.hostile)", step: "planned", after: nil)],
            context: .init(
                rootEmail: "root```@example.com", accountName: Self.hostile, securityContact: Self.hostile,
                custody: [Self.hostile], memberWithRootSessions: false,
                generatedAt: Date(timeIntervalSince1970: 1_796_001_000)))
        let text = IncidentMarkdown.render(report)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let table = lines.filter { $0.hasPrefix("| ") }
        #expect(table.count == 6, "header, rule and one row for sessions and for containment: \(table)")
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\n</table>"))
        // The case text's fence is longer than the backticks inside it.
        #expect(lines.contains("````text") && lines.contains("````"))
        #expect(text.contains("Sign in as root"))
        #expect(text.contains("**no**"))
    }

    @Test func aMemberWithRootSessionsIsNotSentToSignInAsRoot() {
        let text = IncidentMarkdown.render(
            IncidentReport(
                incident: Self.incident(), artifacts: [],
                context: .init(
                    rootEmail: nil, securityContact: nil, memberWithRootSessions: true, generatedAt: Date())))
        #expect(!text.contains("Sign in as root"))
        #expect(text.contains("none registered (ROOT-BP 10)"))
        #expect(text.contains("Root e-mail: (not known)"))
    }
}
