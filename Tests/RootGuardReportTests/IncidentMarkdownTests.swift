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

    static func approved() -> Incidents.Incident {
        var incident = incident()
        incident.sessions[0].approved = true
        incident.unexpected = 0
        return incident
    }

    static func artifact(
        _ kind: SessionAftermath.Artifact.Kind, _ resource: String, _ summary: String
    )
        -> SessionAftermath.Artifact
    {
        .init(
            kind: kind, resource: resource, owner: nil, summary: summary, account: "222233334444", region: "us-east-1",
            eventName: "x", eventID: "e-\(resource)", eventTime: "2026-12-01T00:00:0\(resource.count % 10)Z")
    }

    /// An account whose only sessions were approved is a review: no "incident", no Support text claiming
    /// unauthorised use, no claim that nothing succeeded (it had been titled "Root incident" with both).
    @Test func onlyApprovedSessionsAreAReviewNotAnIncident() {
        let report = IncidentReport(
            incident: Self.approved(), artifacts: [],
            context: .init(rootEmail: nil, securityContact: nil, memberWithRootSessions: true, generatedAt: Date()))
        let text = IncidentMarkdown.render(report)
        #expect(text.contains("# Root activity review in account `222233334444`"))
        #expect(!text.contains("Root incident") && !text.contains("unauthorised"))
        #expect(!text.contains("succeeded"))
        #expect(text.contains("Not needed: every session was approved."))
        #expect(report.supportCase.isEmpty)
        let html = IncidentHTML.render([report], version: "test")
        #expect(html.contains("review (every session approved)") && !html.contains("unauthorised"))
    }

    /// A dry run after containment shows contained items as contained and says nothing is left to apply (the HTML
    /// had shown "Still open 6", the Markdown had still said to run --apply).
    @Test func aDryRunAfterContainmentSaysNothingIsLeft() {
        let contained = (0..<6).map {
            IncidentReport.Containment(
                title: "item \($0)", before: "contained: rootguard-quarantine attached", step: "not needed", after: nil)
        }
        let report = IncidentReport(
            incident: Self.incident(), artifacts: [], containment: contained,
            context: .init(rootEmail: nil, securityContact: nil, memberWithRootSessions: true, generatedAt: Date()),
            mode: "dry run", commands: [])
        #expect(report.nothingToApply)
        #expect(contained.allSatisfy { !$0.isOpen })
        let html = IncidentHTML.render([report], version: "test")
        #expect(html.contains(#"Still open<b class="open">0</b>"#), "\(html)")
        let text = IncidentMarkdown.render(report)
        #expect(text.contains("Nothing is left to apply") && !text.contains("--apply"))
        var pending = report
        pending.containment[0] = .init(title: "key", before: "open: Active", step: "planned", after: nil)
        #expect(!pending.nothingToApply && pending.containment[0].isOpen)
    }

    /// The Support case lists every root change, the e-mail change among them; "what remains" names what each
    /// credential and role the session created did, and how long root's session stays valid.
    @Test func theSupportCaseAndWhatRemainsAreSpecificToTheIncident() {
        let artifacts = [
            Self.artifact(.rootEmail, "new-root@evil.example", "changed the root e-mail to new-root@evil.example"),
            Self.artifact(.accessKey, "AKIABACKDOOR00000001", "created access key AKIABACKDOOR00000001 for backup"),
            Self.artifact(.role, "vendor-access", "created role vendor-access trusting arn:aws:iam::999988887777:root"),
        ]
        let report = IncidentReport(
            incident: Self.incident(), artifacts: artifacts,
            context: .init(
                rootEmail: "root@example.com", securityContact: nil, memberWithRootSessions: false, generatedAt: Date())
        )
        let support = report.supportCase.joined(separator: "\n")
        #expect(support.contains("Root e-mail: root@example.com"))
        #expect(support.contains("changed the root e-mail to new-root@evil.example"))
        #expect(support.contains("created role vendor-access"))
        let steps = report.personSteps.joined(separator: "\n")
        #expect(steps.contains("AttributeKey=AccessKeyId,AttributeValue=AKIABACKDOOR00000001"))
        #expect(steps.contains("AttributeKey=ResourceName,AttributeValue=vendor-access"))
        #expect(steps.contains("console session signed in at"))
    }
}
