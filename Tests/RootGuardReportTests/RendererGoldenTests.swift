import Foundation
import RootGuardChecks
import RootGuardCompliance
import RootGuardFiles
import RootGuardModel
import RootGuardPolicy
import RootGuardReport
import RootGuardTrail
import Testing

/// Every terminal and JSON renderer against its golden file, on the bundled examples and on records built here.
@Suite struct RendererGoldenTests {
    static let hostile = "\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}31m\u{202E}gpj.exe\nnext\tline\r\u{7F}"

    static func auditRenderer(color: Bool = false) -> TerminalReportRenderer {
        TerminalReportRenderer(color: color, verbose: false) { Practices.title($0) }
    }

    @Test(arguments: SnapshotFile.Example.allCases)
    func theBundledExamplesRenderAsTheirGoldenFiles(_ example: SnapshotFile.Example) throws {
        let snapshot = try SnapshotFile.example(example)
        let report = Evaluator.evaluate(snapshot, context: .init(now: snapshot.collectedAt))
        let header = TerminalReportRenderer.Header(
            accountID: snapshot.account.accountID, partition: snapshot.account.partition,
            source: "bundled example '\(example.rawValue)'", collectedAt: snapshot.collectedAt)
        try Golden.check(Self.auditRenderer().render(report, header: header), "audit-\(example.rawValue).txt")
        try Golden.check(try JSONReportRenderer.render(report) + "\n", "audit-\(example.rawValue).json")
    }

    static func record(
        id: String, time: String, name: String, source: String = "signin.amazonaws.com", agent: String = "Mozilla/5.0",
        ip: String = "203.0.113.10", extra: [String: JSONValue] = [:]
    ) -> CloudTrailEvent {
        var fields: [String: JSONValue] = [
            "eventVersion": "1.08",
            "userIdentity": .object([
                "type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333",
                "accessKeyId": "",
            ]),
            "eventTime": .string(time), "eventSource": .string(source), "eventName": .string(name),
            "awsRegion": "us-east-1", "sourceIPAddress": .string(ip), "userAgent": .string(agent),
            "eventID": .string(id), "recipientAccountId": "111122223333",
        ]
        fields.merge(extra) { $1 }
        return CloudTrailEvent(json: .object(fields), source: "fixture.json")!
    }

    static func trailReport(_ events: [CloudTrailEvent]) -> TrailReport {
        var scan = ScanOutput()
        for event in events { scan.add(event) }
        scan.stats.inputs = 1
        return TrailAnalysis.analyse(scan, options: TrailAnalysisOptions())
    }

    static var ordinaryTrail: TrailReport {
        trailReport([
            record(
                id: "a1", time: "2026-11-02T10:00:00Z", name: "ConsoleLogin",
                extra: [
                    "eventType": "AwsConsoleSignIn", "responseElements": .object(["ConsoleLogin": "Success"]),
                    "additionalEventData": .object(["MFAUsed": "No"]),
                ]),
            record(
                id: "a2", time: "2026-11-02T10:05:00Z", name: "CreateUser", source: "iam.amazonaws.com",
                agent: "aws-cli/2.15.0",
                extra: [
                    "eventType": "AwsApiCall", "requestParameters": .object(["userName": "backdoor"]),
                    "userIdentity": .object([
                        "type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333",
                        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
                    ]),
                ]),
        ])
    }

    @Test func theTrailTimelineJSONAndJSONLinesMatchTheirGoldenFiles() throws {
        let report = Self.ordinaryTrail
        #expect(report.detections.count >= 3)
        try Golden.check(TrailTableRenderer.render(report, color: false), "trail.txt")
        try Golden.check(try TrailJSONRenderer.jsonl(report), "trail.jsonl")
        var stable = report
        stable.stats.seconds = 0
        try Golden.check(try TrailJSONRenderer.json(stable), "trail.json")
    }

