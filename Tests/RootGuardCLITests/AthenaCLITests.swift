import Foundation
import RootGuard
import RootGuardAWS
import RootGuardModel
import RootGuardTesting
import RootGuardTrail
import Testing

/// `trail athena`: the printed SQL, run by DuckDB on a generated organization corpus loaded in Athena's CloudTrail
/// schema, must find exactly what the local scan finds; the API flow runs against moto (results seeded with those
/// very rows) and against the fault server (a failed query).
@Suite("rootguard trail athena", .motoServer, .serialized)
struct AthenaCLITests {
    static let environment = HardenOrganizationCLITests.environment
    static let tools = HardenOrganizationCLITests.tools
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/athena_duckdb.py")

    struct Row: Hashable {
        var eventID: String
        var detection: String
        var credential: String
        var assumeRootEventID: String?
    }

    static func local(_ corpus: URL, _ filters: [String]) throws -> Set<Row> {
        let result = try CLI.run(["trail", corpus.path, "--output", "jsonl"] + filters, environment: [:])
        #expect(result.status == 3, "\(result.stderr)")
        return Set(
            try TrailFixture.detections(result.stdout).compactMap { d -> Row? in
                guard let id = d["detection"] as? String, id != "root-console-login-failure-burst" else { return nil }
                return Row(
                    eventID: d["eventID"] as? String ?? "", detection: id, credential: d["credential"] as? String ?? "",
                    assumeRootEventID: (d["details"] as? [String: String])?["assumeRootEventID"])
            })
    }

