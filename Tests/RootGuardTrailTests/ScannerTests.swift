import CRootGuardInflate
import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

@Suite("Scanning real CloudTrail sets")
struct DatasetTests {
    @Test(
        "no detection and no problem on the real negative sets",
        arguments: [
            "invictus-ir-sigma-aws", "stratus-red-team-detonation-logs", "otrf-security-datasets-aws",
        ])
    func negatives(_ set: String) throws {
        var problems: [InputProblem] = []
        let files = LocalScan.files(
            under: [Fixture.cloudtrail.appendingPathComponent(set).path], filter: TrailFilter(), problems: &problems)
        #expect(!files.isEmpty)
        let output = LocalScan.scan(files: files, jobs: 2, filter: TrailFilter())
        let report = TrailAnalysis.analyse(output, options: TrailAnalysisOptions())
        #expect(report.detections.isEmpty)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(problems.isEmpty)
        let records = [
            "invictus-ir-sigma-aws": 2900, "stratus-red-team-detonation-logs": 310, "otrf-security-datasets-aws": 103,
        ]
        #expect(report.stats.records == records[set])
    }

    @Test("the Panther compromised-root scenario is reported in full")
    func pantherScenario() throws {
        let folder = Fixture.cloudtrail.appendingPathComponent(
            "panther-compromised-root-creds/test_scenarios/compromised-root-creds")
        let victim = try pantherRecords(folder.appendingPathComponent("victim_cloudtrail.yml"))
        let attacker = try pantherRecords(folder.appendingPathComponent("attacker_cloudtrail.yml"))
        #expect(victim.count == 4)
        #expect(attacker.count == 12)
        let report = try analyse(records: victim + attacker)
        let counts = Dictionary(grouping: report.detections, by: \.detection).mapValues(\.count)
        #expect(
            counts == [
                "root-console-login-no-mfa": 4,  // 3 by the owner, 1 by the attacker
                "root-console-login-failure": 3,
                "root-console-action": 1,  // SetContactAddress in the billing console
                // StopLogging, CreateAccessKey for itself, CreateUser, 3 × AttachUserPolicy
                "root-api-call-console-session": 6,
                "root-api-call-access-key": 1,  // CreateAccessKey for the new user, from the CLI
                "root-access-key-created": 1,
                "root-persistence": 5,  // CreateUser, a key for the new user, 3 policies
                "root-unneeded-task": 6,
            ])
        // 15 of the 16 records are root activity; the IAM user's RunInstances is not.
        #expect(Set(report.detections.map { "\($0.eventTime)\($0.eventName)" }).count == 15)
        #expect(!report.detections.contains { $0.eventName == "RunInstances" })
        let account = try #require(report.accounts.first)
        #expect(report.accounts.count == 1)
        #expect(account.accountId == "493859302102")
        #expect(account.sourceIPs.contains("92.55.146.245"))
        #expect(account.mfaUsed == "no")
        let stop = try #require(report.detections.first { $0.eventName == "StopLogging" })
        #expect(stop.outcome == .failure)
        #expect(stop.errorCode == "NotOrganizationMasterAccountException")
    }
}

@Suite("Prefilter and record splitter")
struct SplitterTests {
    static let login =
        #"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"2026-11-02T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"eventID":"e1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#

