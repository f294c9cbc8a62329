import Foundation
import RootGuard
import RootGuardAWS
import RootGuardTesting
import RootGuardTrail
import Testing

@Suite("rootguard trail on local files")
struct TrailCLITests {
    @Test func aHostileUserAgentCannotClearOrRetitleTheTerminal() throws {
        // The issue's reproduction: ESC[2J in userAgent, an OSC title sequence in sourceIPAddress, a bidi override.
        let record = TrailFixture.login("h1", time: "2026-11-02T10:00:00Z", ip: #"\u001b]0;pwned\u0007"#)
            .replacingOccurrences(of: #""userAgent":"Mozilla/5.0""#, with: #""userAgent":"\u001b[2J\u202e""#)
        let folder = try TrailFixture.folder(["a.json": #"{"Records":[\#(record)]}"#])
        let result = try CLI.run(["trail", folder.path], environment: [:])
        #expect(result.status == 3)
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(!result.stdout.contains("\u{202E}"))
        #expect(result.stdout.contains(#"\x1b]0;pwned\x07"#))
        let jsonl = try CLI.run(["trail", folder.path, "--output", "jsonl"], environment: [:])
        #expect(jsonl.stdout.contains(#""userAgent":"\u001b[2J\u202e""#) || jsonl.stdout.contains(#"\u001b[2J"#))
    }

    @Test func exitCodesTellNothingUnexpectedFromUnexpectedFromUnreadable() throws {
        let clean = try TrailFixture.folder(["a.json": #"{"Records":[]}"#])
        let quiet = try CLI.run(["trail", clean.path], environment: [:])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.contains("No root activity found."))

        let login = try TrailFixture.folder([
            "a.json": "[" + TrailFixture.login("e1", time: "2026-11-02T10:00:00Z") + "]"
        ])
        let found = try CLI.run(["trail", login.path], environment: [:])
        #expect(found.status == 3)
        #expect(found.stdout.contains("root-console-login-no-mfa"))

        let broken = try TrailFixture.folder(["a.json": #"{"Records":[]}"#, "b.json.gz": "not gzip at all"])
        let unreadable = try CLI.run(["trail", broken.path], environment: [:])
        #expect(unreadable.status == 4)
        #expect(unreadable.stderr.contains("b.json.gz"))
        #expect(unreadable.stderr.split(separator: "\n").count == 1)
        #expect(!unreadable.stderr.contains("Fatal error"))

        // Standard output never says "No root activity found." for what was not read (a script reading it had seen
        // an all-clear): it names what could not be read.
        #expect(!unreadable.stdout.contains("No root activity found"), "\(unreadable.stdout)")
        #expect(unreadable.stdout.hasPrefix("NOT AN ALL-CLEAR: 1 input could not be read"))
        let missing = try CLI.run(["trail", "/nonexistent/logs"], environment: [:])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("/nonexistent/logs"))
        #expect(!missing.stdout.contains("No root activity found") && missing.stdout.contains("/nonexistent/logs"))

        let badApprovals = try TrailFixture.folder(["approvals.yaml": "approvals:\n  - account: 12\n    from: soon\n"])
        let error = try CLI.run(
            ["trail", clean.path, "--approvals", badApprovals.appendingPathComponent("approvals.yaml").path],
            environment: [:])
        #expect(error.status == 1)
        #expect(error.stderr.contains("approvals.yaml"))
    }

    @Test func jsonlCarriesEveryFieldAResponderNeeds() throws {
        let folder = try TrailFixture.folder([
            "a.json": "[" + TrailFixture.login("e1", time: "2026-11-02T10:00:00Z", mfa: "Yes") + "]"
        ])
        let result = try CLI.run(["trail", folder.path, "--output", "jsonl"], environment: [:])
        let lines = try TrailFixture.detections(result.stdout)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        for key in [
            "eventID", "eventTime", "accountId", "region", "eventName", "detection", "severity", "expected", "source",
            "sourceIPAddress", "userAgent", "mfaUsed",
        ] {
            #expect(line[key] != nil, "\(key)")
        }
        #expect(line["detection"] as? String == "root-console-login-mfa")
        #expect(line["mfaUsed"] as? Bool == true)
        #expect(line["expected"] as? Bool == false)
        #expect((line["source"] as? String)?.hasSuffix("a.json") == true)
    }

    @Test func approvalsMarkTheApprovedWindowExpectedAndOnlyIt() throws {
        let records = [
            TrailFixture.login("in-window", time: "2026-11-02T10:30:00Z", mfa: "Yes", ip: "203.0.113.9"),
            TrailFixture.login("no-mfa", time: "2026-11-02T10:40:00Z", mfa: "No", ip: "203.0.113.9"),
            TrailFixture.login("wrong-ip", time: "2026-11-02T10:45:00Z", mfa: "Yes", ip: "192.0.2.1"),
            TrailFixture.login("after", time: "2026-11-02T12:30:00Z", mfa: "Yes", ip: "203.0.113.9"),
        ]
        let folder = try TrailFixture.folder([
            "logs/a.json": "{\"Records\":[" + records.joined(separator: ",") + "]}",
            "approvals.yaml": """
            approvals:
              - account: "111122223333"
                from: 2026-11-02T10:00:00Z
                until: 2026-11-02T11:00:00Z
                who: alice@example.com
                ticket: CHG-4711
                actions: [ConsoleLogin]
                sourceIPs: [203.0.113.0/24]
                requireMFA: true
            """,
        ])
        let result = try CLI.run(
            [
                "trail", folder.appendingPathComponent("logs").path, "--approvals",
                folder.appendingPathComponent("approvals.yaml").path, "--output", "jsonl",
            ], environment: [:])
        #expect(result.status == 3)
        let expected = Dictionary(
            uniqueKeysWithValues: try TrailFixture.detections(result.stdout).map {
                ($0["eventID"] as? String ?? "", $0["expected"] as? Bool ?? false)
            })
        #expect(expected == ["in-window": true, "no-mfa": false, "wrong-ip": false, "after": false])

        // With only approved activity the exit code is 0.
        let only = try TrailFixture.folder(["a.json": "[" + records[0] + "]"])
        let approved = try CLI.run(
            ["trail", only.path, "--approvals", folder.appendingPathComponent("approvals.yaml").path], environment: [:])
        #expect(approved.status == 0)
        #expect(approved.stdout.contains("yes (CHG-4711)"))
    }

    @Test func standardInputFiltersAndTheJSONSummary() throws {
        let records = [
            TrailFixture.login("old", time: "2026-10-01T10:00:00Z"),
            TrailFixture.login("new", time: "2026-11-02T10:00:00Z"),
        ]
        let input = Data(records.joined(separator: "\n").utf8)
        let result = try CLI.run(
            ["trail", "-", "--since", "2026-11-01", "--output", "json", "--stats"], environment: [:], input: input)
        #expect(result.status == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["detections"] as? Int == 1)
        #expect(summary["unexpected"] as? Int == 1)
        let accounts = try #require(json["accounts"] as? [[String: Any]])
        #expect(accounts.first?["accountId"] as? String == "111122223333")
        #expect(accounts.first?["firstSeen"] as? String == "2026-11-02T10:00:00Z")
        #expect(result.stderr.contains("stats: 1 inputs"))
        let other = try CLI.run(["trail", "-", "--account", "999988887777"], environment: [:], input: input)
        #expect(other.status == 0)
    }
}

@Suite("rootguard trail against moto (S3 and event history)", .motoServer, .serialized)
struct TrailAWSCLITests {
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]

    /// The detections with the source left out, for comparing two runs.
    func comparable(_ jsonl: String) throws -> [String] {
        try TrailFixture.detections(jsonl).map { line in
            var line = line
            line["source"] = nil
            return String(
                decoding: try JSONSerialization.data(withJSONObject: line, options: .sortedKeys), as: UTF8.self)
        }.sorted()
    }

    @Test func s3ReportsTheSameAsTheLocalScan() async throws {
        let moto = try await MotoServer.fresh()
        let corpus = try TrailFixture.corpus()
        let files = FileManager.default.enumerator(atPath: corpus.path)!.compactMap { $0 as? String }
            .filter { $0.hasPrefix("AWSLogs/") && $0.hasSuffix(".json.gz") }
        #expect(files.count > 5)
        try await moto.client().using { client in
            let s3 = client.s3()
            _ = try await s3.createBucket(.init(bucket: "org-trail"))
            for file in files {
                let body = try Data(contentsOf: corpus.appendingPathComponent(file))
                _ = try await s3.putObject(.init(body: body, bucket: "org-trail", key: "trail/" + file))
            }
        }
        let local = try CLI.run(
            ["trail", corpus.appendingPathComponent("AWSLogs").path, "--output", "jsonl"], environment: [:])
        let remote = try CLI.run(
            ["trail", "s3://org-trail/trail/", "--endpoint-url", moto.endpoint, "--output", "jsonl"],
            environment: Self.environment)
        #expect(remote.status == local.status)
        #expect(remote.stderr == "")
        #expect(try comparable(remote.stdout) == comparable(local.stdout))
        #expect(try !comparable(local.stdout).isEmpty)
        #expect(remote.stdout.contains("\"source\":\"s3://org-trail/trail/AWSLogs/"))

        // Pruned to one account: exactly that account's detections remain.
        let account = try #require(TrailFixture.detections(local.stdout).first?["accountId"] as? String)
        let one = try CLI.run(
            [
                "trail", "s3://org-trail/trail/", "--endpoint-url", moto.endpoint, "--output", "jsonl", "--account",
                account,
            ], environment: Self.environment)
        let localOne = try CLI.run(
            ["trail", corpus.appendingPathComponent("AWSLogs").path, "--output", "jsonl", "--account", account],
            environment: [:])
        #expect(try comparable(one.stdout) == comparable(localOne.stdout))
        #expect(try !comparable(one.stdout).isEmpty)
        #expect(try comparable(one.stdout).allSatisfy { $0.contains("\"accountId\":\"\(account)\"") })
    }

    /// The same time/account filter that leaves nothing says so for every source: exit 4 and the same line.
    @Test func anEmptyFilterResultIsReportedTheSameForFilesAndS3() async throws {
        let moto = try await MotoServer.fresh()
        let corpus = try TrailFixture.corpus(sizeMB: 0.5)
        let files = FileManager.default.enumerator(atPath: corpus.path)!.compactMap { $0 as? String }
            .filter { $0.hasPrefix("AWSLogs/") && $0.hasSuffix(".json.gz") }
        try await moto.client().using { client in
            _ = try await client.s3().createBucket(.init(bucket: "org-trail"))
            for file in files {
                let body = try Data(contentsOf: corpus.appendingPathComponent(file))
                _ = try await client.s3().putObject(.init(body: body, bucket: "org-trail", key: file))
            }
        }
        let filter = ["--account", "999999999999", "--since", "2020-01-01", "--until", "2020-01-02"]
        let local = try CLI.run(["trail", corpus.appendingPathComponent("AWSLogs").path] + filter, environment: [:])
        let remote = try CLI.run(
            ["trail", "s3://org-trail/AWSLogs/", "--endpoint-url", moto.endpoint] + filter,
            environment: Self.environment)
        #expect(local.status == 4)
        #expect(remote.status == 4, "\(remote.stdout)\(remote.stderr)")
        #expect(local.stderr.contains("no CloudTrail log files here"), "\(local.stderr)")
        #expect(local.stderr.contains("inside the filter"))
        #expect(remote.stderr.contains("s3://org-trail/AWSLogs/: no CloudTrail log files here"), "\(remote.stderr)")
        #expect(remote.stderr.contains("inside the filter"))
    }

    /// Standard input carrying a log file and then an EventBridge envelope line (and the reverse, with a
    /// pretty-printed document) gives exactly the detections the same two files give.
    @Test func anyMixOfContainersOnStandardInputIsReadAsTheFilesWouldBe() throws {
        let login = TrailFixture.login("mix-1", time: "2026-11-02T10:00:00Z")
        let call =
            #"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-02T11:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli","eventID":"mix-2","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#
        let document = #"{"Records":[\#(login)]}"#
        let envelope =
            #"{"version":"0","id":"e","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","account":"111122223333","time":"2026-11-02T11:00:00Z","region":"us-east-1","detail":\#(call)}"#
        let pretty = try String(
            decoding: JSONSerialization.data(
                withJSONObject: JSONSerialization.jsonObject(with: Data(document.utf8)), options: [.prettyPrinted]),
            as: UTF8.self)
        let folder = try TrailFixture.folder(["a.json": document, "b.jsonl": envelope + "\n"])
        let files = try CLI.run(["trail", folder.path, "--output", "jsonl"], environment: [:])
        let expected = Set(try TrailFixture.detections(files.stdout).compactMap { $0["eventID"] as? String })
        #expect(expected == ["mix-1", "mix-2"])
        for input in [document + "\n" + envelope + "\n", envelope + "\n" + pretty + "\n"] {
            let piped = try CLI.runWithInput(["trail", "-", "--output", "jsonl"], input: input)
            #expect(piped.status == files.status, "\(piped.stderr)")
            #expect(piped.stderr.isEmpty, "\(piped.stderr)")
            #expect(Set(try TrailFixture.detections(piped.stdout).compactMap { $0["eventID"] as? String }) == expected)
        }
    }

    /// A key holding a control character no longer makes the listing unparsable and hides the prefix: keys are listed
    /// URL-encoded and decoded, and the odd key is read like any other.
    @Test func anOddKeyHidesNothingElseUnderItsPrefix() async throws {
        let moto = try await MotoServer.fresh()
        let login = TrailFixture.login("odd-1", time: "2026-11-02T10:00:00Z")
        let other = TrailFixture.login("odd-2", time: "2026-11-02T11:00:00Z")
        try await moto.client().using { client in
            _ = try await client.s3().createBucket(.init(bucket: "odd-trail"))
            _ = try await client.s3().putObject(
                .init(body: Data(#"{"Records":[\#(login)]}"#.utf8), bucket: "odd-trail", key: "logs/a normal+file.json")
            )
            _ = try await client.s3().putObject(
                .init(body: Data(#"{"Records":[\#(other)]}"#.utf8), bucket: "odd-trail", key: "logs/odd\u{01}name.json")
            )
        }
        let result = try CLI.run(
            ["trail", "s3://odd-trail/logs/", "--endpoint-url", moto.endpoint, "--output", "jsonl"],
            environment: Self.environment)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(!result.stderr.contains("cannot be listed"), "\(result.stderr)")
        #expect(
            Set(try TrailFixture.detections(result.stdout).compactMap { $0["eventID"] as? String }) == [
                "odd-1", "odd-2",
            ])
    }

    @Test func aDownloadCutShortIsReadAgain() async throws {
        let listing = FaultServer.Behaviour.respond(
            status: 200, headers: [("Content-Type", "application/xml")],
            body: """
                <?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <Name>logs</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter>\
                <IsTruncated>false</IsTruncated><Contents><Key>a.json</Key><Size>10</Size></Contents></ListBucketResult>
                """)
        let body = "[" + TrailFixture.login("cut-1", time: "2026-11-02T10:00:00Z") + "]"
        // The first download breaks off half-way; the second is whole.
        let server = try await FaultServer.start(script: [
            listing, .truncated(status: 200, headers: [], body: body, sending: body.utf8.count / 2),
            .respond(status: 200, body: body),
        ])
        let result = try CLI.run(
            ["trail", "s3://logs/", "--endpoint-url", server.endpoint, "--output", "jsonl"],
            environment: Self.environment)
        await server.stop()
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "a retried download leaves no problem behind: \(result.stderr)")
        #expect(try TrailFixture.detections(result.stdout).map { $0["eventID"] as? String } == ["cut-1"])
        #expect(server.received.count == 3)
    }

    @Test func s3AccessDeniedIsOneLinePerInputAndTheScanGoesOn() async throws {
        let denied = FaultServer.Behaviour.respond(
            status: 403, headers: [("Content-Type", "application/xml")],
            body:
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId></Error>"
        )
        let listing = FaultServer.Behaviour.respond(
            status: 200, headers: [("Content-Type", "application/xml")],
            body: """
                <?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <Name>logs</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter>\
                <IsTruncated>false</IsTruncated><Contents><Key>a.json</Key><Size>10</Size></Contents>\
                <Contents><Key>b.json</Key><Size>10</Size></Contents></ListBucketResult>
                """)
        let record = FaultServer.Behaviour.respond(
            status: 200, body: "[" + TrailFixture.login("s3-1", time: "2026-11-02T10:00:00Z") + "]")
        // Object a.json is denied, b.json holds a root sign-in: one line for a, b still reported.
        let server = try await FaultServer.start(script: [listing, denied, record])
        let result = try CLI.run(
            ["trail", "s3://logs/", "--endpoint-url", server.endpoint, "--jobs", "1", "--output", "jsonl"],
            environment: Self.environment)
        await server.stop()
        #expect(result.status == 3)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("s3://logs/a.json"))
        #expect(result.stderr.contains("AccessDenied"))
        #expect(try TrailFixture.detections(result.stdout).map { $0["eventID"] as? String } == ["s3-1"])

        // A bucket that cannot be listed at all: exit 4.
        let locked = try await FaultServer.start(script: [denied])
        let none = try CLI.run(
            ["trail", "s3://locked/", "--endpoint-url", locked.endpoint], environment: Self.environment)
        await locked.stop()
        #expect(none.status == 4)
        #expect(none.stderr.contains("s3://locked/"))
        #expect(none.stderr.contains("AccessDenied"))
        #expect(!none.stderr.contains("secret"))
    }

    @Test func everyCallTrailMakesIsInThePrintedPolicy() async throws {
        let moto = try await MotoServer.fresh()
        let calls = Calls()
        try await moto.client().using { client in
            _ = try await client.s3().createBucket(.init(bucket: "logs"))
            _ = try await client.s3().putObject(
                .init(
                    body: Data("[\(TrailFixture.login("p1", time: "2026-11-02T10:00:00Z"))]".utf8), bucket: "logs",
                    key: "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/a.json"))
            let observed = client.with(observer: { service, operation in
                // ListObjectsV2 is authorised by s3:ListBucket.
                let name = operation.name == "ListObjectsV2" ? "ListBucket" : operation.name
                calls.add("\(AWSError.iamPrefixForTests(service.name)):\(name)")
            })
            let hunter = CloudTrailReader(client: observed, filter: .init())
            let s3 = await hunter.scanS3(bucket: "logs", prefix: "")
            #expect(s3.records.count == 1)
            _ = await hunter.scanLookup(regions: await hunter.enabledRegions())
        }
        let printed = try CLI.run(["policy"], environment: [:])
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let allowed = Set(((document?["Statement"] as? [[String: Any]])?.first?["Action"] as? [String]) ?? [])
        #expect(calls.all.count >= 3)
        #expect(calls.all.isSubset(of: allowed), "not in the policy: \(calls.all.subtracting(allowed).sorted())")
        #expect(calls.all.isSubset(of: Set(TrailHunter.requiredActions)))
    }

    @Test func largeObjectsAreStreamedWithTheSameResult() async throws {
        let moto = try await MotoServer.fresh()
        let corpus = try TrailFixture.corpus(sizeMB: 1)
        let files = FileManager.default.enumerator(atPath: corpus.path)!.compactMap { $0 as? String }
            .filter { $0.hasPrefix("AWSLogs/") && $0.hasSuffix(".json.gz") }
        try await moto.client().using { client in
            _ = try await client.s3().createBucket(.init(bucket: "big"))
            for file in files {
                _ = try await client.s3().putObject(
                    .init(body: try Data(contentsOf: corpus.appendingPathComponent(file)), bucket: "big", key: file))
            }
            // Every object held whole, then every object streamed (a 64-byte threshold).
            let whole = await CloudTrailReader(client: client, filter: .init()).scanS3(bucket: "big", prefix: "")
            let streamed = await CloudTrailReader(client: client, filter: .init(), maxWholeBytes: 64).scanS3(
                bucket: "big", prefix: "")
            #expect(whole.problems.isEmpty)
            #expect(streamed.problems.isEmpty)
            #expect(whole.records.count > 0)
            #expect(Set(streamed.records.map(\.eventID)) == Set(whole.records.map(\.eventID)))
            #expect(streamed.stats.records == whole.stats.records)
            #expect(streamed.stats.jsonBytes == whole.stats.jsonBytes)
        }
    }

    @Test func lookupReadsTheEventHistory() async throws {
        let moto = try await MotoServer.fresh()
        let now = Date()
        let time = now.addingTimeInterval(-3600).formatted(.iso8601)
        let login = try JSONSerialization.jsonObject(with: Data(TrailFixture.login("lk1", time: time).utf8))
        let other: [String: Any] = [
            "eventVersion": "1.08", "eventTime": time, "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets",
            "eventID": "lk2", "awsRegion": "us-east-1", "recipientAccountId": "123456789012",
            "userIdentity": ["type": "IAMUser", "userName": "alice", "arn": "arn:aws:iam::123456789012:user/alice"],
        ]
        try await moto.setEvents(account: "123456789012", region: "us-east-1", [login as! [String: Any], other])
        let result = try CLI.run(
            ["trail", "lookup", "--region", "us-east-1", "--endpoint-url", moto.endpoint, "--output", "jsonl"],
            environment: Self.environment)
        #expect(result.status == 3, "\(result.stderr)")
        let lines = try TrailFixture.detections(result.stdout)
        #expect(lines.map { $0["eventID"] as? String } == ["lk1"])
        #expect(lines.first?["source"] as? String == "lookup:us-east-1")
    }
}