    @Test func hostileLogFieldsNeverReachTheTerminalAsControlBytes() throws {
        let h = Self.hostile
        let report = Self.trailReport([
            Self.record(
                id: "x\(h)", time: "2026-11-02T10:00:00Z", name: "ConsoleLogin\(h)", agent: "agent\(h)", ip: "ip\(h)",
                extra: [
                    "eventType": "AwsConsoleSignIn", "responseElements": .object(["ConsoleLogin": "Success"]),
                    "awsRegion": .string("us-east-1\(h)"), "recipientAccountId": .string("1111\(h)"),
                ]),
            Self.record(
                id: "y", time: "2026-11-02T10:01:00Z", name: "AssumeRoot", source: "sts.amazonaws.com",
                extra: [
                    "userIdentity": .object([
                        "type": "AssumedRole", "arn": .string("arn:aws:sts::111122223333:assumed-role/A\(h)"),
                    ]),
                    "requestParameters": .object([
                        "targetPrincipal": .string("target\(h)"), "taskPolicyArn": .object(["arn": .string("p\(h)")]),
                    ]),
                ]),
        ])
        var withProblem = report
        withProblem.problems.append(InputProblem(input: "file\(h).json", message: "bad \(h)"))
        let table = TrailTableRenderer.render(withProblem, color: false)
        let coloured = TrailTableRenderer.render(withProblem, color: true)
        let problems = TrailTableRenderer.problems(withProblem)
        #expect(Golden.actionableCharacters(in: table).isEmpty)
        #expect(Golden.actionableCharacters(in: problems).isEmpty)
        // With colour, the only escapes are rootguard's own SGR codes.
        #expect(Golden.actionableCharacters(in: coloured, allowEscapeForColor: true).isEmpty)
        #expect(!coloured.contains("\u{1B}[2J") && !coloured.contains("\u{1B}]0;"))
        try Golden.check(table + problems, "hostile-trail.txt")
        // Machine formats keep the original value (JSON escaping makes it safe).
        let jsonl = try TrailJSONRenderer.jsonl(report)
        let decoded = try JSONDecoder().decode(Detection.self, from: Data(jsonl.split(separator: "\n")[0].utf8))
        #expect(decoded.userAgent == "agent\(h)")
    }

    @Test func hostileFindingsSnapshotsAndNamesAreEscapedInEveryTerminalRenderer() throws {
        let h = Self.hostile
        var snapshot = try SnapshotFile.example(.insecure)
        snapshot.account.partition = "aws\(h)"
        var report = Evaluator.evaluate(snapshot, context: .init(now: snapshot.collectedAt))
        report.findings[0].message = "message \(h)"
        report.findings[0].remediation = "fix \(h)"
        report.findings[0].checkId = CheckID(rawValue: "check\(h)")
        report.findings[0].status = .fail
        report.findings[0].compliance["CIS\(h)"] = ["1.1\(h)"]
        let header = TerminalReportRenderer.Header(
            accountID: snapshot.account.accountID, partition: snapshot.account.partition, source: "snapshot \(h)",
            collectedAt: snapshot.collectedAt)
        let audit = Self.auditRenderer().render(report, header: header)
        #expect(Golden.actionableCharacters(in: audit).isEmpty)
        #expect(audit.contains("message \\x1b[2J"))

        let organization = OrganizationSnapshot(
            management: snapshot, organizationID: "o-\(h)",
            members: [
                MemberFacts(
                    accountID: "222222222222", name: "member \(h)", email: nil, state: "ACTIVE",
                    scpLevels: .value([]),
                    rootCredentials: .value(
                        .init(
                            account: "222222222222", loginProfile: false, accessKeys: [], signingCertificates: [],
                            mfaDevices: [])),
                    snapshot: nil)
            ])
        let matrix = OrganizationMatrixRenderer.render(report, organization: organization)
        #expect(Golden.actionableCharacters(in: matrix).isEmpty)

        let scp = try PolicyDocument.parse(
            #"{"Statement":[{"Sid":"Deny\u001b[2J","Effect":"Deny","Action":"*","Resource":"*"}]}"#)
        let levels = [SCPEvaluator.Level(target: "r-\(h)", policies: [.init(name: "scp \(h)", document: scp)])]
        let result = SCPEvaluator.evaluate(levels: levels, .root(account: "222222222222", action: "s3:GetObject"))
        let simulation = PolicyRenderer.simulation(
            result, permitted: result.permitted, explanation: result.explanation, action: "s3:GetObject\(h)",
            principal: "p\(h)")
        #expect(Golden.actionableCharacters(in: simulation).isEmpty)
        #expect(simulation.contains("\\x1b[2J"))
        try Golden.check(simulation, "hostile-simulation.txt")

        let harden = HardenRenderer.removal([
            .unreadable("222222222222", error: "denied \(h)"),
            .wouldRemove("333333333333", ["access key \(h)"]),
            .applied(
                "444444444444", removals: [.init(credential: "key \(h)", error: "failed \(h)")], remaining: ["x\(h)"],
                reauditError: nil),
        ])
        #expect(Golden.actionableCharacters(in: harden.stdout + harden.stderr).isEmpty)
        try Golden.check(harden.stdout + harden.stderr, "hostile-harden.txt")

        let identity = IdentityRenderer.text(
            account: "1\(h)", arn: "arn\(h)", userId: "u\(h)", credentialSource: "s\(h)")
        #expect(Golden.actionableCharacters(in: identity).isEmpty)
    }

    @Test func theOrganizationMatrixMatchesItsGoldenFile() throws {
        let (report, context) = try Reports.organization()
        let organization = try #require(context.organization)
        try Golden.check(OrganizationMatrixRenderer.render(report, organization: organization), "org-matrix.txt")
    }

    @Test func thePasswordVerdictMatchesItsGoldenFile() throws {
        try Golden.check(
            PasswordRenderer.render(RootPassword.check("Abc123!!xyzXYZ", accountName: nil, email: nil)), "password.txt")
    }
}
