import Foundation
import RootGuardChecks
import RootGuardFiles
import RootGuardModel
import RootGuardReport
import RootGuardTrail
import Testing

/// The HTML reports opened in a real headless Chromium (Debian's `chromium`, installed by
/// Scripts/install-test-deps.sh): the page's script runs without an error, every check id is in the DOM, and a
/// screenshot is kept under `.build/test-artifacts/` for a person to look at.
@Suite("HTML reports in headless Chromium", .serialized)
struct HTMLBrowserTests {
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts")

    static var chromium: String? {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// Loads the page and returns the DOM after its script ran.
    static func render(_ html: String, name: String) throws -> String {
        let browser = try #require(chromium, "chromium is not installed: run Scripts/install-test-deps.sh")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let page = artifacts.appendingPathComponent("\(name).html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let common = [
            browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("rg-chromium-\(UUID().uuidString)").path)",
        ]
        let (status, dom, errors) = try Run.program(
            common + [
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom", page.absoluteString,
            ])
        #expect(status == 0, "chromium failed: \(errors.suffix(500))")
        #expect(!errors.contains("Uncaught"), "script error: \(errors.suffix(800))")
        _ = try Run.program(
            common + [
                "--hide-scrollbars", "--window-size=1400,1600",
                "--screenshot=\(artifacts.appendingPathComponent("\(name).png").path)", page.absoluteString,
            ])
        return dom
    }

    @Test func theAuditReportsLoadWithoutErrorsAndShowEveryCheck() throws {
        for (name, report, context) in try Reports.all {
            let dom = try Self.render(HTMLRenderer.audit(report, context: context), name: "audit-\(name)")
            #expect(dom.contains(#"data-ready="ok""#), "\(name): the page's script did not finish")
            #expect(!dom.contains("data-error="), "\(name): the page reported a script error")
            for id in Set(report.findings.map(\.checkId)) {
                #expect(dom.contains(#"data-check="\#(id.rawValue)""#), "\(name): \(id) is not in the DOM")
            }
            if context.organization != nil {
                #expect(dom.contains(#"data-account="222222222222""#) && dom.contains("class=\"grid\""))
            }
        }
        #expect(
            FileManager.default.fileExists(atPath: Self.artifacts.appendingPathComponent("audit-insecure.png").path))
    }

    @Test func theTrailReportShowsTheTimelineAndEveryDetection() async throws {
        let report = await Reports.trail()
        let dom = try Self.render(HTMLRenderer.trail(report, generatedAt: Date(), version: "test"), name: "trail")
        #expect(dom.contains(#"data-ready="ok""#))
        #expect(dom.contains(#"<svg id="timeline""#))
        #expect(dom.components(separatedBy: "<circle").count - 1 == report.detections.count)
        for detection in Set(report.detections.map(\.detection)) {
            #expect(dom.contains(#"data-detection="\#(detection)""#))
        }
    }

    @Test func hostileTextIsShownNeverExecuted() throws {
        var (report, context) = try Reports.account(.insecure)
        let payload =
            #"</td><script>document.body.dataset.error='injected'</script><img src=x onerror="document.body.dataset.error='img'">"#
        report.findings[0].message = payload + "\u{1B}[2J\u{202E}"
        report.findings[1].evidence = ["x": .string(payload)]
        context.subject = "account <b>bold</b>"
        let html = HTMLRenderer.audit(report, context: context)
        #expect(!html.contains("<script>document"))
        #expect(!html.contains("<img"))
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        let dom = try Self.render(html, name: "audit-hostile")
        #expect(dom.contains(#"data-ready="ok""#))
        #expect(!dom.contains("data-error"))
        #expect(dom.contains("&lt;script&gt;document.body.dataset.error"))
    }

    @Test func theDiffReportLoads() throws {
        let (old, _) = try Reports.account(.insecure)
        let (new, _) = try Reports.account(.hardened)
        let dom = try Self.render(HTMLRenderer.diff(ReportDiff(old: old, new: new)), name: "diff")
        #expect(dom.contains(#"data-ready="ok""#))
        #expect(dom.contains(#"id="new-failures""#))
    }

    @Test func theIncidentReportShowsHostileRecordFieldsNeverExecutesThem() throws {
        let payload =
            #"</td><script>document.body.dataset.error='injected'</script><img src=x onerror="document.body.dataset.error='img'">"#
        let hostile = payload + "\u{1B}[2J\u{202E}"
        // Hostile values in every field a record carries into the report: user and role names, addresses, agents.
        let text = """
            {"eventVersion":"1.09","eventSource":"iam.amazonaws.com","eventName":"CreateUser",\
            "eventTime":"2026-12-05T09:00:00Z","eventID":"e-1","awsRegion":"us-east-1","recipientAccountId":"222233334444",\
            "userIdentity":{"type":"Root","arn":"arn:aws:iam::222233334444:root","accountId":"222233334444"},\
            "requestParameters":{"userName":\(try JSONText.string(hostile, .compact))},"responseElements":null}
            """
        let event = try #require(
            CloudTrailEvent(json: try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), source: "test"))
        let artifacts = SessionAftermath.artifacts(in: [event])
        #expect(artifacts.count == 1)
        let session = Incidents.Session(
            kind: .console, key: hostile, first: Date(timeIntervalSince1970: 1_796_000_000),
            last: Date(timeIntervalSince1970: 1_796_000_600), sourceIPs: [hostile], userAgents: [hostile], mfa: false,
            taskPolicy: nil, caller: nil, approved: false, eventIDs: ["e-1"], eventNames: ["CreateUser", hostile])
        let report = IncidentReport(
            incident: .init(
                account: "222233334444", first: session.first, last: session.last, sessions: [session], unexpected: 2),
            artifacts: artifacts,
            containment: [.init(title: artifacts[0].summary, before: "open: \(hostile)", step: "planned", after: nil)],
            forPeople: [hostile],
            context: .init(
                rootEmail: hostile, accountName: hostile, securityContact: hostile, custody: [hostile],
                memberWithRootSessions: false, generatedAt: Date(), unreadable: [hostile]),
            commands: ["rootguard respond --account 222233334444 --apply"])
        let html = IncidentHTML.render([report], version: "test")
        #expect(!html.contains("<script>document"))
        #expect(!html.contains("<img"))
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        let dom = try Self.render(html, name: "respond-hostile")
        #expect(dom.contains(#"data-ready="ok""#))
        #expect(!dom.contains("data-error"))
        #expect(dom.contains(#"data-account="222233334444""#))
        #expect(dom.contains("&lt;script&gt;document.body.dataset.error"))
        #expect(
            dom.contains("Suspected unauthorised root user activity in account 222233334444\nAccount: 222233334444"))
        #expect(!dom.contains(#"\nAccount:"#), "the case text keeps its lines")
        #expect(dom.contains("Audit again: <code>rootguard audit</code>"))
    }
}