    static let spellings: [(String, String)] = [
        ("compact", login),
        ("spaces around colons", login.replacingOccurrences(of: "\":", with: "\" : ")),
        ("newlines and tabs", login.replacingOccurrences(of: ",", with: ",\n\t")),
        (
            "identity keys reordered",
            login.replacingOccurrences(
                of: #"{"type":"Root","arn":"arn:aws:iam::111122223333:root","#,
                with: #"{"arn":"arn:aws:iam::111122223333:root","type":"Root","#)
        ),
        ("escaped R", login.replacingOccurrences(of: #""Root""#, with: #""\u0052oot""#)),
        ("escaped o, lower-case hex", login.replacingOccurrences(of: #""Root""#, with: #""R\u006fot""#)),
        ("escaped t, upper-case hex", login.replacingOccurrences(of: #""Root""#, with: #""Roo\u0074""#)),
        ("escaped key", login.replacingOccurrences(of: #""type":"Root""#, with: #""\u0074ype":"Root""#)),
        (
            "pretty-printed",
            login.replacingOccurrences(of: "{", with: "{\n  ").replacingOccurrences(of: "}", with: "\n}")
        ),
    ]

    @Test("a root record is found whatever its spelling", arguments: 0..<9)
    func spelling(_ index: Int) {
        let (name, record) = Self.spellings[index]
        for container in [
            "{\"Records\":[\(record)]}", "[\(record)]",
            record + "\n" + record.replacingOccurrences(of: "\"e1\"", with: "\"e2\""),
        ] {
            let report = analyse(container)
            #expect(report.detections.first?.detection == "root-console-login-no-mfa", "\(name)")
            #expect(report.problems.isEmpty, "\(name): \(report.problems)")
        }
    }

    @Test("records are the same whatever the chunk boundaries")
    func chunking() throws {
        // Strings holding braces, brackets, quotes and backslashes must not confuse the splitter.
        let tricky =
            #"{"eventID":"a","eventTime":"t","eventName":"x","requestParameters":{"p":"}]{[\"\\","q":["\\\"}"]}}"#
        let text =
            "{\"Other\":{\"Records\":1},\"Records\":[" + [tricky, Self.login, tricky].joined(separator: " , ") + "]}"
        let bytes = Array(text.utf8)
        func split(_ sizes: [Int]) -> [String] {
            var splitter = RecordSplitter(maxRecordBytes: 1 << 20)
            var records: [String] = []
            var offset = 0
            var index = 0
            bytes.withUnsafeBytes { all in
                while offset < all.count {
                    let size = min(sizes[index % sizes.count], all.count - offset)
                    splitter.feed(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)])) { record, _ in
                        records.append(String(decoding: record, as: UTF8.self))
                    }
                    offset += size
                    index += 1
                }
            }
            splitter.finish()
            #expect(splitter.failure == nil)
            return records
        }
        let whole = split([bytes.count])
        #expect(whole == [tricky, Self.login, tricky])
        for sizes in [[1], [2, 3], [7], [64, 1], [13, 200, 5]] {
            #expect(split(sizes) == whole, "chunks \(sizes)")
        }
    }

    /// Standard input may carry any mix of the documented containers, one after another: each top-level value is read
    /// as the same file would be, whatever the chunking, and nothing is reported as broken.
    @Test("a mix of containers one after another is read as the files would be", arguments: [1, 7, 64, 1 << 20])
    func mixedContainers(_ chunk: Int) throws {
        let record = #"{"eventVersion":"1.08","eventTime":"t","eventName":"A","eventID":"a"}"#
        let second = #"{"eventVersion":"1.08","eventTime":"t","eventName":"B","eventID":"b"}"#
        let envelope = #"{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":\#(second)}"#
        let pretty =
            "{\n  \"Records\": [\n    {\n      \"eventID\": \"c\",\n      \"eventName\": \"C\"\n    }\n  ]\n}\n"
        let cases: [(String, [String])] = [
            ("{\"Records\":[\(record)]}\n\(envelope)\n", ["a", "b"]),  // a document, then an envelope line
            ("\(envelope)\n\(pretty)", ["b", "c"]),  // an envelope line, then a pretty-printed document
            ("\(envelope)\n[\(record)]\n\(pretty)\(record)\n", ["b", "a", "c", "a"]),
        ]
        for (text, expected) in cases {
            var splitter = RecordSplitter(maxRecordBytes: 1 << 20)
            var ids: [String] = []
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let size = min(chunk, all.count - offset)
                    splitter.feed(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)])) { part, _ in
                        guard case .object(var object)? = try? RecordParser.parse(part) else { return }
                        if case .object(let detail)? = object["detail"] { object = detail }
                        if case .string(let id)? = object["eventID"] { ids.append(id) }
                    }
                    offset += size
                }
            }
            splitter.finish()
            #expect(splitter.failure == nil, "\(text)")
            #expect(splitter.skipped.isEmpty, "\(splitter.skipped)")
            #expect(ids == expected, "chunk \(chunk): \(text)")
        }
        // A JSON line really cut short is still found and the split resumes at the next line.
        var splitter = RecordSplitter(maxRecordBytes: 1 << 20)
        var ids: [String] = []
        let cutAfterValue = #"{"eventID":"x","eventName":"X""#
        let cutInString = #"{"eventID":"y","eventName":"Y"#
        Array("\(record)\n\(cutAfterValue)\n\(second)\n\(cutInString)\n\(record)\n".utf8).withUnsafeBytes {
            splitter.feed($0) { part, _ in
                if case .object(let object)? = try? RecordParser.parse(part), case .string(let id)? = object["eventID"]
                {
                    ids.append(id)
                }
            }
        }
        #expect(ids == ["a", "b", "a"])
        #expect(splitter.skipped.count == 2, "\(splitter.skipped)")
    }

    /// `yes '{' | rootguard trail -` once grew by a byte of nesting state per brace (2 GB in 15 s) and by a message
    /// per cut line: depth and the problem list are bounded now, and a record after the flood is still found.
    @Test("an endless unfinished structure keeps the split's memory flat", arguments: ["{\n", "[", "{\"a\":"])
    func endlessNesting(_ unit: String) {
        let flood = Array(String(repeating: unit, count: 400_000).utf8)
        for prefix in ["", Self.login + "\n"] {
            var splitter = RecordSplitter(maxRecordBytes: 1 << 20)
            var found = 0
            var deepest = 0
            let input = Array(prefix.utf8) + flood
            input.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let size = min(1 << 16, all.count - offset)
                    splitter.feed(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)])) { _, _ in found += 1
                    }
                    deepest = max(deepest, splitter.depth)
                    offset += size
                }
            }
            #expect(deepest <= RecordSplitter.maxDepth, "\(unit) after \(prefix.count) bytes")
            #expect(splitter.skipped.count <= RecordSplitter.maxListedProblems)
            #expect(splitter.skipped.count + splitter.unlisted > 100, "every cut is counted")
            #expect(found == (prefix.isEmpty ? 0 : 1))
        }
        // Through the scanner: the cuts are reported (the first hundred listed, the rest counted on one line) and the
        // root sign-in on the line after the flood is a detection.
        let report = analyse(
            Self.login + "\n" + String(repeating: "{\n", count: 50_000) + "\n"
                + Self.login.replacingOccurrences(of: #""e1""#, with: #""e2""#) + "\n")
        #expect(report.detections.count == 2)
        #expect(report.problems.count == RecordSplitter.maxListedProblems + 1)
        #expect(report.problems.last?.message.contains("further problems") == true)
        #expect(report.stats.problems > 1_000)
    }

    /// eventVersion 1.0 records have no eventID (AWS's own documentation shows them so): they are CloudTrail records.
    @Test("records without eventID are recognised by their required fields")
    func eventVersionOne() {
        let record =
            #"{"eventVersion":"1.0","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012"},"eventTime":"2014-03-06T21:22:54Z","eventSource":"ec2.amazonaws.com","eventName":"StartInstances","awsRegion":"us-east-2","sourceIPAddress":"205.251.233.176"}"#
        let report = analyse(#"{"Records":[\#(record),\#(record)]}"#)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.stats.records == 2)
        let notCloudTrail = analyse(#"{"Records":[{"name":"x"}]}"#)
        #expect(notCloudTrail.problems.map(\.message) == ["is not CloudTrail JSON (no records)"])
    }

    @Test("EventBridge envelopes are unwrapped")
    func envelope() {
        let envelope =
            #"{"version":"0","id":"x","detail-type":"AWS Console Sign In via CloudTrail","source":"aws.signin","account":"111122223333","time":"2026-11-02T10:00:00Z","region":"us-east-1","resources":[],"detail":"#
            + Self.login + "}"
        let report = analyse(envelope)
        #expect(ids(report) == ["root-console-login-no-mfa"])
        #expect(report.detections.first?.accountId == "111122223333")
    }
}

@Suite("Bad input")
struct BadInputTests {
    static let good = "{\"Records\":[" + SplitterTests.login + "]}"

    func gzip(_ text: String) throws -> Data {
        let folder = try Fixture.temporaryFolder()
        let plain = folder.appendingPathComponent("x.json")
        try Data(text.utf8).write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", plain.path]
        try process.run()
        process.waitUntilExit()
        return try Data(contentsOf: folder.appendingPathComponent("x.json.gz"))
    }

    /// Linux file names are bytes: `root\xff\x9b.json` could not be opened (its name was repaired to U+FFFD on the
    /// way), and its folder was reported as holding no CloudTrail files, so its root records were lost.
    @Test("a file whose name is not UTF-8 is read, and shown with \\x escapes")
    func nonUTF8FileName() throws {
        let folder = try Fixture.temporaryFolder()
        let nested = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let record = Array(#"{"Records":[\#(SplitterTests.login)]}"#.utf8)
        // A file with an odd name, inside a folder with an odd name too.
        let oddFolder = Array(nested.path.utf8) + [0x2f, 0x64, 0xfe]
        #expect(
            (oddFolder + [0]).withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o700) }
            } == 0)
        let name = oddFolder + Array("/root".utf8) + [0xff, 0x9b] + Array(".json".utf8)
        let fd = (name + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o600) }
        }
        #expect(fd >= 0)
        _ = record.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        var problems: [InputProblem] = []
        let files = LocalScan.files(under: [folder.path], filter: TrailFilter(), problems: &problems)
        #expect(problems.isEmpty, "\(problems)")
        #expect(files.map(\.bytes) == [name])
        #expect(files.first?.path == nested.path + "/d\\xFE/root\\xFF\\x9B.json")
        let report = TrailAnalysis.analyse(
            LocalScan.scan(files: files, jobs: 1, filter: TrailFilter()), options: TrailAnalysisOptions())
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.detections.map(\.detection) == ["root-console-login-no-mfa"])
        #expect(LocalFile.display(Array("é\u{202E}".utf8) + [0xc3]) == "é\u{202E}\\xC3")
    }

    @Test("a record naming something other than an account ID is reported and still analysed")
    func oddAccount() {
        let odd = SplitterTests.login.replacingOccurrences(
            of: #""recipientAccountId":"111122223333""#, with: #""recipientAccountId":"12345""#)
        let report = analyse(odd)
        #expect(report.detections.map(\.accountId) == ["12345"])
        #expect(
            report.problems.map(\.message) == [
                "record e1 names account '12345', not a 12-digit AWS account ID: reported, but left out of ASFF findings"
            ])
    }

    @Test("each bad input is one clear line, and the scan goes on")
    func badInputs() throws {
        let folder = try Fixture.temporaryFolder()
        let gz = try gzip(Self.good)
        var files: [String: Data] = [
            "good.json.gz": gz,
            "corrupt.json.gz": gz.prefix(10) + Data(repeating: 0x41, count: 40) + gz.suffix(8),
            "truncated.json.gz": gz.prefix(gz.count / 2),
            "truncated-json.json": Data(Self.good.utf8.prefix(120)),
            "truncated-root.json": Data(Self.good.utf8.dropLast(3)),
            "not-cloudtrail.json": Data(#"{"name":"my-app","version":"1.0.0","dependencies":{}}"#.utf8),
            "not-json.json": Data("hello, world\n".utf8),
            "empty.json": Data(),
        ]
        files["truncated-json.json.gz"] = try gzip(String(Self.good.prefix(150)))
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("dangling.json").path, withDestinationPath: "/nonexistent/x.json")
        var problems: [InputProblem] = []
        let found = LocalScan.files(under: [folder.path], filter: TrailFilter(), problems: &problems)
        var output = LocalScan.scan(files: found, jobs: 2, filter: TrailFilter())
        output.problems += problems
        let report = TrailAnalysis.analyse(output, options: TrailAnalysisOptions())
        let byFile = Dictionary(grouping: report.problems) { URL(fileURLWithPath: $0.input).lastPathComponent }
        for name in files.keys where name != "good.json.gz" {
            #expect(byFile[name]?.count == 1, "\(name): \(byFile[name] ?? [])")
        }
        #expect(byFile["dangling.json"]?.count == 1)
        #expect(byFile["good.json.gz"] == nil)
        #expect(byFile["corrupt.json.gz"]?.first?.message.contains("gzip") == true)
        #expect(byFile["not-cloudtrail.json"]?.first?.message.contains("not CloudTrail") == true)
        #expect(byFile["truncated-root.json"]?.first?.message.contains("truncated") == true)
        #expect(report.problems.allSatisfy { !$0.message.contains("\n") })
        // The good file's login and the record before the cut in truncated-root.json were both read.
        #expect(report.detections.filter { $0.detection == "root-console-login-no-mfa" }.count >= 1)
        #expect(report.detections.contains { URL(fileURLWithPath: $0.source).lastPathComponent == "good.json.gz" })
    }

    @Test("a record over the size limit is reported, not silently dropped; memory stays bounded")
    func hugeRecord() {
        let huge =
            #"{"eventID":"big","eventTime":"2026-11-02T10:00:00Z","eventName":"PutObject","userIdentity":{"type":"Root"},"requestParameters":{"blob":""#
            + String(repeating: "x", count: 300_000) + "\"}}"
        let text = "{\"Records\":[" + huge + "," + SplitterTests.login + "]}"
        var output = ScanOutput()
        let scanner = TrailBufferScanner(filter: TrailFilter(), maxRecordBytes: 100_000)
        Array(text.utf8).withUnsafeBytes { scanner.scan($0, name: "big.json", into: &output) }
        #expect(output.problems.count == 1)
        #expect(output.problems.first?.message.contains("larger than") == true)
        #expect(output.records.count == 1)
        // Streamed in small chunks, the same.
        var streamed = ScanOutput()
        let bytes = Array(text.utf8)
        var offset = 0
        scanner.scanStream(name: "big.json", into: &streamed) { buffer in
            let count = min(4096, bytes.count - offset, buffer.count)
            bytes.withUnsafeBytes {
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)]))
            }
            offset += count
            return count
        }
        #expect(streamed.problems.map(\.message) == output.problems.map(\.message))
        #expect(streamed.records.count == 1)
    }
}

