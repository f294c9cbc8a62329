import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The hostile-input and data-loss defects found by trying to break rootguard, each through the built binary.
@Suite("Robustness: bad input, lost data, failed output")
struct RobustnessCLITests {
    static let rootCall =
        #"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE"},"eventTime":"2026-11-02T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli","requestParameters":{"userName":"x"},"eventID":"ID","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#

    static func record(_ id: String) -> String {
        rootCall.replacingOccurrences(of: #""eventID":"ID""#, with: #""eventID":"\#(id)""#)
    }

    /// Runs the binary with standard output sent to `path` (e.g. /dev/full) or to a pipe already closed.
    static func exitStatus(_ arguments: [String], stdout path: String?) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        let err = Pipe()
        process.standardError = err
        var closedPipe: Pipe?
        if let path {
            process.standardOutput = FileHandle(forWritingAtPath: path)
        } else {
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            process.standardOutput = pipe
            closedPipe = pipe
        }
        try process.run()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        _ = closedPipe
        return (process.terminationStatus, String(decoding: error, as: UTF8.self))
    }

    @Test(arguments: [["audit", "--example", "insecure"], ["password", "generate"], ["policy"]])
    func aFullDiskIsAnErrorNotSuccess(_ arguments: [String]) throws {
        let (status, stderr) = try Self.exitStatus(arguments, stdout: "/dev/full")
        #expect(status == 1)
        #expect(stderr == "error: cannot write to standard output: No space left on device\n")
    }