    /// The SQL's rows from DuckDB (column → value).
    static func duckdb(
        _ corpus: URL, _ filters: [String], accounts: [String] = TrailFixture.corpusAccounts
    ) throws -> [[String: String]] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-athena-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Every account hunted: the table enumerates the corpus's accounts, as --list-accounts would.
        let sql = try CLI.run(
            ["trail", "athena", "--print-sql"]
                + (filters.contains("--account") ? filters : filters + ["--all-accounts"]),
            environment: [:])
        #expect(sql.status == 0, "\(sql.stderr)")
        let ddl = try CLI.run(
            ["trail", "athena", "--print-ddl", "--bucket", "org-trail-logs", "--org-id", "o-a1b2c3d4e5"]
                + accounts.flatMap { ["--account", $0] },
            environment: [:])
        #expect(ddl.status == 0)
        #expect(AthenaProjectionRule.violations(ddl: ddl.stdout, sql: sql.stdout) == [])
        try Data(sql.stdout.utf8).write(to: folder.appendingPathComponent("hunt.sql"))
        try Data(ddl.stdout.utf8).write(to: folder.appendingPathComponent("table.ddl"))
        let run = try CLI.run(
            [
                "-c",
                "python3 '\(script.path)' '\(corpus.path)' '\(folder.path)/hunt.sql' '\(folder.path)/table.ddl'",
            ], environment: tools, shell: true)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?.compactMapValues {
                $0 as? String
            }
        }
    }

    /// Seeds moto's Athena with these rows as the next query's result (what Athena would return for the SQL).
    static func seed(_ moto: MotoServer, _ rows: [[String: String]]) async throws {
        let columns = [
            "eventid", "detection", "severity", "eventtime", "eventname", "eventsource", "recipientaccountid",
            "awsregion", "sourceipaddress", "useragent", "credential", "accesskeyid", "mfaused", "outcome",
            "errorcode", "assumerooteventid", "caller", "taskpolicy", "targetaccount",
        ]
        func datum(_ value: String?) -> [String: Any] { value.map { ["VarCharValue": $0] } ?? [:] }
        var resultRows: [[String: Any]] = [["Data": columns.map { datum($0) }]]
        for row in rows {
            let data: [[String: Any]] = columns.map { datum(row[$0]) }
            resultRows.append(["Data": data])
        }
        let info: [[String: Any]] = columns.map { ["Name": $0, "Type": "varchar"] }
        let result: [String: Any] = ["rows": resultRows, "column_info": info]
        let seeded: [String: Any] = [
            "account_id": MotoServer.defaultAccount, "region": "us-east-1", "results": [result],
        ]
        try await moto.post(
            "/moto-api/static/athena/query-results", body: Array(try JSONSerialization.data(withJSONObject: seeded)))
    }

    static func rows(_ rows: [[String: String]]) -> Set<Row> {
        Set(
            rows.map {
                Row(
                    eventID: $0["eventid"] ?? "", detection: $0["detection"] ?? "", credential: $0["credential"] ?? "",
                    assumeRootEventID: $0["assumerooteventid"])
            })
    }

    @Test func theSQLFindsExactlyWhatTheLocalScanFindsOnAnOrganizationCorpus() throws {
        let corpus = try TrailFixture.corpus(sizeMB: 3)
        let everything = try Self.duckdb(corpus, [])
        let local = try Self.local(corpus, [])
        #expect(!local.isEmpty)
        #expect(
            Self.rows(everything) == local,
            "SQL only: \(Self.rows(everything).subtracting(local)); local only: \(local.subtracting(Self.rows(everything)))"
        )
        // The corpus holds AssumeRoot sessions (joined) and hard negatives (absent from both).
        #expect(local.contains { $0.detection == "assume-root-session-action" && $0.assumeRootEventID != nil })
        // With partition and time filters, still the same as the local scan with the same filters.
        let filters = ["--account", "111122223333", "--since", "2026-10-03", "--until", "2026-10-08"]
        let filtered = try Self.local(corpus, filters)
        #expect(!filtered.isEmpty && filtered.count < local.count)
        #expect(Self.rows(try Self.duckdb(corpus, filters)) == filtered)
    }

    @Test func theQueryRunsThroughAthenasAPIAndGivesTrailsReport() async throws {
        let corpus = try TrailFixture.corpus(sizeMB: 3)
        let rows = try Self.duckdb(corpus, [])
        let moto = try await MotoServer.fresh()
        try await Self.seed(moto, rows)
        let ran = try CLI.run(
            [
                "trail", "athena", "--database", "default", "--table", "cloudtrail_logs", "--workgroup", "primary",
                "--output-location", "s3://athena-results/", "--output", "jsonl", "--endpoint-url", moto.endpoint,
                "--all-accounts",
            ], environment: Self.environment)
        #expect(ran.status == 3, "\(ran.stderr)")
        #expect(ran.stderr.contains("athena query "))
        let athena = try TrailFixture.detections(ran.stdout).map { "\($0["eventID"] ?? "")/\($0["detection"] ?? "")" }
        let localRun = try CLI.run(["trail", corpus.path, "--output", "jsonl"], environment: [:])
        let local = try TrailFixture.detections(localRun.stdout).map {
            "\($0["eventID"] ?? "")/\($0["detection"] ?? "")"
        }
        // Bursts are applied by rootguard to the returned rows: the whole report matches the local one.
        #expect(athena.sorted() == local.sorted())
        #expect(athena.contains { $0.hasSuffix("/root-console-login-failure-burst") })
    }

    @Test func aFailedQueryPrintsAthenasReasonAndExitsOne() async throws {
        let server = try await FaultServer.start(script: [
            .respond(
                status: 200, headers: [("Content-Type", "application/x-amz-json-1.1")],
                body: #"{"QueryExecutionId":"q-1"}"#),
            .respond(
                status: 200, headers: [("Content-Type", "application/x-amz-json-1.1")],
                body:
                    #"{"QueryExecution":{"QueryExecutionId":"q-1","Status":{"State":"FAILED","StateChangeReason":"TABLE_NOT_FOUND: line 1:1: Table 'default.cloudtrail_logs' does not exist"}}}"#
            ),
        ])
        let result = try CLI.run(
            ["trail", "athena", "--endpoint-url", server.endpoint, "--max-attempts", "1", "--account", "111122223333"],
            environment: Self.environment)
        await server.stop()
        #expect(result.status == 1)
        #expect(result.stderr.contains("athena query q-1 FAILED: TABLE_NOT_FOUND"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// `--list-accounts` enumerates the organization's accounts in the DDL (Organizations ListAccounts), so a query
    /// over every account needs no account condition.
    @Test func theDDLCanEnumerateTheOrganizationsAccounts() async throws {
        let moto = try await MotoServer.fresh()
        let member = try await moto.client().using { client in
            _ = try await client.organizations().createOrganization(.init(featureSet: "ALL"))
            return try #require(
                try await client.organizations().createAccount(
                    .init(email: "member@example.com", accountName: "member")
                ).createAccountStatus?.accountId)
        }
        let ddl = try CLI.run(
            [
                "trail", "athena", "--print-ddl", "--bucket", "org-trail-logs", "--org-id", "o-a1b2c3d4e5",
                "--list-accounts", "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        #expect(ddl.status == 0, "\(ddl.stderr)")
        #expect(ddl.stdout.contains("'projection.account.type'='enum'"))
        #expect(ddl.stdout.contains(member) && ddl.stdout.contains(MotoServer.defaultAccount))
        #expect(AthenaProjectionRule.injectedColumns(ddl.stdout) == [])
    }

    @Test func badNamesAreRefusedBeforeAnyQuery() throws {
        for (arguments, message) in [
            (["--print-ddl", "--bucket", "Bad_Bucket"], "is not an S3 bucket name"),
            (["--print-ddl", "--bucket", "b-1", "--org-id", "o-x'y"], "is not an organization id"),
            (["--print-sql", "--table", "logs; DROP TABLE x"], "must be lower-case letters"),
            (["--print-sql", "--region", "us-east-1' OR '1'='1"], "is not a region name"),
            (["--print-sql"], "name the accounts to hunt with --account"),
            (["--print-sql", "--account", "111122223333", "--region", "cn-north-1"], "region of partition aws-cn"),
            (["--print-ddl", "--bucket", "b-1", "--list-accounts"], "--list-accounts goes with --print-ddl --org-id"),
        ] {
            let result = try CLI.run(["trail", "athena"] + arguments, environment: [:])
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}

extension AthenaCLITests {
    @Test func everyCallOfTrailAthenaAndWatchIsInThePrintedPolicy() async throws {
        let moto = try await MotoServer.fresh()
        let calls = Calls()
        try await moto.client().using { client in
            let observed = client.with(observer: { service, operation in
                calls.add("\(AWSError.iamPrefixForTests(service.name)):\(AWSError.iamActionName(operation.name))")
            })
            _ = try await AthenaHunt.run(
                sql: "SELECT 1", database: "default", workgroup: "primary", outputLocation: "s3://results/",
                client: observed, analysis: .init())
            // watch: one message received, alerted to SNS, deleted.
            let queue = try #require(try await client.sqs().createQueue(.init(queueName: "q")).queueUrl)
            let topic = try #require(try await client.sns().createTopic(.init(name: "t")).topicArn)
            let record =
                #"{"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"123456789012","accessKeyId":"AKIAROOTKEYEXAMPLE01"},"eventTime":"2026-12-04T08:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","eventID":"p-1","eventType":"AwsApiCall","recipientAccountId":"123456789012"}"#
            _ = try await client.sqs().sendMessage(.init(queueUrl: queue, messageBody: record))
            var options = RootWatch.Options(queueURL: queue)
            options.waitSeconds = 1
            let watch = try RootWatch(
                options: options, client: observed, sinks: [SNSSink(topicARN: topic, client: observed)], log: { _ in })
            let running = Task { try await watch.run() }
            while watch.stats.alerted == 0 { try await Task.sleep(for: .milliseconds(50)) }
            watch.stop()
            try await running.value
        }
        let printed = try CLI.run(["policy", "--with-watch", "--with-athena"], environment: [:])
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let allowed = Set(
            ((document?["Statement"] as? [[String: Any]]) ?? []).flatMap { ($0["Action"] as? [String]) ?? [] })
        #expect(calls.all.contains("sqs:ReceiveMessage") && calls.all.contains("athena:GetQueryResults"))
        #expect(calls.all.isSubset(of: allowed), "not in the policy: \(calls.all.subtracting(allowed).sorted())")
    }
}