@Suite("Generated corpus with ground truth")
struct CorpusTests {
    struct Truth: Decodable {
        var eventID: String
        var label: String
        var detections: [String]
    }

    @Test("detections match the generator's ground truth exactly, hard negatives included")
    func groundTruth() throws {
        let folder = try Fixture.temporaryFolder()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixture.repository.appendingPathComponent("Benchmarks/gen_cloudtrail.py").path, "--out",
            folder.path, "--size-mb", "12", "--seed", "11", "--root-events", "140",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let truth = try String(contentsOf: folder.appendingPathComponent("ground_truth.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Truth.self, from: Data($0.utf8)) }
        #expect(truth.count > 100)
        #expect(Set(truth.map(\.label)).count >= 30)  // every kind of activity and negative
        var problems: [InputProblem] = []
        let files = LocalScan.files(under: [folder.path], filter: TrailFilter(), problems: &problems)
        let report = TrailAnalysis.analyse(
            LocalScan.scan(files: files, jobs: 2, filter: TrailFilter()), options: TrailAnalysisOptions())
        let expected = Set(truth.flatMap { t in t.detections.map { "\(t.eventID) \($0)" } })
        let found = Set(report.detections.map { "\($0.eventID) \($0.detection)" })
        let labels = Dictionary(truth.map { ($0.eventID, $0.label) }, uniquingKeysWith: { a, _ in a })
        #expect(expected.subtracting(found).sorted().map { "\(labels[String($0.prefix(36))] ?? "") \($0)" } == [])
        #expect(found.subtracting(expected).sorted().map { "\(labels[String($0.prefix(36))] ?? "") \($0)" } == [])
        #expect(report.problems.isEmpty)
        #expect(report.stats.duplicates == 1)
    }
}

@Suite("CloudTrail layout")
struct LayoutTests {
    @Test("keys of both layouts are parsed; digests told apart")
    func parse() throws {
        let single = try #require(
            CloudTrailKey.parse("p/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/x.json.gz"))
        #expect(single.account == "111122223333")
        #expect(single.region == "eu-west-1")
        #expect(single.day == DateComponents(year: 2026, month: 10, day: 5))
        #expect(single.organizationID == nil)
        let org = try #require(
            CloudTrailKey.parse("AWSLogs/o-abc123/222233334444/CloudTrail/us-east-1/2026/10/05/x.json.gz"))
        #expect(org.organizationID == "o-abc123")
        #expect(org.account == "222233334444")
        #expect(
            CloudTrailKey.parse("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/05/d.json.gz")?.isDigest
                == true)
        #expect(CloudTrailKey.parse("logs/app.json") == nil)
    }

    @Test("folders outside the filter are pruned; late delivery is allowed for")
    func pruning() throws {
        let since = try #require(TimeArgument.parseTimestamp("2026-10-05T12:00:00Z"))
        let until = try #require(TimeArgument.parseTimestamp("2026-10-06T12:00:00Z"))
        let filter = TrailFilter(since: since, until: until, accounts: ["111122223333"], regions: ["us-east-1"])
        let base = "b/AWSLogs/o-x/111122223333/CloudTrail/us-east-1/"
        #expect(CloudTrailKey.folderMayContain("b/AWSLogs/", filter))
        #expect(CloudTrailKey.folderMayContain("b/AWSLogs/o-x/", filter))
        #expect(!CloudTrailKey.folderMayContain("b/AWSLogs/o-x/999988887777/", filter))
        #expect(!CloudTrailKey.folderMayContain("b/AWSLogs/o-x/111122223333/CloudTrail-Digest/", filter))
        #expect(!CloudTrailKey.folderMayContain("b/AWSLogs/o-x/111122223333/CloudTrail/eu-west-1/", filter))
        #expect(CloudTrailKey.folderMayContain(base + "2026/", filter))
        #expect(!CloudTrailKey.folderMayContain(base + "2025/", filter))
        #expect(!CloudTrailKey.folderMayContain(base + "2026/09/", filter))
        #expect(!CloudTrailKey.folderMayContain(base + "2026/10/04/", filter))
        #expect(CloudTrailKey.folderMayContain(base + "2026/10/05/", filter))
        #expect(CloudTrailKey.folderMayContain(base + "2026/10/07/", filter))  // delivered late
        #expect(!CloudTrailKey.folderMayContain(base + "2026/10/09/", filter))
    }
}