    @Test func trailOnAFullDiskIsOneNotThree() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/cloudtrail")
        let (status, stderr) = try Self.exitStatus(["trail", examples.path], stdout: "/dev/full")
        #expect(status == 1)
        #expect(stderr.contains("No space left on device"))
    }

    @Test func aReaderThatWentAwayEndsQuietlyWith141() throws {
        let (status, stderr) = try Self.exitStatus(["audit", "--example", "insecure", "--output", "json"], stdout: nil)
        #expect(status == 141)
        #expect(stderr.isEmpty)
    }

    @Test func folderLoopsAndFIFOsNeitherHangNorRecurse() throws {
        let folder = try TrailFixture.folder(["logs/a.json": #"{"Records":[\#(Self.record("e1"))]}"#])
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("logs/loop").path, withDestinationPath: "..")
        #expect(mkfifo(folder.appendingPathComponent("logs/pipe.json").path, 0o600) == 0)
        let result = try CLI.run(["trail", folder.path, "--output", "jsonl"], environment: [:])
        #expect(result.status == 3)
        #expect(result.stdout.split(separator: "\n").count == 3)  // one record: API call, persistence, unneeded task
        #expect(result.stderr.contains("folder loop"))
        #expect(result.stderr.contains("pipe.json: not a regular file (a FIFO); skipped"))
    }

    @Test func aTruncatedLineDoesNotHideTheRecordsAfterIt() throws {
        let folder = try TrailFixture.folder([
            "a.jsonl": Self.record("e1") + "\n" + #"{"eventVersion":"1.08","userIdentity":{"type":"Ro"# + "\n"
                + Self.record("e2") + "\n"
        ])
        let result = try CLI.run(["trail", folder.path, "--output", "jsonl"], environment: [:])
        #expect(result.status == 3)
        #expect(result.stdout.contains(#""eventID":"e2""#), "the record after the cut line is read")
        #expect(result.stderr.contains("holds an incomplete record; resumed at the next line"))
    }

    @Test func aTruncatedDocumentOnStandardInputDoesNotHideTheNextFile() throws {
        // What `zcat a.json.gz b.json.gz | rootguard trail -` sends when a.json.gz was cut short.
        let input = #"{"Records":[\#(Self.record("e1")),{"eventVersion":"1.0"# + #"{"Records":[\#(Self.record("e3"))]}"#
        let result = try CLI.run(["trail", "-", "--output", "jsonl"], environment: [:], input: Data(input.utf8))
        #expect(result.status == 3)
        #expect(result.stdout.contains(#""eventID":"e1""#) && result.stdout.contains(#""eventID":"e3""#))
        #expect(result.stderr.contains("resumed at the next {\"Records\" document"))
    }

    @Test func aCorruptGzipMemberDoesNotHideTheMembersAfterIt() throws {
        func gzip(_ text: String) throws -> Data {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("rg-gz-\(UUID().uuidString)")
            try Data(text.utf8).write(to: url)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-n", url.path]
            try process.run()
            process.waitUntilExit()
            return try Data(contentsOf: URL(fileURLWithPath: url.path + ".gz"))
        }
        let first = try gzip(#"{"Records":[\#(Self.record("e1"))]}"#)
        let second = try gzip(#"{"Records":[\#(Self.record("e3"))]}"#)
        let input = first.prefix(first.count / 2) + second  // `cat a.gz b.gz | rootguard trail -`, a cut short
        let result = try CLI.run(["trail", "-", "--output", "jsonl"], environment: [:], input: input)
        #expect(result.stdout.contains(#""eventID":"e3""#))
        #expect(result.stderr.contains("resuming at the next member"))
        #expect(result.status == 3)
    }

    @Test func byteOrderMarksCaseAndOtherNamesAreRead() throws {
        let folder = try TrailFixture.folder([
            "upper/A.JSON": "\u{FEFF}" + #"{"Records":[\#(Self.record("bom"))]}"#,
            "other/b.ndjson": Self.record("nd") + "\n",
        ])
        let result = try CLI.run(["trail", folder.path, "--output", "jsonl"], environment: [:])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains(#""eventID":"bom""#) && result.stdout.contains(#""eventID":"nd""#))
        #expect(result.stderr.isEmpty)
    }

    @Test func anEmptyFolderIsNotReportedAsNoRootActivity() throws {
        let folder = try TrailFixture.folder(["notes.txt": "nothing here"])
        let result = try CLI.run(["trail", folder.path], environment: [:])
        #expect(result.status == 4)
        #expect(result.stderr.contains("no CloudTrail log files here"))
    }

    /// A root record without a time and one whose time cannot be read are treated alike: analysed, the time marked
    /// unknown, and named on stderr — also inside a time filter, which cannot rule them out.
    @Test func aRootRecordWithoutItsTimeIsAnalysedWithTheTimeUnknown() throws {
        let noTime = Self.record("t1").replacingOccurrences(of: #""eventTime":"2026-11-02T10:00:00Z","#, with: "")
        let badTime = Self.record("t2").replacingOccurrences(
            of: #""eventTime":"2026-11-02T10:00:00Z""#, with: #""eventTime":"yesterday""#)
        let folder = try TrailFixture.folder(["a.json": #"{"Records":[\#(noTime),\#(badTime)]}"#])
        for extra in [[], ["--since", "2026-11-01"]] {
            let result = try CLI.run(["trail", folder.path, "--output", "jsonl"] + extra, environment: [:])
            #expect(result.status == 3, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains("record t1: no eventTime; analysed with its time unknown"))
            #expect(
                result.stderr.contains("record t2: eventTime 'yesterday' is not a time; analysed with its time unknown")
            )
            let detections = try TrailFixture.detections(result.stdout)
            let unknown = detections.compactMap { ($0["details"] as? [String: Any])?["timeUnknown"] as? String }
            #expect(
                Set(detections.compactMap { $0["eventId"] as? String ?? $0["eventID"] as? String }) == ["t1", "t2"])
            #expect(unknown.contains("no eventTime") && unknown.contains("eventTime 'yesterday'"))
        }
    }

    @Test(arguments: [
        ("    actions:", "    action:", ":8: unknown key 'action' in approvals[0]"),
        ("    requireMFA: true", "    requireMfa: true", "unknown key 'requireMfa'"),
    ])
    func aMisspeltApprovalKeyIsRefusedWithItsLine(_ find: String, _ replace: String, _ message: String) throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/cloudtrail")
        var text = try String(contentsOf: examples.appendingPathComponent("approvals.yaml"), encoding: .utf8)
        if !text.contains(find) { text = text.replacingOccurrences(of: "    ticket:", with: "\(find)\n    ticket:") }
        let folder = try TrailFixture.folder(["approvals.yaml": text.replacingOccurrences(of: find, with: replace)])
        let result = try CLI.run(
            ["trail", examples.path, "--approvals", folder.appendingPathComponent("approvals.yaml").path],
            environment: [:])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "no approval may be widened by a key it ignored")
    }

    @Test func anInvalidCIDRAndAnEmptyFileAreRefused() throws {
        let folder = try TrailFixture.folder([
            "cidr.yaml": """
            approvals:
              - account: "111122223333"
                from: 2026-01-01T00:00:00Z
                until: 2026-01-02T00:00:00Z
                sourceIPs: [1.2.3.4/99]
            """,
            "empty.yaml": "",
            "att.yaml": """
            attestations:
              - practice: "06"
                statement: strong
                satisfeid: true
                attestedBy: a
                attestedAt: 2026-01-01T00:00:00Z
                verification: v
                expires: 2027-01-01T00:00:00Z
            """,
        ])
        let cidr = try CLI.run(
            ["trail", folder.path, "--approvals", folder.appendingPathComponent("cidr.yaml").path], environment: [:])
        #expect(cidr.status == 1)
        #expect(
            cidr.stderr.contains(
                "cidr.yaml:5: approvals[0]: sourceIPs: '1.2.3.4/99' is not an IP address or CIDR block"))
        let empty = try CLI.run(
            ["audit", "--example", "insecure", "--attestations", folder.appendingPathComponent("empty.yaml").path],
            environment: [:])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("the file is empty"))
        let attestation = try CLI.run(
            ["audit", "--example", "insecure", "--attestations", folder.appendingPathComponent("att.yaml").path],
            environment: [:])
        #expect(attestation.status == 1)
        #expect(attestation.stderr.contains(":4: unknown key 'satisfeid' in attestations[0]"))
    }

    // MARK: Credentials and the AWS client

    static let keys = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "SECRETSECRETSECRET"]

    @Test(arguments: [
        ["AWS_SESSION_TOKEN": "token\u{01}TOKENSECRET"], ["AWS_ACCESS_KEY_ID": "AKIA\u{01}EXAMPLE"],
        ["AWS_SECRET_ACCESS_KEY": "SECRET\nSECRET"],
    ])
    func credentialsWithAControlCharacterAreRefusedWithoutEchoingAnything(_ bad: [String: String]) throws {
        let result = try CLI.run(
            ["whoami", "--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1"],
            environment: Self.keys.merging(bad) { $1 })
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        for secret in ["SECRET", "TOKENSECRET", "Signature=", "Credential=", "AKIA"] {
            #expect(!result.stderr.contains(secret), "\(secret) in \(result.stderr)")
        }
        #expect(result.stderr.contains("holds a character AWS credentials never contain"))
    }

    @Test func aRegionWithAControlCharacterIsRefusedBeforeSigning() throws {
        let result = try CLI.run(
            ["whoami", "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1\u{01}"], environment: Self.keys)
        // Refused as usage before any work (it had reached the client's InvalidRegion, exit 1).
        #expect(result.status == 64)
        #expect(result.stderr.contains("is not a region name"))
        #expect(!result.stderr.contains("\u{01}"))
        #expect(!result.stderr.contains("Signature="))
    }

    @Test func aRefusedConnectionFailsAtOnceInsteadOfWaitingForTheTimeout() throws {
        let result = try CLI.run(
            ["whoami", "--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1", "--timeout", "60"],
            environment: Self.keys)
        #expect(result.status == 1)
        // One sentence naming the endpoint, not NIO's text.
        #expect(
            result.stderr == "error: sts GetCallerIdentity: ConnectionError: connection refused by 127.0.0.1:9\n",
            "\(result.stderr)")
        #expect(!result.stderr.contains("Timeout"))
    }

    static func config(_ text: String) throws -> [String: String] {
        let folder = try TrailFixture.folder(["config": text, "credentials": ""])
        return [
            "AWS_CONFIG_FILE": folder.appendingPathComponent("config").path,
            "AWS_SHARED_CREDENTIALS_FILE": folder.appendingPathComponent("credentials").path,
        ]
    }

    @Test func aCredentialProcessThatPrintsWithoutEndIsStopped() throws {
        let environment = try Self.config("[profile flood]\ncredential_process = cat /dev/zero\n")
        let result = try CLI.run(
            ["whoami", "--profile", "flood", "--endpoint-url", "http://127.0.0.1:9"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("printed more than 64 KiB"))
    }

    @Test func aCredentialProcessThatNeverExitsIsKilledWithItsGroupAfterTheTimeout() throws {
        let marker = "\(Int.random(in: 100_000...999_999)).5"
        // A shell that starts a grandchild: killing only the shell would leave the sleep behind.
        let environment = try Self.config(
            "[profile hang]\ncredential_process = sh -c 'sleep \(marker) & sleep \(marker); echo {}'\n")
        let result = try CLI.run(
            ["whoami", "--profile", "hang", "--endpoint-url", "http://127.0.0.1:9", "--timeout", "1"],
            environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("did not finish within 1 s"))
        let survivors = try CLI.run(["-c", "pgrep -f 'slee[p] \(marker)' || true"], environment: [:], shell: true)
        #expect(survivors.stdout.isEmpty, "left running: \(survivors.stdout)")
    }

    @Test func aVeryLongSourceProfileChainIsRefusedNotFollowed() throws {
        var text = "[profile p0]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
        for index in 1...2_000 {
            text +=
                "[profile p\(index)]\nrole_arn = arn:aws:iam::123456789012:role/r\(index)\nsource_profile = p\(index - 1)\n"
        }
        let result = try CLI.run(
            ["whoami", "--profile", "p2000", "--endpoint-url", "http://127.0.0.1:9"], environment: try Self.config(text)
        )
        #expect(result.status == 1)
        #expect(result.stderr.contains("longer than 32 roles"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    // MARK: Smaller ones

    @Test func aPasswordGivenAsAnArgumentIsNeverEchoed() throws {
        let result = try CLI.run(["password", "check", "Hunter2-Secret!"], environment: [:])
        #expect(result.status == 64)
        #expect(!result.stderr.contains("Hunter2") && !result.stdout.contains("Hunter2"))
        #expect(result.stderr.contains("takes no password argument"))
    }

    @Test func passwordCheckReadsABoundedAmountOfInput() throws {
        let result = try CLI.run(
            ["password", "check"], environment: [:], input: Data(repeating: UInt8(ascii: "a"), count: 1 << 20))
        #expect(result.status == 1)
        #expect(result.stderr.contains("longer than 4096 bytes"))
    }

    @Test func asOfBeforeTheCollectionIsRefusedAndPlainDatesAreTaken() throws {
        let before = try CLI.run(["audit", "--example", "insecure", "--as-of", "2020-01-01"], environment: [:])
        #expect(before.status == 1)
        #expect(before.stderr.contains("is before the facts were collected"))
        let later = try CLI.run(["audit", "--example", "insecure", "--as-of", "2027-06-01"], environment: [:])
        #expect(later.status == 0)
    }

    @Test func aFractionWhereAWholeNumberBelongsIsNamedAsSuch() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/RootGuardFiles/Examples/insecure-account.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: examples)) as! [String: Any]
        var summary = object["accountSummary"] as! [String: Any]
        var value = summary["value"] as! [String: Any]
        value["Users"] = 1.5
        summary["value"] = value
        object["accountSummary"] = summary
        let folder = try TrailFixture.folder([
            "s.json": String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        ])
        let result = try CLI.run(
            ["audit", "--snapshot", folder.appendingPathComponent("s.json").path], environment: [:])
        #expect(result.status == 1)
        #expect(result.stderr.contains("a number does not fit its field"), "\(result.stderr)")
    }

    @Test func aManagementAccountsOwnAuditPointsToTheOrganizationAudit() throws {
        let result = try CLI.run(["audit", "--example", "hardened", "--output", "json"], environment: [:])
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = (report?["findings"] as? [[String: Any]]) ?? []
        for id in ["practice-14-coverage", "practice-15-coverage"] {
            let message = findings.first { $0["checkId"] as? String == id }?["message"] as? String
            #expect(message?.contains("rootguard audit --org") == true, "\(id): \(message ?? "missing")")
        }
    }

    @Test func trailTakesTheAWSOptionsTheREADMEPromises() throws {
        let folder = try TrailFixture.folder(["a.json": #"{"Records":[\#(Self.record("o1"))]}"#])
        let result = try CLI.run(
            ["trail", folder.path, "--timeout", "5", "--max-attempts", "2", "--output", "jsonl"], environment: [:])
        #expect(result.status == 3, "\(result.stderr)")
    }

    @Test func recordsThatAreAnObjectAreReported() throws {
        let folder = try TrailFixture.folder([
            "a.json": #"{"Records":{"eventName":"ConsoleLogin","userIdentity":{"type":"Root"}}}"#
        ])
        let result = try CLI.run(["trail", folder.path], environment: [:])
        #expect(result.status == 4)
        #expect(result.stderr.contains("is an object, not an array of records"), "\(result.stderr)")
    }
}
