import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardFiles
import RootGuardHarden
import RootGuardModel
import RootGuardTesting
import RootGuardTrail
import Testing

/// `rootguard root-task`: each task against the moto harness, whose plugin limits AssumeRoot sessions to their task
/// policy's actions, locks buckets and queues whose policy denies everyone, and writes the CloudTrail records of
/// every session; the approvals the runs write make `trail` report those sessions as expected, and nobody else's.
@Suite("rootguard root-task against moto", .motoServer, .serialized)
struct RootTaskCLITests {
    static let environment = HardenCLITests.environment
    static let lockingPolicy = """
        {"Version":"2012-10-17","Statement":[{"Sid":"LockEveryoneOut","Effect":"Deny","Principal":"*","Action":"s3:*",\
        "Resource":["arn:aws:s3:::locked-data","arn:aws:s3:::locked-data/*"]}]}
        """

    /// An organization with centralised root sessions and one member; a client acting inside the member (built on
    /// `client`, which the test shuts down).
    func organization(
        _ moto: MotoServer, _ client: AWSClient, credentialsManagement: Bool = true, sessions: Bool = true
    ) async throws -> (member: String, inMember: AWSClient) {
        _ = try await client.organizations().createOrganization(.init(featureSet: "ALL"))
        let member = try await client.organizations().createAccount(
            .init(email: "data@example.com", accountName: "data")
        )
        .createAccountStatus!.accountId!
        if credentialsManagement { _ = try await client.iam().enableOrganizationsRootCredentialsManagement() }
        if sessions { _ = try await client.iam().enableOrganizationsRootSessions() }
        let step = ProfileChain.AssumeRoleStep(
            profile: "test", roleARN: "arn:aws:iam::\(member):role/OrganizationAccountAccessRole",
            externalID: nil, sessionName: "setup", durationSeconds: 900, mfaSerial: nil)
        return (member, client.with(credentialProvider: AssumeRoleCredentialProvider(step: step, client: client)))
    }

    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-root-task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func run(_ moto: MotoServer, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["root-task"] + arguments + ["--endpoint-url", moto.endpoint], environment: Self.environment)
    }

    /// The trail report (jsonl) of the plugin's CloudTrail records, with the approvals file.
    func hunt(_ moto: MotoServer, approvals: URL, in folder: URL) async throws -> [[String: Any]] {
        let log = folder.appendingPathComponent("sessions.json")
        try Data(try await moto.cloudTrailLog()).write(to: log)
        let result = try CLI.run(
            ["trail", log.path, "--approvals", approvals.path, "--output", "jsonl"], environment: [:])
        #expect([0, 3].contains(result.status), "\(result.stderr)")
        return try TrailFixture.detections(result.stdout)
    }

    /// The same records through `trail athena`: written in CloudTrail's S3 layout, hunted by the printed SQL in DuckDB,
    /// the rows returned by moto's Athena, triaged with the approvals.
    func huntWithAthena(
        _ moto: MotoServer, approvals: URL, accounts: [String], in folder: URL
    ) async throws -> [[String: Any]] {
        let log = try JSONSerialization.jsonObject(with: Data(try await moto.cloudTrailLog())) as? [String: Any]
        let records = log?["Records"] as? [[String: Any]] ?? []
        let corpus = folder.appendingPathComponent("corpus")
        let day = String((records.first?["eventTime"] as? String ?? "2026-12-05").prefix(10)).replacingOccurrences(
            of: "-", with: "/")
        for account in accounts {
            let mine = records.filter { $0["recipientAccountId"] as? String == account }
            let place = corpus.appendingPathComponent("AWSLogs/\(account)/CloudTrail/us-east-1/\(day)")
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            let plain = place.appendingPathComponent("\(account)_CloudTrail_us-east-1_sessions.json")
            try JSONSerialization.data(withJSONObject: ["Records": mine]).write(to: plain)
            let zipped = try CLI.run(["-c", "gzip '\(plain.path)'"], environment: AthenaCLITests.tools, shell: true)
            #expect(zipped.status == 0)
        }
        let rows = try AthenaCLITests.duckdb(corpus, accounts.flatMap { ["--account", $0] }, accounts: accounts)
        try await AthenaCLITests.seed(moto, rows)
        let ran = try CLI.run(
            [
                "trail", "athena", "--database", "default", "--table", "cloudtrail_logs", "--workgroup", "primary",
                "--output-location", "s3://athena-results/", "--output", "jsonl", "--endpoint-url", moto.endpoint,
                "--approvals", approvals.path,
            ] + accounts.flatMap { ["--account", $0] }, environment: Self.environment)
        #expect([0, 3].contains(ran.status), "\(ran.stderr)")
        return try TrailFixture.detections(ran.stdout)
    }

    /// A member whose SCP denies root without exempting aws:AssumedRoot: the privileged session's calls would be
    /// refused by AWS (moto enforces no SCP), so the task is refused at plan time, naming the SCP and its statement,
    /// before any approval (it had planned and reported "done"). An account that is not a member is refused too.
    @Test func aDenyingSCPOrANonMemberIsRefusedBeforeAnyApproval() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, _) = try await organization(moto, client)
            let org = client.organizations()
            let root = try await org.listRoots().roots!.first!.id!
            _ = try await org.enablePolicyType(.init(rootId: root, policyType: "SERVICE_CONTROL_POLICY"))
            let blunt = #"""
                {"Version":"2012-10-17","Statement":[{"Sid":"NoRootAtAll","Effect":"Deny","Action":"*","Resource":"*",
                  "Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]}}}]}
                """#
            let policy = try await org.createPolicy(
                .init(content: blunt, description: "deny root", name: "BluntDenyRoot", type: "SERVICE_CONTROL_POLICY")
            ).policy!.policySummary!.id!
            _ = try await org.attachPolicy(.init(policyId: policy, targetId: member))
            let folder = try folder()
            let approvals = folder.appendingPathComponent("approvals.yaml")
            let common = ["--reason", "CHG-11", "--approvals", approvals.path]
            let refused = try run(moto, ["delete-credentials", "--account", member] + common + ["--apply"])
            #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("denied by BluntDenyRoot#NoRootAtAll"), "\(refused.stderr)")
            #expect(refused.stderr.contains("aws:AssumedRoot"))
            #expect(
                !FileManager.default.fileExists(atPath: approvals.path), "no approval for a session AWS would refuse")

            // With the exemption rootguard's own deny-root SCP carries, the task goes ahead.
            _ = try await org.detachPolicy(.init(policyId: policy, targetId: member))
            let exempt = try await org.createPolicy(
                .init(
                    content: PolicySimulateCLITests.denyRoot, description: "deny root", name: "DenyRootUser",
                    type: "SERVICE_CONTROL_POLICY")
            ).policy!.policySummary!.id!
            _ = try await org.attachPolicy(.init(policyId: exempt, targetId: member))
            let allowed = try run(moto, ["audit-credentials", "--account", member] + common)
            #expect(allowed.status != 1, "\(allowed.stdout)\(allowed.stderr)")

            let outsider = try run(moto, ["audit-credentials", "--account", "999999999999"] + common)
            #expect(outsider.status == 1)
            #expect(outsider.stderr.contains("999999999999 is not a member of the caller's organization"))
        }
    }

    /// One rule for every privileged task: the credential tasks need centralised root credentials management, the
    /// unlocks need centralised root sessions. With only credentials management on, root-task audits and removes root
    /// credentials and audit --org evaluates ROOT-BP 14 (it had said NOT_EVALUATED, "needs RootSessions"), while an
    /// unlock is refused naming RootSessions and `harden org-root-access`, before any approval is written.
    @Test func eachPrivilegedTaskIsGatedOnItsOwnFeature() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, _) = try await organization(moto, client, credentialsManagement: true, sessions: false)
            try await moto.setRoot(account: member, ["accessKeys": [["id": "AKIAROOTGATE00000001", "active": true]]])
            let folder = try folder()
            let approvals = folder.appendingPathComponent("approvals.yaml")
            let common = ["--account", member, "--reason", "CHG-9: gate", "--approvals", approvals.path]
            let audit = try run(moto, ["audit-credentials"] + common)
            #expect(audit.status == 2, "\(audit.stdout)\(audit.stderr)")
            #expect(audit.stdout.contains("AKIAROOTGATE00000001"), "\(audit.stdout)")
            let removed = try run(moto, ["delete-credentials"] + common + ["--apply"])
            #expect(removed.status == 0, "\(removed.stdout)\(removed.stderr)")
            let before = try ApprovalsFile.load(approvals.path).count

            let unlock = try run(
                moto,
                [
                    "unlock-bucket", "--bucket", "locked-data", "--save-policy",
                    folder.appendingPathComponent("p.json").path,
                ]
                    + common)
            #expect(unlock.status == 1, "\(unlock.stdout)\(unlock.stderr)")
            #expect(
                unlock.stderr.contains("centralised root sessions (RootSessions), which is off"), "\(unlock.stderr)")
            #expect(unlock.stderr.contains("rootguard harden org-root-access"))
            #expect(try ApprovalsFile.load(approvals.path).count == before, "no approval for a session that cannot run")

            let org = try CLI.run(
                [
                    "audit", "--org", "--via", "assume-root", "--endpoint-url", moto.endpoint, "--output", "json",
                    "--no-monitoring", "--report-wait", "20",
                ], environment: Self.environment)
            let object = try JSONSerialization.jsonObject(with: Data(org.stdout.utf8)) as? [String: Any]
            let finding = ((object?["findings"] as? [[String: Any]]) ?? []).first {
                $0["checkId"] as? String == "member-root-credentials-removed" && $0["accountId"] as? String == member
            }
            #expect(finding?["status"] as? String == "PASS", "\(String(describing: finding))")
        }
    }

    @Test func unlockBucketDeletesOnlyTheLockingPolicyAndTrailSeesTheApprovedSessionAsExpected() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, inMember) = try await organization(moto, client)
            _ = try await inMember.s3().createBucket(.init(bucket: "locked-data"))
            _ = try await inMember.s3().putBucketPolicy(.init(bucket: "locked-data", policy: Self.lockingPolicy))
            // A neighbour whose policy must survive: the task touches only the bucket it names.
            let neighbour = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",\
                "Resource":"arn:aws:s3:::other-data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
                """
            _ = try await inMember.s3().createBucket(.init(bucket: "other-data"))
            _ = try await inMember.s3().putBucketPolicy(.init(bucket: "other-data", policy: neighbour))
            // The plugin locks it: the member's own administrator is refused, as AWS refuses it.
            await #expect(throws: AWSError.self) {
                _ = try await inMember.s3().headBucket(.init(bucket: "locked-data"))
            }

            let folder = try folder()
            let approvals = folder.appendingPathComponent("approvals.yaml")
            let saved = folder.appendingPathComponent("saved-policy.json")
            let common = [
                "--account", member, "--bucket", "locked-data", "--reason", "CHG-7: data team locked out",
                "--approvals", approvals.path, "--save-policy", saved.path,
            ]
            let dry = try run(moto, ["unlock-bucket"] + common)
            #expect(dry.status == 2, "\(dry.stdout)\(dry.stderr)")
            #expect(dry.stdout.contains("root-task unlock-bucket: 1 change (dry run; pass --apply to make them):"))
            #expect(dry.stdout.contains("s3  DeleteBucketPolicy  s3://locked-data (\(member))"))
            #expect(
                dry.stdout.contains(#"note: the policy: statement 1 "LockEveryoneOut": Deny s3:* to * (no condition)"#))
            #expect(dry.stderr.contains("approved: S3UnlockBucketPolicy session in \(member)"))
            #expect(!FileManager.default.fileExists(atPath: saved.path), "a dry run saves nothing")
            await #expect(throws: AWSError.self) {
                _ = try await inMember.s3().headBucket(.init(bucket: "locked-data"))
            }
            var entries = try ApprovalsFile.load(approvals.path)
            #expect(entries.count == 1)
            #expect(entries[0].account == member && entries[0].taskPolicies == ["S3UnlockBucketPolicy"])
            #expect(entries[0].callers == ["arn:aws:sts::\(MotoServer.defaultAccount):user/moto"])
            #expect(entries[0].reason == "CHG-7: data team locked out")
            #expect(entries[0].actions == ["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"])
            #expect(entries[0].until.timeIntervalSince(entries[0].from) <= 21 * 60)

            let applied = try run(moto, ["unlock-bucket"] + common + ["--apply"])
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(applied.stdout.contains("done    s3  DeleteBucketPolicy  s3://locked-data"))
            #expect(applied.stdout.contains("PASS"))
            #expect(applied.stdout.contains("root-task-bucket-unlocked"))
            #expect(try String(contentsOf: saved, encoding: .utf8) == Self.lockingPolicy)
            // Reachable again by the member's administrator; the neighbour's policy is as it was.
            _ = try await inMember.s3().headBucket(.init(bucket: "locked-data"))
            #expect(try await inMember.s3().getBucketPolicy(.init(bucket: "other-data")).policy == neighbour)
            entries = try ApprovalsFile.load(approvals.path)
            // The apply reuses the dry run's entry (same account, caller, task and reason, still open for a whole
            // session); it had appended one per run (23 entries after 13 runs).
            #expect(entries.count == 1, "the apply and its re-check reuse the dry run's open entry")
            #expect(applied.stderr.contains("reusing the entry"), "\(applied.stderr)")

            let again = try run(
                moto, ["unlock-bucket"] + common.filter { $0 != saved.path && $0 != "--save-policy" } + ["--apply"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(try ApprovalsFile.load(approvals.path).count == 1)
            #expect(again.stdout.contains("root-task unlock-bucket: nothing to change."))
            #expect(again.stdout.contains("has no bucket policy"))

            // Somebody else opens an S3UnlockBucketPolicy session without an approval: still unexpected.
            let mallory = try await client.iam().createUser(.init(userName: "mallory")).user!.userName
            let key = try await client.iam().createAccessKey(.init(userName: mallory)).accessKey!
            try await moto.client(accessKey: key.accessKeyId ?? "", secret: key.secretAccessKey ?? "").using { other in
                let session = try await RootSessions(client: other).session(
                    account: AccountID(rawValue: member)!, task: .unlockBucket)
                _ = try? await session.s3().getBucketPolicy(.init(bucket: "locked-data"))
            }

            let detections = try await hunt(moto, approvals: approvals, in: folder)
            // The Athena SQL, run by DuckDB over the same records laid out as CloudTrail delivers them, returned
            // through Athena's API: the same verdicts.
            let athena = try await huntWithAthena(
                moto, approvals: approvals, accounts: [MotoServer.defaultAccount, member], in: folder)
            func verdicts(_ list: [[String: Any]]) -> [String: Bool] {
                Dictionary(
                    list.map { ("\($0["eventID"] ?? "")/\($0["detection"] ?? "")", $0["expected"] as? Bool ?? false) },
                    uniquingKeysWith: { $0 && $1 })
            }
            #expect(!athena.isEmpty)
            #expect(verdicts(athena) == verdicts(detections))
            let calls = detections.filter { $0["detection"] as? String == "assume-root-requested" }
            let actions = detections.filter { $0["detection"] as? String == "assume-root-session-action" }
            func caller(_ d: [String: Any]) -> String { (d["details"] as? [String: String])?["caller"] ?? "" }
            #expect(calls.count == 7, "six sessions of rootguard's runs (read, apply, re-check) and mallory's")
            #expect(actions.count >= 4)
            for detection in calls + actions {
                let isMallory = caller(detection).hasSuffix(":user/mallory")
                #expect(
                    (detection["expected"] as? Bool) == !isMallory,
                    "\(detection["eventName"] ?? "") by \(caller(detection)) expected=\(detection["expected"] ?? "")")
            }
            #expect(actions.contains { caller($0).hasSuffix(":user/mallory") })
            #expect(
                actions.contains {
                    $0["eventName"] as? String == "DeleteBucketPolicy" && $0["expected"] as? Bool == true
                })
        }
    }

    @Test func aSessionIsLimitedToItsTaskPolicyAsAWSLimitsIt() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, inMember) = try await organization(moto, client)
            _ = try await inMember.s3().createBucket(.init(bucket: "locked-data"))
            _ = try await inMember.s3().putBucketPolicy(.init(bucket: "locked-data", policy: Self.lockingPolicy))
            let sessions = RootSessions(client: client)
            let account = AccountID(rawValue: member)!
            // The audit task may not read a bucket policy…
            let audit = try await sessions.session(account: account, task: .audit)
            do {
                _ = try await audit.s3().getBucketPolicy(.init(bucket: "locked-data"))
                Issue.record("IAMAuditRootUserCredentials read a bucket policy")
            } catch let error as AWSError {
                #expect(error.code == "AccessDenied")
                #expect(error.message.contains("no session policy allows the s3:GetBucketPolicy action"))
            }
            // …the bucket task may read it but not write objects or delete the credentials…
            let bucket = try await sessions.session(account: account, task: .unlockBucket)
            #expect(try await bucket.s3().getBucketPolicy(.init(bucket: "locked-data")).policy == Self.lockingPolicy)
            await #expect(throws: AWSError.self) {
                _ = try await bucket.s3().putObject(.init(body: Data("x".utf8), bucket: "locked-data", key: "k"))
            }
            await #expect(throws: AWSError.self) { _ = try await bucket.iam().listAccessKeys(.init()) }
            // …and the queue task may not touch IAM.
            let queue = try await sessions.session(account: account, task: .unlockQueue)
            await #expect(throws: AWSError.self) { _ = try await queue.iam().createLoginProfile(.init()) }
            #expect(
                (try await moto.rootState(account: member)["password"] as? [String: Any])?["enabled"] as? Bool != true)
            // Refused calls are in CloudTrail with their error, as AWS records them.
            let log = try JSONSerialization.jsonObject(with: Data(try await moto.cloudTrailLog())) as? [String: Any]
            let records = log?["Records"] as? [[String: Any]] ?? []
            #expect(
                records.contains {
                    $0["eventName"] as? String == "PutObject" && $0["errorCode"] as? String == "AccessDenied"
                })
        }
    }

    @Test func unlockQueueRemovesTheQueuePolicy() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, inMember) = try await organization(moto, client)
            let url = try await inMember.sqs().createQueue(.init(queueName: "orders")).queueUrl!
            let policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sqs:*",\
                "Resource":"arn:aws:sqs:us-east-1:\(member):orders"}]}
                """
            _ = try await inMember.sqs().setQueueAttributes(.init(queueUrl: url, attributes: ["Policy": policy]))
            await #expect(throws: AWSError.self) {
                _ = try await inMember.sqs().sendMessage(.init(queueUrl: url, messageBody: "x"))
            }
            let folder = try folder()
            let common = [
                "--account", member, "--queue-url", url, "--reason", "orders queue locked", "--approvals",
                folder.appendingPathComponent("approvals.yaml").path, "--save-policy",
                folder.appendingPathComponent("queue-policy.json").path,
            ]
            let dry = try run(moto, ["unlock-queue"] + common)
            #expect(dry.status == 2, "\(dry.stdout)\(dry.stderr)")
            #expect(dry.stdout.contains("sqs  SetQueueAttributes  \(url) Policy → (none)"))
            #expect(dry.stdout.contains("Deny sqs:* to AWS: * (no condition)"))
            let applied = try run(moto, ["unlock-queue"] + common + ["--apply"])
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            _ = try await inMember.sqs().sendMessage(.init(queueUrl: url, messageBody: "x"))
            let again = try run(moto, ["unlock-queue"] + common.dropLast(2) + ["--apply"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(again.stdout.contains("has no queue policy"))
            // Saved as SQS returned it (the same document).
            let saved = try Data(contentsOf: folder.appendingPathComponent("queue-policy.json"))
            #expect(
                try JSONSerialization.jsonObject(with: saved) as? NSDictionary
                    == JSONSerialization.jsonObject(with: Data(policy.utf8)) as? NSDictionary)
            // A queue URL of another account is a usage error, before any call.
            let wrong = try run(
                moto,
                [
                    "unlock-queue", "--account", "111122223333", "--queue-url", url, "--reason", "x", "--approvals",
                    folder.appendingPathComponent("other.yaml").path,
                ])
            #expect(wrong.status == 64)
            #expect(wrong.stderr.contains("names account \(member), not --account 111122223333"))
        }
    }

    @Test func allowPasswordRecoveryReopensTheSignInPathAndSaysSo() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, _) = try await organization(moto, client)
            try await moto.setRoot(account: member, ["password": ["enabled": false]])
            let folder = try folder()
            let common = [
                "--account", member, "--reason", "account closure needs root", "--approvals",
                folder.appendingPathComponent("approvals.yaml").path,
            ]
            let dry = try run(moto, ["allow-password-recovery"] + common)
            #expect(dry.status == 2)
            #expect(dry.stdout.contains("iam  CreateLoginProfile  \(member) root (no password)"))
            #expect(dry.stderr.contains("warning: this re-opens a root sign-in path"))
            #expect(
                (try await moto.rootState(account: member)["password"] as? [String: Any])?["enabled"] as? Bool == false)
            let applied = try run(moto, ["allow-password-recovery"] + common + ["--apply"])
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(
                (try await moto.rootState(account: member)["password"] as? [String: Any])?["enabled"] as? Bool == true)
            // The re-check shows what it re-opened: ROOT-BP 14 fails for the account.
            #expect(applied.stdout.contains("root-task-password-recovery-allowed"))
            #expect(
                applied.stdout.split(separator: "\n").contains {
                    $0.contains("FAIL") && $0.contains("member-root-credentials-removed")
                })
            let entries = try ApprovalsFile.load(folder.appendingPathComponent("approvals.yaml").path)
            #expect(
                Set(entries.flatMap { $0.taskPolicies ?? [] }) == [
                    "IAMAuditRootUserCredentials", "IAMCreateRootUserPassword",
                ])
            let again = try run(moto, ["allow-password-recovery"] + common + ["--apply"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("root already has a console password"))
            // audit-credentials then lists it (2: something to delete), and delete-credentials removes it.
            let audit = try run(moto, ["audit-credentials"] + common)
            #expect(audit.status == 2)
            #expect(audit.stdout == "\(member): root has:\n  - console password (login profile)\n")
            let delete = try run(moto, ["delete-credentials"] + common + ["--apply"])
            #expect(delete.status == 0, "\(delete.stdout)\(delete.stderr)")
            let audited = try run(moto, ["audit-credentials"] + common + ["--format", "json"])
            #expect(audited.status == 0, "\(audited.stdout)\(audited.stderr)")
            #expect(audited.stdout.contains("\"status\" : \"PASS\""))
            try Schemas.check(audited.stdout, against: "harden.schema.json")
        }
    }

    @Test func usageErrorsComeBeforeAnySession() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, _) = try await organization(moto, client)
            let folder = try folder()
            let noReason = try run(
                moto,
                [
                    "unlock-bucket", "--account", member, "--bucket", "b-1", "--approvals",
                    folder.appendingPathComponent("a.yaml").path,
                ])
            #expect(noReason.status == 64)
            #expect(noReason.stderr.contains("--reason"))
            let broken = folder.appendingPathComponent("broken.yaml")
            try Data("approvals:\n  - account: nope\n".utf8).write(to: broken)
            let badFile = try run(
                moto, ["audit-credentials", "--account", member, "--reason", "r", "--approvals", broken.path])
            #expect(badFile.status == 64)
            #expect(badFile.stderr.contains("--approvals"))
            let existing = try run(
                moto,
                [
                    "unlock-bucket", "--account", member, "--bucket", "b-1", "--reason", "r", "--approvals",
                    folder.appendingPathComponent("a.yaml").path, "--save-policy", broken.path,
                ])
            #expect(existing.status == 64)
            #expect(existing.stderr.contains("exists; the policy is saved only to a new file"))
            let log = try JSONSerialization.jsonObject(with: Data(try await moto.cloudTrailLog())) as? [String: Any]
            #expect((log?["Records"] as? [Any])?.isEmpty == true, "no session was opened")
        }
    }

    @Test func everyCallOfEveryTaskIsInThePrintedPolicyOrItsTaskPolicy() async throws {
        let moto = try await MotoServer.fresh()
        let calls = Calls()
        try await moto.client().using { client in
            let (member, inMember) = try await organization(moto, client)
            let account = AccountID(rawValue: member)!
            _ = try await inMember.s3().createBucket(.init(bucket: "locked-data"))
            _ = try await inMember.s3().putBucketPolicy(.init(bucket: "locked-data", policy: Self.lockingPolicy))
            let url = try await inMember.sqs().createQueue(.init(queueName: "orders")).queueUrl!
            _ = try await inMember.sqs().setQueueAttributes(
                .init(queueUrl: url, attributes: ["Policy": Self.lockingPolicy]))
            try await moto.setRoot(account: member, ["accessKeys": [["id": "AKIAMEMBERROOT000009", "active": true]]])
            let folder = try folder()
            let observed = client.with(observer: { service, operation in
                calls.add("\(AWSError.iamPrefixForTests(service.name)):\(operation.name)")
            })
            let approver = ApprovalRecorderForTests()
            func backup(_ name: String) -> String { folder.appendingPathComponent(name).path }
            _ = try await HardenRunner.run(
                BucketPolicyUnlock(
                    account: account, bucket: "locked-data", backupPath: backup("b"), approver: approver),
                client: observed, apply: true)
            _ = try await HardenRunner.run(
                QueuePolicyUnlock(account: account, queueURL: url, backupPath: backup("q"), approver: approver),
                client: observed, apply: true)
            _ = try await HardenRunner.run(
                RootCredentialRemoval(accounts: [account], approver: approver), client: observed, apply: true)
            _ = try await HardenRunner.run(
                RootPasswordRecovery(account: account, approver: approver), client: observed, apply: true)
            _ = try await HardenRunner.run(
                RootCredentialAudit(accounts: [account], approver: approver), client: observed, apply: false)
            #expect(await approver.tasks == Set(RootSessions.Task.allCases.map(\.rawValue)))
        }
        let printed = try CLI.run(["policy", "--with-root-task"], environment: [:])
        #expect(printed.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let statements = (document?["Statement"] as? [[String: Any]]) ?? []
        let allowed = Set(statements.flatMap { ($0["Action"] as? [String]) ?? [] })
        // The caller's own calls are in the policy; the sessions' calls are in their task's actions (and the plugin
        // refused none of them: it enforces the task policies).
        let sessionActions = Set(RootSessions.Task.allCases.flatMap(\.actions))
        #expect(calls.all.contains("sts:AssumeRoot"))
        #expect(
            calls.all.isSubset(of: allowed.union(sessionActions)),
            "in neither: \(calls.all.subtracting(allowed.union(sessionActions)).sorted())")
        let assumeRoot = statements.first { $0["Sid"] as? String == "RootGuardRootTaskSessions" }
        let condition = (assumeRoot?["Condition"] as? [String: [String: Any]])?["StringEquals"]?["sts:TaskPolicyArn"]
        #expect(
            Set(condition as? [String] ?? [])
                == Set(RootSessions.Task.allCases.map { "arn:aws:iam::aws:policy/root-task/\($0.rawValue)" }))
    }
}

/// Counts the tasks it is asked to approve (and approves them).
actor ApprovalRecorderForTests: RootSessions.Approver {
    var tasks: Set<String> = []
    func approve(account: AccountID, task: RootSessions.Task, client: AWSClient) async throws {
        tasks.insert(task.rawValue)
    }
}