@Suite("The SIMD prefilter")
struct PrefilterTests {
    /// Hits and record counts of one buffer at an instruction-set level.
    func scan(_ bytes: [UInt8], level: Int32, capacity: Int = 1024) -> (records: Int, hits: [Int]) {
        var records = 0
        var hits = [Int](repeating: 0, count: capacity)
        let count = bytes.withUnsafeBytes { buffer in
            hits.withUnsafeMutableBufferPointer {
                rg_scan_hits_level(level, buffer.baseAddress, buffer.count, &records, $0.baseAddress, $0.count)
            }
        }
        return (count > capacity ? -1 : records, Array(hits[0..<min(count, hits.count)]))
    }

    @Test("a full hit list holds the first hits in order at every level, even where AVX-512 finds Root\" late")
    func fullListsAgree() {
        var generator = SystemRandomNumberGenerator()
        // Dense hits, each kind close to the others: the AVX-512 loop finds `Root"` eight bytes after the position it
        // tests, so near a full list the order of discovery is not the order of offsets.
        let pieces = [
            #"Root""#, "PasswordRecovery", "PrimaryEmailUpdate", #"\u0041"#, "x", "xx", "xxxxxxx", #""eventID""#,
        ]
        for _ in 0..<300 {
            var text = ""
            while text.utf8.count < Int.random(in: 150...900, using: &generator) {
                text += pieces.randomElement(using: &generator)!
            }
            let bytes = Array(text.utf8)
            for capacity in [1, 3, 8, 17] {
                let scalar = scan(bytes, level: 0, capacity: capacity)
                #expect(scan(bytes, level: 1, capacity: capacity) == scalar, "\(capacity) \(text)")
                #expect(scan(bytes, level: 2, capacity: capacity) == scalar, "\(capacity) \(text)")
            }
        }
    }

