import Foundation
import RootGuardAWS
import RootGuardTesting
import Testing

/// `rootguard watch` end to end: `harden watch --apply` builds the queue and rules in moto, events go on the bus
/// with PutEvents, moto's EventBridge delivers the matching ones to the queue, and the built binary runs as a child
/// process delivering to a local webhook (the fault server) and stdout.
@Suite("rootguard watch and harden watch against moto", .motoServer, .serialized)
struct WatchCLITests {
    static let environment = HardenOrganizationCLITests.environment
    static let account = MotoServer.defaultAccount

    /// A running `rootguard watch`; its output goes to files so nothing blocks.
    final class Running {
        let process = Process()
        let out: URL
        let err: URL

        init(_ arguments: [String], environment: [String: String]) throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-watch-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            out = folder.appendingPathComponent("stdout")
            err = folder.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.executableURL = CLI.binary
            process.arguments = ["watch"] + arguments
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "AWS_EC2_METADATA_DISABLED": "true"]
                .merging(environment) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
        }

        var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }
        var lines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        /// SIGTERM, then the exit status.
        func stop() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func until(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// `harden watch --apply` for us-east-1; the queue's URL as moto names it.
    func deploy(_ moto: MotoServer) async throws -> String {
        let applied = try CLI.run(
            ["harden", "watch", "--regions", "us-east-1", "--apply", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        return try await moto.client().using {
            try #require(try await $0.sqs().getQueueUrl(.init(queueName: "rootguard-watch")).queueUrl)
        }
    }

    static func record(
        _ id: String, name: String = "CreateUser", identity: [String: Any]? = nil, time: String = "2026-12-04T08:00:00Z"
    ) -> [String: Any] {
        [
            "eventVersion": "1.08",
            "userIdentity": identity ?? [
                "type": "Root", "principalId": account, "arn": "arn:aws:iam::\(account):root", "accountId": account,
                "accessKeyId": "AKIAROOTKEYEXAMPLE01",
            ],
            "eventTime": time, "eventSource": "iam.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2", "eventID": id, "eventType": "AwsApiCall",
            "recipientAccountId": account, "readOnly": false,
        ]
    }

    func put(_ moto: MotoServer, _ records: [[String: Any]]) async throws {
        try await moto.client().using { client in
            let entries = try records.map { record in
                EventBridge.PutEventsRequestEntry(
                    source: "aws.iam", detailType: "AWS API Call via CloudTrail",
                    detail: String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self))
            }
            let result = try await client.eventBridge().putEvents(.init(entries: entries))
            #expect(result.failedEntryCount == 0)
        }
    }

    func queueDepth(_ moto: MotoServer, _ url: String) async throws -> Int {
        try await moto.client().using { client in
            let attributes =
                try await client.sqs().getQueueAttributes(
                    .init(
                        queueUrl: url,
                        attributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
                ).attributes ?? [:]
            return attributes.values.compactMap { Int($0) }.reduce(0, +)
        }
    }

    func successful(_ webhook: FaultServer, failing: Int) -> [[String: Any]] {
        webhook.received.dropFirst(failing).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]
        }
    }

    @Test func rootEventsReachTheWebhookOnceNonRootDoNotAndSIGTERMExitsZero() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        // The account's root e-mail (account:GetPrimaryEmail): every alert carries it, as the practices ask.
        try await moto.setRoot(account: Self.account, ["primaryEmail": "aws-root@example.com"])
        let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("rg-state-\(UUID().uuidString)")
        let arguments = [
            "--queue-url", queue, "--webhook", webhook.endpoint + "/hooks/T000/secret", "--wait-seconds", "1",
            "--state", state.path, "--endpoint-url", moto.endpoint,
        ]
        let watch = try Running(arguments, environment: Self.environment)
        var bob = Self.record("e-user")
        bob["userIdentity"] = [
            "type": "IAMUser", "arn": "arn:aws:iam::\(Self.account):user/bob", "accountId": Self.account,
        ]
        try await put(moto, [Self.record("e-root"), bob])
        // CreateUser with a root key: the key use, the persistence, and the task that did not need root.
        #expect(try await Self.until { webhook.received.count >= 3 }, "\(watch.stderr)")
        try await Task.sleep(for: .milliseconds(500))
        let bodies = successful(webhook, failing: 0)
        #expect(bodies.count == 3)
        #expect(Set(bodies.compactMap { ($0["detection"] as? [String: Any])?["eventID"] as? String }) == ["e-root"])
        #expect(bodies.allSatisfy { ($0["text"] as? String)?.contains("account \(Self.account)") == true })
        #expect(bodies.allSatisfy { ($0["text"] as? String)?.contains("root e-mail aws-root@example.com") == true })
        let respond = "rootguard respond --account \(Self.account) --since "
        #expect(
            bodies.allSatisfy {
                (($0["detection"] as? [String: Any])?["details"] as? [String: Any])?["respond"] as? String
                    == respond + "2026-12-04T07:00:00Z --logs lookup"
            }, "\(bodies)")
        #expect(
            watch.lines.allSatisfy {
                ($0["details"] as? [String: Any])?["rootEmail"] as? String == "aws-root@example.com"
            })
        #expect(
            Set(watch.lines.compactMap { $0["detection"] as? String }) == [
                "root-api-call-access-key", "root-persistence", "root-unneeded-task",
            ])
        #expect(try await Self.until { try await queueDepth(moto, queue) == 0 }, "processed messages are deleted")
        try Schemas.check(watch.stdout, against: "detection.schema.json", lines: true)

        // The same record again (a redelivery): alerted once, nothing new at the webhook.
        try await put(moto, [Self.record("e-root")])
        #expect(try await Self.until { try await queueDepth(moto, queue) == 0 })
        #expect(webhook.received.count == 3)
        #expect(watch.stop() == 0, "\(watch.stderr)")
        #expect(watch.stderr.contains("1 duplicate") || watch.stderr.contains("3 duplicate"), "\(watch.stderr)")
        #expect(!watch.stderr.contains("secret"), "the webhook's path holds a token: never printed")

        // Sent while stopped: delivered after a restart, and the state file still knows the first ones. (Sent after
        // the cancelled long poll's own wait has passed: a message SQS hands to a poll nobody reads any more reappears
        // only after the visibility timeout.)
        try await Task.sleep(for: .seconds(1.5))
        try await put(moto, [Self.record("e-later", name: "CreateAccessKey"), Self.record("e-root")])
        let again = try Running(arguments, environment: Self.environment)
        #expect(try await Self.until { webhook.received.count >= 5 }, "\(again.stderr)")
        try await Task.sleep(for: .milliseconds(500))
        #expect(again.stop() == 0)
        let later = successful(webhook, failing: 0).compactMap {
            ($0["detection"] as? [String: Any])?["eventID"] as? String
        }
        #expect(later.filter { $0 == "e-root" }.count == 3, "e-root alerted once per detection across restarts")
        #expect(later.contains("e-later"))
        await webhook.stop()
    }

    /// A webhook that never answers once held up every other sink (the healthy one got an alert every ~31.5 s) and
    /// the batch's other messages. Now each sink is delivered to on its own: the healthy webhook has every alert while
    /// the hanging one is still being tried, and the message stays invisible meanwhile (nothing is delivered twice).
    @Test func aHangingWebhookDelaysNoOtherSink() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let hanging = try await FaultServer.start(script: [], fallback: .hang)
        let healthy = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
        let watch = try Running(
            [
                "--queue-url", queue, "--webhook", hanging.endpoint + "/hang", "--webhook", healthy.endpoint + "/ok",
                "--wait-seconds", "1", "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        try await put(moto, [Self.record("e-1"), Self.record("e-2", name: "CreateAccessKey"), Self.record("e-3")])
        // Three alerts for each CreateUser, two for CreateAccessKey (see above): eight, well before one hanging attempt
        // (10 s) could have ended.
        #expect(try await Self.until(8) { healthy.received.count >= 8 }, "\(healthy.received.count) \(watch.stderr)")
        #expect(hanging.received.count >= 1, "the hanging webhook is being tried at the same time")
        try await Task.sleep(for: .milliseconds(500))
        #expect(healthy.received.count == 8, "each alert once")
        #expect(watch.lines.count == 8)
        #expect(watch.stop() == 0, "\(watch.stderr)")
        await hanging.stop()
        await healthy.stop()
    }

    /// `docker stop` sends SIGKILL 10 s after SIGTERM; watch used to wait for its 20 s long poll to end.
    @Test func sigtermCancelsTheLongPollAtOnce() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let watch = try Running(
            ["--queue-url", queue, "--wait-seconds", "20", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        try await Task.sleep(for: .seconds(2))  // inside the first long poll
        let asked = Date()
        let status = watch.stop()
        #expect(status == 0, "\(watch.stderr)")
        #expect(Date().timeIntervalSince(asked) < 5, "exited \(Date().timeIntervalSince(asked)) s after SIGTERM")
    }

    @Test func aFailingWebhookLosesNothingAndTheAlertArrivesAfterRecovery() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let failing = 6
        let webhook = try await FaultServer.start(
            script: Array(repeating: .respond(status: 500, body: "down"), count: failing),
            fallback: .respond(status: 200, body: "ok"))
        let watch = try Running(
            [
                "--queue-url", queue, "--webhook", webhook.endpoint, "--wait-seconds", "1", "--endpoint-url",
                moto.endpoint,
            ], environment: Self.environment)
        try await put(moto, [Self.record("e-flaky", name: "CreateAccessKey")])
        #expect(try await Self.until(40) { successful(webhook, failing: failing).count >= 2 }, "\(watch.stderr)")
        #expect(try await Self.until { try await queueDepth(moto, queue) == 0 })
        #expect(watch.stop() == 0)
        let delivered = successful(webhook, failing: failing).compactMap {
            ($0["detection"] as? [String: Any])?["detection"] as? String
        }
        #expect(delivered.sorted() == ["root-access-key-created", "root-api-call-access-key"])
        #expect(watch.stderr.contains("HTTP 500"))
        #expect(watch.lines.count == 2, "stdout got each alert once although the message was handled twice")
    }

    /// A processed message used to stay in flight until the next long poll returned (deleted ~20 s after its alert
    /// went out), and a message sent while watch was stopping went to the poll SIGTERM abandoned: it came back only
    /// after the queue's 60 s visibility timeout. Now a message is deleted as soon as its deliveries are done, and a
    /// stop lets the (5 s) poll in flight finish and releases what it brought.
    @Test func aMessageIsDeletedWhenDeliveredAndOneSentDuringAStopIsNotHeldBack() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
        let arguments = ["--queue-url", queue, "--webhook", webhook.endpoint, "--endpoint-url", moto.endpoint]
        let watch = try Running(arguments, environment: Self.environment)
        try await Task.sleep(for: .seconds(1))
        try await put(moto, [Self.record("e-prompt", name: "CreateAccessKey")])
        #expect(try await Self.until { webhook.received.count >= 2 }, "\(watch.stderr)")
        #expect(
            try await Self.until(2.5) { try await queueDepth(moto, queue) == 0 },
            "deleted within moments of its delivery, not after the next 5 s poll")

        // SIGTERM inside a poll, and a root event on the bus at once: the poll finishes, and what it received is
        // released, so the next watch has it within seconds.
        try await Task.sleep(for: .seconds(1))
        watch.process.terminate()
        try await put(moto, [Self.record("e-during-stop", name: "CreateAccessKey")])
        let asked = Date()
        watch.process.waitUntilExit()
        #expect(watch.process.terminationStatus == 0, "\(watch.stderr)")
        #expect(Date().timeIntervalSince(asked) < 10, "within docker's 10 s")
        let again = try Running(arguments, environment: Self.environment)
        #expect(
            try await Self.until(15) {
                successful(webhook, failing: 0).contains {
                    ($0["detection"] as? [String: Any])?["eventID"] as? String == "e-during-stop"
                }
            }, "not held back for the visibility timeout: \(again.stderr)")
        #expect(again.stop() == 0)
        await webhook.stop()
    }

    /// With a failing webhook watch used to print nothing while it failed, on stop a raw `CancellationError()`, and
    /// its counters said "0 alerted" though standard output had printed every alert.
    @Test func aFailingSinkIsSaidOnceWhenItFailsAndOnceWhenItRecoversAndTheCountersCountWhatWasPrinted() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let failing = 4
        let flaky = try await FaultServer.start(
            script: Array(repeating: .respond(status: 500, body: "down"), count: failing),
            fallback: .respond(status: 200, body: "ok"))
        let watch = try Running(
            [
                "--queue-url", queue, "--webhook", flaky.endpoint + "/flaky", "--wait-seconds", "1", "--endpoint-url",
                moto.endpoint,
            ],
            environment: Self.environment)
        try await put(moto, [Self.record("e-1", name: "CreateAccessKey")])
        #expect(try await Self.until(30) { successful(flaky, failing: failing).count >= 2 }, "\(watch.stderr)")
        #expect(try await Self.until { watch.stderr.contains("recovered after") }, "\(watch.stderr)")
        #expect(watch.stop() == 0)
        let flakyName = "webhook:http://127.0.0.1:\(flaky.port)"
        #expect(
            watch.stderr.components(separatedBy: "\(flakyName) is failing").count == 2,
            "said once when it starts: \(watch.stderr)")
        #expect(watch.stderr.components(separatedBy: "\(flakyName) recovered after").count == 2, "\(watch.stderr)")
        await flaky.stop()

        // A webhook that hangs, stopped in the middle of its delivery: words, no error type, no retry after the stop,
        // and the counters count the alerts standard output printed.
        let hanging = try await FaultServer.start(script: [], fallback: .hang)
        let second = try Running(
            [
                "--queue-url", queue, "--webhook", hanging.endpoint + "/hang", "--wait-seconds", "1", "--endpoint-url",
                moto.endpoint,
            ],
            environment: Self.environment)
        try await put(moto, [Self.record("e-2", name: "CreateAccessKey")])
        #expect(try await Self.until { hanging.received.count >= 1 && second.lines.count >= 2 }, "\(second.stderr)")
        let tries = hanging.received.count
        #expect(second.stop() == 0)
        try await Task.sleep(for: .seconds(1))
        let stderr = second.stderr
        #expect(!stderr.contains("CancellationError"), "\(stderr)")
        #expect(stderr.contains("not delivered before watch stopped"), "\(stderr)")
        #expect(hanging.received.count == tries, "no attempt after the stop")
        #expect(stderr.contains("2 alerted"), "standard output printed both alerts: \(stderr)")
        await hanging.stop()
    }

    /// An organization whose member has a user `backup-admin` with an access key, and a scratch folder; the client
    /// stays open (the caller shuts it down).
    func memberWithAUser(
        _ moto: MotoServer
    ) async throws -> (client: AWSClient, member: String, inMember: AWSClient, userKey: String, folder: URL) {
        let client = try await moto.client()
        let (member, inMember) = try await RootTaskCLITests().organization(moto, client)
        _ = try await inMember.iam().createUser(.init(userName: "backup-admin"))
        let userKey = try #require(
            try await inMember.iam().createAccessKey(.init(userName: "backup-admin")).accessKey?.accessKeyId)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-wr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (client, member, inMember, userKey, folder)
    }

    /// A member's root session as EventBridge delivers it: console credentials, no MFA, a user created with a key.
    func memberSession(_ member: String, key: String, at time: Date) -> [[String: Any]] {
        [
            RespondCLITests.rootCall(
                member, time, "iam.amazonaws.com", "CreateUser", request: ["userName": "backup-admin"]),
            RespondCLITests.rootCall(
                member, time.addingTimeInterval(30), "iam.amazonaws.com", "CreateAccessKey",
                request: ["userName": "backup-admin"],
                response: ["accessKey": ["accessKeyId": key, "userName": "backup-admin", "status": "Active"]]),
        ]
    }

    /// `watch --respond apply`: an unapproved root session in a member is contained by watch itself — the key made
    /// Inactive, the user quarantined, root's credentials read through an approved privileged session, the evidence
    /// written, and a notice of what was done at the webhook; the management account's root use is alerted and not
    /// contained; without --approvals (or --respond-evidence) watch refuses to start.
    @Test func watchRespondApplyContainsAMemberAndNeverTheManagementAccount() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let (client, member, inMember, userKey, folder) = try await memberWithAUser(moto)
        let approvals = folder.appendingPathComponent("approvals.yaml")
        try Data("approvals: []\n".utf8).write(to: approvals)
        let evidence = folder.appendingPathComponent("incidents")

        let base = ["watch", "--queue-url", queue, "--respond", "apply", "--endpoint-url", moto.endpoint]
        let noApprovals = try CLI.run(base + ["--respond-evidence", evidence.path], environment: Self.environment)
        #expect(noApprovals.status == 64 && noApprovals.stderr.contains("needs --approvals"), "\(noApprovals.stderr)")
        let noEvidence = try CLI.run(base + ["--approvals", approvals.path], environment: Self.environment)
        #expect(noEvidence.status == 64 && noEvidence.stderr.contains("--respond-evidence"), "\(noEvidence.stderr)")

        let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
        let watch = try Running(
            [
                "--queue-url", queue, "--webhook", webhook.endpoint, "--respond", "apply", "--approvals",
                approvals.path,
                "--respond-evidence", evidence.path, "--wait-seconds", "1", "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        try await put(moto, memberSession(member, key: userKey, at: Date().addingTimeInterval(-120)))
        #expect(
            try await Self.until(40) { watch.stderr.contains("watch: respond apply \(member): [CRITICAL]") },
            "\(watch.stderr)")
        let keys = try await inMember.iam().listAccessKeys(.init(userName: "backup-admin")).accessKeyMetadata
        #expect(keys?.first?.status == "Inactive", "\(watch.stderr)")
        let policies = try await inMember.iam().listUserPolicies(.init(userName: "backup-admin")).policyNames
        #expect(policies == ["rootguard-quarantine"])
        let notices = webhook.received.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]
        }.filter { $0["incident"] != nil }
        let text = notices.first?["text"] as? String ?? ""
        #expect(text.contains("root incident in account \(member)") && text.contains("re-check"), "\(text)")
        #expect(text.contains("evidence in \(evidence.path)/\(member)-"), "\(text)")
        let written = try FileManager.default.contentsOfDirectory(atPath: evidence.path)
        // One folder per containment (a session whose records come in two batches is contained in two passes).
        #expect(!written.isEmpty && written.allSatisfy { $0.hasPrefix("\(member)-") }, "\(written)")
        let manifest = evidence.appendingPathComponent(written.first ?? "").appendingPathComponent("manifest.json")
        #expect(FileManager.default.fileExists(atPath: manifest.path))
        // respond's privileged session was approved first, so watch does not alert on it as unapproved.
        let entries = try String(contentsOf: approvals, encoding: .utf8)
        #expect(entries.contains("IAMAuditRootUserCredentials") && entries.contains("rootguard watch --respond apply"))

        // The management account: alerted, never contained.
        var management = RespondCLITests.rootCall(
            Self.account, Date().addingTimeInterval(-60), "iam.amazonaws.com", "CreateUser",
            request: ["userName": "shadow"])
        management["eventID"] = "e-management"
        try await put(moto, [management])
        #expect(
            try await Self.until(20) { watch.stderr.contains("is the organization's management account") },
            "\(watch.stderr)")
        #expect(watch.stop() == 0, "\(watch.stderr)")
        await webhook.stop()
        try await client.shutdown()
    }

    /// `watch --respond plan` sends the plan and changes nothing; a session an approval covers is left alone.
    @Test func watchRespondPlanChangesNothingAndAnApprovedSessionIsLeftAlone() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let (client, member, inMember, userKey, folder) = try await memberWithAUser(moto)
        let approvals = folder.appendingPathComponent("approvals.yaml")
        let now = Date()
        try Data(
            """
            approvals:
              - account: "\(member)"
                from: \(RespondCLITests.iso(now.addingTimeInterval(-7200)))
                until: \(RespondCLITests.iso(now.addingTimeInterval(-3600)))
                ticket: CHG-7

            """.utf8
        ).write(to: approvals)
        let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
        let watch = try Running(
            [
                "--queue-url", queue, "--webhook", webhook.endpoint, "--respond", "plan", "--approvals", approvals.path,
                "--wait-seconds", "1", "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        // Inside the approved window: alerted as expected, no response.
        try await put(moto, memberSession(member, key: userKey, at: now.addingTimeInterval(-5400)))
        #expect(try await Self.until { watch.lines.count >= 2 }, "\(watch.stderr)")
        try await Task.sleep(for: .seconds(3))
        #expect(!watch.stderr.contains("watch: respond plan"), "\(watch.stderr)")
        // Outside it: the plan goes out, nothing changes.
        try await put(moto, memberSession(member, key: userKey, at: now.addingTimeInterval(-120)))
        #expect(
            try await Self.until(30) { watch.stderr.contains("watch: respond plan \(member): [CRITICAL]") },
            "\(watch.stderr)")
        #expect(watch.stderr.contains("(dry run)"), "\(watch.stderr)")
        let keys = try await inMember.iam().listAccessKeys(.init(userName: "backup-admin")).accessKeyMetadata
        #expect(keys?.first?.status == "Active")
        #expect(
            webhook.received.contains { String(decoding: $0.body, as: UTF8.self).contains("\"incident\"") },
            "the plan was sent")
        #expect(watch.stop() == 0)
        await webhook.stop()
        try await client.shutdown()
    }

    @Test func aMessageWhoseAlertsKeepFailingIsLeftForTheDeadLetterQueueAndNeverDeleted() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 503, body: "down"))
        let watch = try Running(
            [
                "--queue-url", queue, "--webhook", webhook.endpoint, "--max-receives", "2", "--wait-seconds", "1",
                "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        try await put(moto, [Self.record("e-doomed", name: "CreateAccessKey")])
        #expect(
            try await Self.until(40) { watch.stderr.contains("left for the queue's dead-letter queue") },
            "\(watch.stderr)")
        #expect(watch.stop() == 0)
        #expect(watch.stderr.contains("delivery failed 2 times (webhook:"))
        #expect(watch.stderr.contains("HTTP 503"))
        // Not deleted: still in the queue (invisible until its visibility timeout), for SQS to move to the DLQ.
        #expect(try await queueDepth(moto, queue) == 1)
        await webhook.stop()
    }

    @Test func poisonMessagesAreNamedDeletedAndTheLoopGoesOn() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let ids = try await moto.client().using { client in
            var ids: [String] = []
            for body in [
                "not json {", #"{"detail-type":"AWS API Call via CloudTrail","source":"aws.iam"}"#, #"{"a":1}"#,
            ] {
                ids.append(
                    try #require(
                        try await client.sqs().sendMessage(.init(queueUrl: queue, messageBody: body)).messageId))
            }
            return ids
        }
        let watch = try Running(
            ["--queue-url", queue, "--wait-seconds", "1", "--output", "table", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        try await put(moto, [Self.record("e-after-poison", name: "ListUsers")])
        #expect(try await Self.until { watch.stdout.contains("e-after-poison") || watch.stdout.contains("ListUsers") })
        #expect(try await Self.until { try await queueDepth(moto, queue) == 0 })
        kill(watch.process.processIdentifier, SIGUSR1)
        #expect(try await Self.until { watch.stderr.contains("watch stats:") })
        #expect(watch.stop() == 0)
        #expect(watch.stderr.contains("message \(ids[0]): not JSON; deleted"))
        #expect(watch.stderr.contains("message \(ids[1]): an EventBridge envelope without detail; deleted"))
        #expect(watch.stderr.contains("message \(ids[2]): not a CloudTrail record"))
        #expect(watch.stdout.contains("UNEXPECTED"))
    }

    @Test func anAssumeRootCallAndItsSessionActionsAreJoinedAcrossMessages() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let watch = try Running(
            ["--queue-url", queue, "--wait-seconds", "1", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        var call = Self.record("e-assume", name: "AssumeRoot")
        call["eventSource"] = "sts.amazonaws.com"
        call["userIdentity"] = [
            "type": "AssumedRole", "arn": "arn:aws:sts::\(Self.account):assumed-role/Admin/alice",
            "accountId": Self.account,
        ]
        call["requestParameters"] = [
            "targetPrincipal": "222222222222",
            "taskPolicyArn": ["arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"],
        ]
        call["responseElements"] = ["credentials": ["accessKeyId": "ASIASESSIONKEY00001"]]
        var action = Self.record("e-session-action", name: "DeleteLoginProfile", time: "2026-12-04T08:01:00Z")
        action["userIdentity"] = [
            "type": "Root", "arn": "arn:aws:iam::222222222222:root", "accountId": "222222222222",
            "accessKeyId": "ASIASESSIONKEY00001",
        ]
        try await put(moto, [call])
        #expect(try await Self.until { watch.lines.contains { $0["eventID"] as? String == "e-assume" } })
        try await put(moto, [action])
        #expect(try await Self.until { watch.lines.contains { $0["eventID"] as? String == "e-session-action" } })
        #expect(watch.stop() == 0)
        let joined = watch.lines.first { $0["eventID"] as? String == "e-session-action" }
        #expect(joined?["detection"] as? String == "assume-root-session-action", "\(watch.stdout)")
        #expect((joined?["details"] as? [String: String])?["assumeRootEventID"] == "e-assume")
    }

    @Test func alertsArePublishedToSNS() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        // The topic's subscriber is another queue, so the test can read what SNS delivered.
        let (topic, copy) = try await moto.client().using { client in
            let topic = try #require(try await client.sns().createTopic(.init(name: "pager")).topicArn)
            let copy = try #require(try await client.sqs().createQueue(.init(queueName: "pager-copy")).queueUrl)
            let arn = try #require(
                try await client.sqs().getQueueAttributes(.init(queueUrl: copy, attributeNames: ["QueueArn"]))
                    .attributes?["QueueArn"])
            _ = try await client.sns().subscribe(.init(topicArn: topic, protocol: "sqs", endpoint: arn))
            return (topic, copy)
        }
        let watch = try Running(
            ["--queue-url", queue, "--sns-topic", topic, "--wait-seconds", "1", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        try await put(moto, [Self.record("e-sns", name: "CreateAccessKey")])
        var bodies: [String] = []
        #expect(
            try await Self.until {
                let messages = try await moto.client().using {
                    try await $0.sqs().receiveMessage(.init(queueUrl: copy, maxNumberOfMessages: 10)).messages ?? []
                }
                bodies += messages.compactMap(\.body)
                return bodies.count >= 2
            }, "\(watch.stderr)")
        #expect(watch.stop() == 0)
        #expect(bodies.allSatisfy { $0.contains("e-sns") && $0.contains("rootguard: critical") })
    }

    @Test func approvalsAreReReadWhenTheFileChangesAndSNSWrappedMessagesAreDecoded() async throws {
        let moto = try await MotoServer.fresh()
        let queue = try await deploy(moto)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-appr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let approvals = folder.appendingPathComponent("approvals.yaml")
        let window = """
            approvals:
              - account: "\(Self.account)"
                from: 2026-12-04T07:00:00Z
                until: 2026-12-04T09:00:00Z
                ticket: CHG-42

            """
        try Data("approvals: []\n".utf8).write(to: approvals)
        let watch = try Running(
            [
                "--queue-url", queue, "--approvals", approvals.path, "--only-unexpected", "--wait-seconds", "1",
                "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        try await put(moto, [Self.record("e-before", name: "ListUsers")])
        #expect(try await Self.until { watch.lines.contains { $0["eventID"] as? String == "e-before" } })
        // The change window is approved now: the same kind of call is expected, so not alerted.
        try Data(window.utf8).write(to: approvals)
        #expect(try await Self.until { watch.stderr.contains("approvals reloaded") })
        try await put(moto, [Self.record("e-approved", name: "ListUsers")])
        // An SNS notification wrapping an EventBridge envelope (a topic fanned out to the queue).
        let envelope: [String: Any] = [
            "version": "0", "id": "1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam",
            "detail": Self.record("e-wrapped", name: "ListUsers", time: "2026-12-04T10:00:00Z"),
        ]
        let notification: [String: Any] = [
            "Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:us-east-1:\(Self.account):fan-out",
            "Message": String(decoding: try JSONSerialization.data(withJSONObject: envelope), as: UTF8.self),
        ]
        try await moto.client().using {
            _ = try await $0.sqs().sendMessage(
                .init(
                    queueUrl: queue,
                    messageBody: String(
                        decoding: try JSONSerialization.data(withJSONObject: notification), as: UTF8.self)))
        }
        #expect(try await Self.until { watch.lines.contains { $0["eventID"] as? String == "e-wrapped" } })
        #expect(try await Self.until { try await queueDepth(moto, queue) == 0 })
        #expect(watch.stop() == 0)
        #expect(!watch.lines.contains { $0["eventID"] as? String == "e-approved" }, "approved activity alerted")
        #expect(watch.stderr.contains("suppressed as expected") && !watch.stderr.contains(" 0 suppressed as expected"))
    }

    @Test func aQueueThatDoesNotExistIsOneLineAndExitOne() async throws {
        let moto = try await MotoServer.fresh()
        let result = try CLI.run(
            [
                "watch", "--queue-url", moto.endpoint + "/\(Self.account)/no-such-queue", "--wait-seconds", "1",
                "--endpoint-url", moto.endpoint,
            ], environment: Self.environment)
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1 && errors[0].contains("no-such-queue"), "\(result.stderr)")
        let bad = try CLI.run(["watch", "--queue-url", "sqs://x"], environment: Self.environment)
        #expect(bad.status != 0 && bad.stderr.contains("--queue-url must be"))
    }

    @Test func hardenWatchIsIdempotentAndItsTemplatePassesCfnLint() async throws {
        let moto = try await MotoServer.fresh()
        let dry = try CLI.run(
            ["harden", "watch", "--regions", "us-east-1,eu-west-1", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        #expect(dry.status == 2)
        #expect(dry.stdout.contains("rootguard-watch-root (eu-west-1) → event bus of us-east-1"))
        let applied = try CLI.run(
            ["harden", "watch", "--regions", "us-east-1,eu-west-1", "--apply", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.components(separatedBy: "PASS ").count - 1 == 3)
        let again = try CLI.run(
            ["harden", "watch", "--regions", "us-east-1,eu-west-1", "--apply", "--endpoint-url", moto.endpoint],
            environment: Self.environment)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("harden watch: nothing to change."))
        let redrive = try await moto.client().using { client in
            let url = try #require(try await client.sqs().getQueueUrl(.init(queueName: "rootguard-watch")).queueUrl)
            return try await client.sqs().getQueueAttributes(.init(queueUrl: url, attributeNames: ["All"])).attributes?[
                "RedrivePolicy"]
        }
        #expect(redrive?.contains("rootguard-watch-dlq") == true)

        let template = try CLI.run(
            [
                "harden", "watch", "--regions", "us-east-1,eu-west-1", "--format", "cloudformation", "--endpoint-url",
                moto.endpoint,
            ], environment: Self.environment)
        #expect(template.status == 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rg-watch-\(UUID().uuidString).json")
        try Data(template.stdout.utf8).write(to: path)
        let lint = try CLI.run(
            ["-c", "cfn-lint --format parseable '\(path.path)'; echo \"cfn-lint exit $?\""],
            environment: HardenOrganizationCLITests.tools, shell: true)
        #expect(lint.stdout.contains("cfn-lint exit 0"), "\(lint.stdout)\(lint.stderr)")
    }
}
