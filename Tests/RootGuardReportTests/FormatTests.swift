import Foundation
import RootGuardChecks
import RootGuardFiles
import RootGuardModel
import RootGuardTrail
import Testing

@testable import RootGuardReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Report formats: valid against their schemas or required-field tables")
struct FormatTests {
    static let fixtures = Golden.folder

    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func sarifIsValidAgainstTheOfficialSchemaAndFitForCodeScanning() throws {
        let schema = Self.fixtures.appendingPathComponent("sarif/sarif-schema-2.1.0.json")
        for (name, report, context) in try Reports.all {
            let text = try SARIFRenderer.render(report, context: context)
            #expect(try Run.validate(text, schema: schema) == nil, "\(name)")
            guard case .array(let runs)? = try Self.decode(text).at("runs"), case .object(let run)? = runs.first,
                case .array(let results)? = run["results"],
                case .array(let rules)? = JSONValue.object(run).at("tool.driver.rules")
            else {
                Issue.record("\(name): no run")
                continue
            }
            #expect(results.count == report.findings.filter { $0.status == .fail }.count, "\(name)")
            #expect(
                Set(rules.compactMap { if case .string(let id)? = $0.at("id") { id } else { nil } })
                    == Set(report.findings.map(\.checkId.rawValue)))
            for rule in rules {
                guard case .string(let severity)? = rule.at("properties.security-severity") else {
                    Issue.record("rule without security-severity")
                    continue
                }
                #expect(["9.5", "8.0", "5.5", "3.0", "1.0"].contains(severity))
                #expect(rule.at("help.text") != nil)
                // SARIF1001: a rule's name is a friendly name, not its id again.
                if case .string(let id)? = rule.at("id"), case .string(let ruleName)? = rule.at("name") {
                    #expect(ruleName != id && !ruleName.contains("-") && ruleName.first?.isUppercase == true)
                } else {
                    Issue.record("rule without id or name")
                }
            }
            // GitHub's upload takes the category from `category:` only when the file names no automationDetails.id.
            #expect(run["automationDetails"] == nil, "\(name)")
            for result in results {
                #expect(result.at("message.text") != nil)
                guard case .array(let locations)? = result.at("locations"), let location = locations.first,
                    case .string(let uri)? = location.at("physicalLocation.artifactLocation.uri")
                else {
                    Issue.record("result without a location")
                    continue
                }
                #expect(uri.hasPrefix("aws/") && !uri.contains("://"))
                #expect(location.at("physicalLocation.region.startLine") == .number(1))
                #expect(
                    result.at("partialFingerprints.rootguardFinding/v1") != nil
                        || result.at("partialFingerprints") != nil)
            }
        }
    }

    @Test func sarifFingerprintsAreStableAcrossRuns() throws {
        let (report, context) = try Reports.account(.insecure)
        var later = report
        later.generatedAt = report.generatedAt.addingTimeInterval(86_400)
        let a = try SARIFRenderer.render(report, context: context)
        let b = try SARIFRenderer.render(later, context: context)
        func prints(_ text: String) throws -> [String] {
            guard case .array(let runs)? = try Self.decode(text).at("runs"),
                case .array(let results)? = runs[0].at("results")
            else { return [] }
            return results.compactMap {
                guard case .object(let prints)? = $0.at("partialFingerprints") else { return nil }
                return prints.values.map { "\($0)" }.joined()
            }
        }
        #expect(try prints(a) == prints(b))
        #expect(Set(try prints(a)).count == (try prints(a)).count)
    }

    @Test func ocsfObjectsCarryEveryRequiredAttributeOfTheirClass() async throws {
        let table = try Self.decode(
            String(contentsOf: Self.fixtures.appendingPathComponent("schemas/ocsf-required.json"), encoding: .utf8))
        func check(_ text: String, classUID: Int, _ name: String) throws {
            guard case .array(let events) = try Self.decode(text),
                case .array(let required)? = table.at(String(classUID))
            else {
                Issue.record("\(name): not an array")
                return
            }
            var uids = Set<String>()
            for event in events {
                for case .string(let path) in required {
                    #expect(event.at(path) != nil && event.at(path) != .null, "\(name): \(path) missing")
                }
                #expect(event.at("class_uid") == .number(Double(classUID)))
                #expect(event.at("type_uid") == .number(Double(classUID * 100 + 1)))
                #expect(event.at("category_uid") == .number(2))
                #expect(event.at("cloud.provider") == "AWS")
                #expect(event.at("metadata.version") == .string(OCSFRenderer.version))
                if case .string(let uid)? = event.at("finding_info.uid") { uids.insert(uid) }
                if case .number(let time)? = event.at("time") { #expect(time > 1e12, "time is in milliseconds") }
            }
            #expect(uids.count == events.count, "\(name): finding_info.uid must be unique")
        }
        for (name, report, context) in try Reports.all {
            try check(try OCSFRenderer.audit(report, context: context), classUID: 2003, name)
        }
        let trail = await Reports.trail()
        #expect(!trail.detections.isEmpty)
        try check(try OCSFRenderer.trail(trail, generatedAt: Date(), version: "test"), classUID: 2004, "trail")
    }

    @Test func asffFindingsCarryEveryMemberBotocoreRequiresWithinAWSLimits() async throws {
        let table = try Self.decode(
            String(contentsOf: Self.fixtures.appendingPathComponent("schemas/asff-required.json"), encoding: .utf8))
        guard case .array(let required)? = table.at("required"), case .object(let limits)? = table.at("limits") else {
            Issue.record("bad table")
            return
        }
        func check(_ text: String, _ name: String, compliance: Bool) throws {
            guard case .array(let findings)? = try Self.decode(text).at("Findings") else {
                Issue.record("\(name): no Findings")
                return
            }
            #expect(!findings.isEmpty)
            var ids = Set<String>()
            for finding in findings {
                for case .string(let member) in required { #expect(finding.at(member) != nil, "\(name): \(member)") }
                for (member, limit) in limits {
                    if case .string(let value)? = finding.at(member), case .number(let max) = limit {
                        #expect(value.count <= Int(max), "\(name): \(member) over \(max)")
                    }
                }
                #expect(finding.at("SchemaVersion") == "2018-10-08")
                guard case .string(let product)? = finding.at("ProductArn"),
                    case .string(let account)? = finding.at("AwsAccountId")
                else { continue }
                #expect(
                    product.hasSuffix(":\(account):product/\(account)/default")
                        && product.hasPrefix("arn:aws:securityhub:"))
                #expect(finding.at("FindingProviderFields.Severity.Label") != nil)
                #expect(finding.at("Severity.Label") != nil)
                #expect(finding.at("Types") != nil)
                if case .array(let resources)? = finding.at("Resources") {
                    #expect(!resources.isEmpty)
                    for resource in resources { #expect(resource.at("Type") != nil && resource.at("Id") != nil) }
                }
                if compliance, case .string(let status)? = finding.at("Compliance.Status") {
                    #expect(["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"].contains(status))
                } else if compliance {
                    Issue.record("\(name): no Compliance.Status")
                }
                if case .string(let id)? = finding.at("Id") { ids.insert(id) }
            }
            #expect(ids.count == findings.count, "\(name): Ids must be unique")
        }
        for (name, report, context) in try Reports.all {
            try check(try ASFFRenderer.document(ASFFRenderer.audit(report, context: context)), name, compliance: true)
        }
        let trail = await Reports.trail()
        try check(
            try ASFFRenderer.document(
                ASFFRenderer.trail(trail, generatedAt: Date(), partition: "aws", region: "us-east-1")),
            "trail", compliance: false)
    }

    /// Streaming writes each detection as it is rendered; the bytes are those of encoding the whole document at once
    /// (checked on the example trail, on a report with no detection, and through a sink that sees small pieces).
    @Test func streamedTrailFormatsAreByteForByteTheWholeDocument() async throws {
        let full = await Reports.trail()
        var empty = full
        empty.detections = []
        empty.accounts = []
        empty.problems = []
        let time = Date(timeIntervalSince1970: 1_790_000_000)
        for report in [full, empty] {
            #expect(
                try TrailJSONRenderer.json(report) == JSONText.string(
                    TrailJSONRenderer.Document(report: report), .pretty) + "\n")
            let events = report.detections.map {
                OCSFRenderer.detectionFinding($0, generatedAt: time, version: "1", partition: "aws")
            }
            #expect(
                try OCSFRenderer.trail(report, generatedAt: time, version: "1")
                    == JSONText.string(JSONValue.array(events), .pretty) + "\n")
            var asff = StringSink()
            try ASFFRenderer.trailDocument(
                report, generatedAt: time, partition: "aws", region: "us-east-1", into: &asff)
            #expect(
                asff.text
                    == (try ASFFRenderer.document(
                        ASFFRenderer.trail(report, generatedAt: time, partition: "aws", region: "us-east-1"))))
        }
        #expect(!full.detections.isEmpty)
    }

    /// A hostile record's account (`12345`, escape sequences) was copied into AwsAccountId and ProductArn, which
    /// Security Hub refuses: such a detection stays in every other format and is left out of ASFF.
    @Test func asffLeavesOutDetectionsWhoseAccountIsNotAnAccountID() async throws {
        var trail = await Reports.trail()
        try #require(trail.detections.count > 1)
        trail.detections[0].accountId = "12345\u{1b}[31m"
        let findings = ASFFRenderer.trail(trail, generatedAt: Date(), partition: "aws", region: "us-east-1")
        #expect(findings.count == trail.detections.count - 1)
        for finding in findings {
            guard case .string(let account)? = finding.at("AwsAccountId") else { continue }
            #expect(AccountID(rawValue: account) != nil)
        }
    }

    @Test func junitIsWellFormedWithOneSuitePerAccountAndTheStatusMapping() throws {
        for (name, report, context) in try Reports.all {
            let text = JUnitRenderer.render(report, context: context)
            let document = try XMLDocument(xmlString: text)
            let suites = try document.nodes(forXPath: "/testsuites/testsuite")
            #expect(suites.count == Set(report.findings.map(\.accountId)).count, "\(name)")
            #expect(try document.nodes(forXPath: "//testcase").count == report.findings.count)
            #expect(
                try document.nodes(forXPath: "//testcase/failure").count
                    == report.findings.filter { $0.status == .fail }.count)
            // <error> only for what could not be read; out of scope is skipped with its reason.
            #expect(
                try document.nodes(forXPath: "//testcase/error").count == report.findings.filter(\.isUnreadable).count)
            #expect(
                try document.nodes(forXPath: "//testcase/skipped").count
                    == report.findings.filter {
                        $0.status == .manual || $0.status == .notApplicable || $0.isOutOfScope
                    }.count)
            let outOfScope = try document.nodes(forXPath: "//testcase/skipped/@message").compactMap(\.stringValue)
                .filter { $0.hasPrefix("NOT_EVALUATED (out of scope): ") }
            #expect(outOfScope.count == report.findings.filter(\.isOutOfScope).count)
            for case let testcase as XMLElement in try document.nodes(forXPath: "//testcase") {
                #expect(testcase.attribute(forName: "classname")?.stringValue?.hasPrefix("ROOT-BP") == true)
            }
        }
    }

    @Test func securityHubKeepsWhatRootguardCouldNotJudgeOpen() throws {
        var seen: Set<Status> = []
        for (name, report, context) in try Reports.all {
            for (finding, asff) in zip(report.findings, ASFFRenderer.audit(report, context: context)) {
                guard case .object(let fields) = asff, case .object(let workflow)? = fields["Workflow"],
                    case .object(let compliance)? = fields["Compliance"]
                else {
                    Issue.record("\(name): no Workflow or Compliance")
                    continue
                }
                seen.insert(finding.status)
                let open = finding.status == .fail || finding.status == .manual || finding.status == .notEvaluated
                #expect(workflow["Status"] == .string(open ? "NEW" : "RESOLVED"), "\(name) \(finding.checkId)")
                let expected: String =
                    switch finding.status {
                    case .pass: "PASSED"
                    case .fail: "FAILED"
                    case .manual: "WARNING"
                    case .notEvaluated, .notApplicable: "NOT_AVAILABLE"
                    }
                #expect(compliance["Status"] == .string(expected))
            }
        }
        #expect(seen == Set(Status.allCases), "the fixtures cover every status")
    }

    @Test func sarifReportsUnreadableFindingsAsToolNotificationsNotSilence() throws {
        let (report, context) = try Reports.notEvaluatedHeavy()
        let object = try JSONSerialization.jsonObject(
            with: Data(try SARIFRenderer.render(report, context: context).utf8))
        let run = ((object as? [String: Any])?["runs"] as? [[String: Any]])?.first
        let invocation = (run?["invocations"] as? [[String: Any]])?.first
        #expect(invocation?["executionSuccessful"] as? Bool == false)
        let notifications = invocation?["toolExecutionNotifications"] as? [[String: Any]] ?? []
        #expect(notifications.count == report.findings.filter(\.isUnreadable).count)
        #expect(!notifications.isEmpty)
        let (clean, cleanContext) = try Reports.account(.hardened)
        let cleanRun = try JSONSerialization.jsonObject(
            with: Data(try SARIFRenderer.render(clean, context: cleanContext).utf8))
        let cleanInvocation =
            (((cleanRun as? [String: Any])?["runs"] as? [[String: Any]])?.first?["invocations"]
            as? [[String: Any]])?.first
        #expect(cleanInvocation?["executionSuccessful"] as? Bool == clean.findings.filter(\.isUnreadable).isEmpty)
    }

    /// OWASP's CSV-injection rule at every delimiter a spreadsheet may split on, and no control byte in any cell.
    @Test(arguments: [
        ("1.2.3.4;@SUM(1+9)*cmd|' /C calc'!A0", ";'@SUM"), ("x\t=1+1", "x\\t=1+1"), ("a|-2+3", "a|'-2+3"),
        ("a, =1+1", ", '=1+1"), ("=cmd", "'=cmd"),
    ])
    func csvNeutralisesFormulasAfterEveryDelimiter(_ value: String, _ expected: String) {
        let cell = CSVRenderer.cell(value)
        #expect(cell.contains(expected), "\(cell)")
        #expect(!cell.unicodeScalars.contains { $0 == "\t" })
    }

    @Test func csvCellsCarryNoControlC1OrBidiCharacters() {
        let hostile = "ok\u{1B}]52;c;ZXZpbA==\u{07}\u{9B}31m\u{202E}evil\u{2066}"
        let cell = CSVRenderer.cell(hostile)
        #expect(Golden.actionableCharacters(in: cell).isEmpty, "\(cell)")
        #expect(cell.contains("\\x1b"), "\(cell)")
    }

    /// A small RFC 4180 reader for the tests.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field += "\""; chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r" && chars.first == "\n" {
                chars.removeFirst()
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        return rows
    }

    @Test func csvRoundTripsAndNeverStartsACellWithAFormula() async throws {
        for (name, report, _) in try Reports.all {
            let rows = Self.parseCSV(CSVRenderer.audit(report))
            #expect(rows.count == report.findings.count + 1, "\(name)")
            #expect(Set(rows.map(\.count)).count == 1)
            #expect(rows.dropFirst().map { $0[7] } == report.findings.map(\.message))
        }
        let trail = await Reports.trail()
        let rows = Self.parseCSV(CSVRenderer.trail(trail))
        #expect(rows.count == trail.detections.count + 1)
        var hostile = trail
        hostile.detections[0].userAgent = "=HYPERLINK(\"http://x\",\"y\")"
        hostile.detections[0].sourceIPAddress = "+1,\"2\"\r\n@3"
        hostile.detections[0].eventName = "-2+3"
        let parsed = Self.parseCSV(CSVRenderer.trail(hostile))
        #expect(parsed.count == trail.detections.count + 1)
        for cell in parsed.flatMap({ $0 }) {
            if let first = cell.unicodeScalars.first { #expect(!["=", "+", "-", "@"].contains(first), "\(cell)") }
        }
        #expect(parsed[1].contains("'=HYPERLINK(\"http://x\",\"y\")"))
        // The line break is escaped (no raw control byte in a cell), so `@3` starts no line or cell.
        #expect(parsed[1].contains("'+1,\"2\"\\r\\n@3"))
    }

    @Test func aReportFileIsRefusedWhenItIsATrailReportOrAnotherSchemaVersion() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let trail = folder.appendingPathComponent("trail.json")
        try Data(#"{"detections":[],"summary":{}}"#.utf8).write(to: trail)
        let v2 = folder.appendingPathComponent("v2.json")
        try Data(#"{"schemaVersion":2,"findings":[]}"#.utf8).write(to: v2)
        let garbage = folder.appendingPathComponent("garbage.json")
        try Data("not json".utf8).write(to: garbage)
        for (url, words) in [(trail, "a trail report"), (v2, "schema version 2"), (garbage, "not a JSON object")] {
            do {
                _ = try ReportFile.load(url.path)
                Issue.record("\(url.lastPathComponent) accepted")
            } catch let error as ReportFile.LoadError {
                #expect(error.description.contains(words), "\(error)")
            }
        }
    }

    @Test func theDiffNamesNewFailuresFixedAndStillFailing() throws {
        let (insecure, _) = try Reports.account(.insecure)
        var later = insecure
        // One failure fixed, one new failure, the rest unchanged.
        let fixedIndex = try #require(later.findings.firstIndex { $0.status == .fail })
        later.findings[fixedIndex].status = .pass
        let newIndex = try #require(later.findings.firstIndex { $0.status == .manual })
        later.findings[newIndex].status = .fail
        let diff = ReportDiff(old: insecure, new: later)
        #expect(diff.fixed.map(\.checkId) == [insecure.findings[fixedIndex].checkId])
        #expect(diff.newFailures.map(\.checkId) == [insecure.findings[newIndex].checkId])
        #expect(diff.stillFailing.count == insecure.findings.filter { $0.status == .fail }.count - 1)
        #expect(diff.hasRegression)
        #expect(!ReportDiff(old: later, new: later).hasRegression)
        let text = DiffRenderer.text(diff)
        #expect(text.contains("New failures (1)") && text.contains("Fixed (1)"))
        let json = try Self.decode(try DiffRenderer.json(diff))
        if case .array(let entries)? = json.at("newFailures") {
            #expect(entries.count == 1)
        } else {
            Issue.record("no newFailures")
        }
    }
}

/// The direct JSONValue writer against Foundation's encoder, on every escape JSON has and nested empties.
@Suite struct PrettyJSONValueTests {
    @Test func writesWhatTheEncoderWrites() throws {
        var strings = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        strings += ["\"", "\\", "/", "a/b", "\u{7F}", "\u{85}", "\u{2028}", "\u{202E}x", "é", "😀", "", "Info"]
        let value: JSONValue = [
            "b_key": .array(strings.map(JSONValue.string)), "a": ["nested": [:], "list": [], "n": 1_790_000_000_000],
            "A": .bool(true), "z": .null, "_x": -3, "rootguard/detection": "x",
            "keys": .object(Dictionary(uniqueKeysWithValues: strings.map { ($0, JSONValue.number(1)) })),
        ]
        for depth in 0...2 {
            let fast = try #require(PrettyJSONValue.text(value, depth: depth))
            let encoded = try JSONText.string(value, .pretty)
            let indent = String(repeating: "  ", count: depth)
            let expected = encoded.replacingOccurrences(of: "\n", with: "\n" + indent)
                .replacingOccurrences(of: "\n" + indent + "\n", with: "\n\n")
            #expect(fast == (depth == 0 ? encoded : expected), "depth \(depth)")
        }
        #expect(PrettyJSONValue.text(.number(0.5), depth: 0) == nil, "fractions go through the encoder")
    }
}