    @Test("scalar, AVX2 and AVX-512 find the same hits at every offset, and count the same records")
    func levelsAgree() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            #""eventID""#, #"Root""#, "PasswordRecovery", "PrimaryEmailUpdate", #"\u0052"#, #"\u003c"#,
            #""requestID""#, "Roo", "Passwo", #"\u00"#, "ID\"", "R", "P", "\\",
        ]
        for _ in 0..<300 {
            var text = ""
            while text.utf8.count < Int.random(in: 0...700, using: &generator) {
                if Bool.random(using: &generator) {
                    text += pieces.randomElement(using: &generator)!
                } else {
                    text += String(repeating: "x", count: Int.random(in: 0...40, using: &generator))
                }
            }
            let bytes = Array(text.utf8)
            let scalar = scan(bytes, level: 0)
            #expect(scan(bytes, level: 1) == scalar, "\(text)")
            #expect(scan(bytes, level: 2) == scalar, "\(text)")
            // And the scalar answer is the plain definition.
            let expectedRecords = text.components(separatedBy: #""eventID""#).count - 1
            #expect(scalar.records == expectedRecords)
        }
    }
}

@Suite("gzip members around libdeflate's DEFLATE decoder")
struct GzipMemberTests {
    @Test("the AVX-512 CRC-32 equals zlib's at every length and alignment")
    func crcAgreesWithZlib() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(1 << 20) + 3).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.withUnsafeBytes { buffer in
            for length in Array(0...2100) + [4095, 65_536, 65_599, 1 << 20] {
                for offset in 0..<3 {
                    let start = buffer.baseAddress! + offset
                    let seed = UInt32.random(in: 0...UInt32.max, using: &generator)
                    #expect(
                        rg_crc32_level(2, seed, start, length) == rg_crc32_level(0, seed, start, length),
                        "length \(length), offset \(offset)")
                }
            }
        }
    }

    /// A gzip member's header with the optional fields RFC 1952 allows (FEXTRA, FNAME, FCOMMENT, FHCRC).
    static func withOptionalFields(_ member: Data) -> Data {
        var header = Data(member.prefix(10))
        header[3] = 0x04 | 0x08 | 0x10 | 0x02
        header += Data([4, 0, 0x41, 0x42, 2, 0])  // XLEN 4 and a subfield
        header += Data("CloudTrail.json".utf8) + Data([0])
        header += Data("a comment".utf8) + Data([0])
        header += Data([0x12, 0x34])  // header CRC16 (not checked, as libdeflate and zlib do not)
        return header + member.dropFirst(10)
    }

    func scan(_ data: Data) -> ScanOutput {
        var output = ScanOutput()
        data.withUnsafeBytes { TrailBufferScanner(filter: TrailFilter()).scan($0, name: "x.json.gz", into: &output) }
        return output
    }

    @Test("optional header fields are read; a wrong CRC-32 or size is corrupt data")
    func headersAndTrailers() throws {
        let plain = try BadInputTests().gzip(BadInputTests.good)
        let fancy = Self.withOptionalFields(plain)
        for member in [plain, fancy] {
            let output = scan(member)
            #expect(output.problems.isEmpty, "\(output.problems)")
            #expect(output.records.count == 1)
        }
        var badCRC = fancy
        badCRC[badCRC.count - 8] ^= 0x01
        var badSize = fancy
        badSize[badSize.count - 4] ^= 0x01
        for corrupt in [badCRC, badSize] {
            let output = scan(corrupt)
            #expect(output.records.isEmpty)
            #expect(output.problems.map(\.message) == ["corrupt gzip data"], "\(output.problems)")
        }
    }
}
