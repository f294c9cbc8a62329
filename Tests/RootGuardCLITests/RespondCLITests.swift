import Crypto
import Foundation
import NIOConcurrencyHelpers
import RootGuard
import RootGuardAWS
import RootGuardCollect
import RootGuardFiles
import RootGuardHarden
import RootGuardModel
import RootGuardTesting
import RootGuardTrail
import Testing
import _CryptoExtras

/// `rootguard respond` against the moto harness: a compromised member — a root sign-in without MFA from a new
/// address, then a new administrator user with a key, a role trusted by an outside account, a root access key,
/// CloudTrail stopped and GuardDuty deleted — with the matching state in moto, and an unrelated user a role created in
/// the same hour. The plan lists exactly what the root session left behind; --apply contains it; a second run plans
/// nothing; the re-check, a fresh audit of root's credentials and a re-hunt agree.
@Suite("rootguard respond against moto", .motoServer, .serialized)
struct RespondCLITests {
    static let environment = HardenCLITests.environment
    static let attacker = "203.0.113.66"
    static let browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"

    struct Scenario {
        var member: String
        var inMember: AWSClient
        var userKey: String
        var folder: URL
        var logs: URL
        var detections: URL
    }

    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-respond-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// A root console call of the session (`sessionCredentialFromConsole`), as CloudTrail records it.
    static func rootCall(
        _ account: String, _ time: Date, _ source: String, _ name: String, request: [String: Any],
        response: [String: Any]? = nil, region: String = "us-east-1", ip: String = attacker
    ) -> [String: Any] {
        var record: [String: Any] = [
            "eventVersion": "1.10",
            "userIdentity": [
                "type": "Root", "principalId": account, "arn": "arn:aws:iam::\(account):root", "accountId": account,
                "accessKeyId": "ASIAROOTCONSOLE00001",
                "sessionContext": ["attributes": ["creationDate": iso(time), "mfaAuthenticated": "false"]],
            ] as [String: Any],
            "eventTime": iso(time), "eventSource": source, "eventName": name, "awsRegion": region,
            "sourceIPAddress": ip, "userAgent": browser, "requestParameters": request,
            "requestID": UUID().uuidString, "eventID": UUID().uuidString, "readOnly": false,
            "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": account,
            "sessionCredentialFromConsole": "true",
        ]
        record["responseElements"] = response ?? NSNull()
        return record
    }

    /// The member, its state in moto, the records of the incident (and of an unrelated role's user) in a log folder,
    /// and the detections `trail` writes for them.
    /// `start`: when the root session began (default: 30 minutes ago).
    func scenario(
        _ moto: MotoServer, _ client: AWSClient, sessions: Bool = true, start: Date? = nil
    ) async throws -> Scenario {
        let (member, inMember) = try await RootTaskCLITests().organization(moto, client, sessions: sessions)
        try await moto.setRoot(
            account: member,
            [
                "password": ["enabled": true], "accessKeys": [["id": "AKIAROOTNEWKEY000001", "active": true]],
                "primaryEmail": "data-root@example.com",
            ])
        let iam = inMember.iam()
        _ = try await iam.createUser(.init(userName: "backup-admin"))
        let userKey = try #require(
            try await iam.createAccessKey(.init(userName: "backup-admin")).accessKey?.accessKeyId)
        _ = try await iam.attachUserPolicy(
            .init(userName: "backup-admin", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess"))
        let trust = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}
            """
        _ = try await iam.createRole(.init(roleName: "vendor-access", assumeRolePolicyDocument: .init(json: trust)))
        // Unrelated: a user a deployment role created in the same hour.
        _ = try await iam.createUser(.init(userName: "ci-deployer"))
        _ = try await inMember.s3().createBucket(.init(bucket: "member-trail-logs"))
        _ = try await inMember.cloudTrail().createTrail(.init(name: "org-trail", s3BucketName: "member-trail-logs"))
        // The trail is stopped (moto's new trail does not log) and the region has no GuardDuty detector.

        let start = start ?? Date().addingTimeInterval(-1800)
        let at = { (minutes: Double) in start.addingTimeInterval(minutes * 60) }
        var records: [[String: Any]] = [
            [
                "eventVersion": "1.09",
                "userIdentity": [
                    "type": "Root", "principalId": member, "arn": "arn:aws:iam::\(member):root", "accountId": member,
                ] as [String: Any],
                "eventTime": Self.iso(at(0)), "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
                "awsRegion": "us-east-1", "sourceIPAddress": Self.attacker, "userAgent": Self.browser,
                "requestParameters": NSNull(), "responseElements": ["ConsoleLogin": "Success"],
                "additionalEventData": ["MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/"],
                "eventID": UUID().uuidString, "readOnly": false, "eventType": "AwsConsoleSignIn",
                "managementEvent": true, "recipientAccountId": member,
            ]
        ]
        records.append(
            Self.rootCall(member, at(2), "iam.amazonaws.com", "CreateUser", request: ["userName": "backup-admin"]))
        records.append(
            Self.rootCall(
                member, at(3), "iam.amazonaws.com", "CreateAccessKey", request: ["userName": "backup-admin"],
                response: ["accessKey": ["accessKeyId": userKey, "userName": "backup-admin", "status": "Active"]]))
        records.append(
            Self.rootCall(
                member, at(4), "iam.amazonaws.com", "AttachUserPolicy",
                request: ["userName": "backup-admin", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"]))
        records.append(
            Self.rootCall(
                member, at(5), "iam.amazonaws.com", "CreateRole",
                request: ["roleName": "vendor-access", "assumeRolePolicyDocument": trust]))
        records.append(
            Self.rootCall(
                member, at(6), "iam.amazonaws.com", "CreateAccessKey", request: [:],
                response: ["accessKey": ["accessKeyId": "AKIAROOTNEWKEY000001", "status": "Active"]]))
        records.append(
            Self.rootCall(member, at(7), "cloudtrail.amazonaws.com", "StopLogging", request: ["name": "org-trail"]))
        records.append(
            Self.rootCall(
                member, at(8), "guardduty.amazonaws.com", "DeleteDetector", request: ["detectorId": "d0c1a2b3"]))
        // A refused call leaves nothing.
        var refused = Self.rootCall(
            member, at(9), "iam.amazonaws.com", "CreateUser", request: ["userName": "never-created"])
        refused["errorCode"] = "EntityAlreadyExists"
        records.append(refused)
        records.append([
            "eventVersion": "1.09",
            "userIdentity": [
                "type": "AssumedRole", "principalId": "AROAEXAMPLE:deploy",
                "arn": "arn:aws:sts::\(member):assumed-role/deployer/ci", "accountId": member,
                "accessKeyId": "ASIADEPLOYER00000001",
            ] as [String: Any],
            "eventTime": Self.iso(at(10)), "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
            "awsRegion": "us-east-1", "sourceIPAddress": "10.0.0.5", "userAgent": "aws-cli/2",
            "requestParameters": ["userName": "ci-deployer"], "responseElements": NSNull(),
            "eventID": UUID().uuidString, "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": member,
        ])
        let folder = try folder()
        let logs = folder.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["Records": records]).write(
            to: logs.appendingPathComponent("\(member)_CloudTrail_us-east-1_incident.json"))
        let hunt = try CLI.run(["trail", logs.path, "--output", "jsonl"], environment: [:])
        #expect(hunt.status == 3, "\(hunt.stderr)")
        let detections = folder.appendingPathComponent("detections.jsonl")
        try Data(hunt.stdout.utf8).write(to: detections)
        return Scenario(
            member: member, inMember: inMember, userKey: userKey, folder: folder, logs: logs, detections: detections)
    }

    /// The scenario's incident scoped from its log folder alone (no AWS source).
    func offlineScope(_ scenario: Scenario) async throws -> IncidentResponse.Scope {
        await IncidentResponse.scope(
            detections: try DetectionsFile.load(scenario.detections.path), logs: [.path(scenario.logs.path)],
            accounts: [], since: nil, until: nil, approvals: [],
            hunter: TrailHunter(makeClient: { throw HardenFailure("no AWS source here") }))
    }

    /// The member's incident records, as written to its log file.
    func incidentRecords(_ scenario: Scenario) throws -> [[String: Any]] {
        let file = scenario.logs.appendingPathComponent("\(scenario.member)_CloudTrail_us-east-1_incident.json")
        return (try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])?["Records"]
            as? [[String: Any]] ?? []
    }

    func respond(_ moto: MotoServer, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["respond"] + arguments + ["--endpoint-url", moto.endpoint], environment: Self.environment)
    }

    @Test func aCompromisedMemberIsContainedExactlyAndASecondRunPlansNothing() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = scenario.member
            let approvals = scenario.folder.appendingPathComponent("approvals.yaml")
            let common = [
                "--detections", scenario.detections.path, "--approvals", approvals.path, "--reason",
                "INC-42: root used from an unknown address",
            ]
            let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
            let dry = try respond(moto, common + ["--notify", webhook.endpoint + "/hooks/T000/secret"])
            #expect(dry.status == 2, "\(dry.stdout)\(dry.stderr)")
            // The escalation went to the webhook too: the summary line and the whole incident.
            #expect(webhook.received.count == 1)
            let notice =
                try JSONSerialization.jsonObject(with: Data(webhook.received.first?.body ?? [])) as? [String: Any]
            let line = notice?["text"] as? String ?? ""
            #expect(line.hasPrefix("[CRITICAL] root incident in account \(member) (data): "), "\(line)")
            #expect(
                line.contains(
                    "7 left behind, 7 still open (dry run); root e-mail data@example.com; next: rootguard respond"))
            #expect(((notice?["incident"] as? [String: Any])?["artifacts"] as? [Any])?.count == 7)
            await webhook.stop()
            let planned = dry.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("  — ") }
                .map { $0.split(separator: "  ").prefix(3).joined(separator: " ") }
            #expect(
                planned == [
                    "iam DeleteLoginProfile \(member) root: console password (login profile)",
                    "iam DeleteAccessKey \(member) root: access key AKIAROOTNEWKEY000001 (Active)",
                    "iam UpdateAccessKey \(member): \(scenario.userKey) of backup-admin → Inactive",
                    "iam PutUserPolicy \(member): user backup-admin: rootguard-quarantine (deny all)",
                    "iam DetachUserPolicy \(member): arn:aws:iam::aws:policy/AdministratorAccess from user backup-admin",
                    "iam PutRolePolicy \(member): role vendor-access: rootguard-quarantine (deny all)",
                    "iam PutRolePolicy \(member): role vendor-access: rootguard-revoke-older-sessions (deny sessions issued before now)",
                    "cloudtrail StartLogging \(member): trail org-trail in us-east-1",
                    "guardduty CreateDetector \(member): a detector in us-east-1 (enabled; d0c1a2b3 was deleted)",
                ], "\(dry.stdout)")
            #expect(!dry.stdout.contains("ci-deployer") && !dry.stdout.contains("never-created"))
            #expect(dry.stdout.contains("session console"))
            #expect(dry.stdout.contains("MFA no NOT APPROVED"))
            #expect(dry.stdout.contains("created role vendor-access trusting arn:aws:iam::999988887777:root"))
            // Nothing changed by the dry run.
            let inMember = scenario.inMember
            let keys = try await inMember.iam().listAccessKeys(.init(userName: "backup-admin")).accessKeyMetadata
            #expect(keys?.first?.status == "Active")

            let applied = try respond(moto, common + ["--apply", "--format", "json"])
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            try Schemas.check(applied.stdout, against: "respond.schema.json")
            let document = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any]
            let outcome = document?["outcome"] as? [String: Any]
            let reaudit = outcome?["reaudit"] as? [[String: Any]] ?? []
            #expect(reaudit.count == 7 && reaudit.allSatisfy { $0["status"] as? String == "PASS" }, "\(reaudit)")
            // Each re-check names ROOT-BP 21 (the response procedure) and the practice the item restores.
            func practices(_ resource: String) -> [String]? {
                let finding = reaudit.first { $0["resource"] as? String == resource }
                return (finding?["compliance"] as? [String: [String]])?["ROOT-BP"]
            }
            #expect(practices("arn:aws:iam::\(member):root") == ["14", "21"])
            #expect(practices("org-trail") == ["16", "21"])
            #expect(practices("backup-admin") == ["21"])
            let incident = (document?["incidents"] as? [[String: Any]])?.first
            let context = incident?["context"] as? [String: Any]
            #expect(context?["rootEmail"] as? String == "data@example.com")
            #expect(context?["accountName"] as? String == "data")

            // The account as the containment left it.
            let after = try await inMember.iam().listAccessKeys(.init(userName: "backup-admin")).accessKeyMetadata
            #expect(after?.first?.status == "Inactive", "deactivated, not deleted")
            let userPolicies = try await inMember.iam().listUserPolicies(.init(userName: "backup-admin")).policyNames
            #expect(userPolicies == ["rootguard-quarantine"])
            let attached = try await inMember.iam().listAttachedUserPolicies(.init(userName: "backup-admin"))
            #expect(attached.attachedPolicies?.isEmpty == true)
            let rolePolicies = try await inMember.iam().listRolePolicies(.init(roleName: "vendor-access")).policyNames
            #expect(Set(rolePolicies ?? []) == ["rootguard-quarantine", "rootguard-revoke-older-sessions"])
            let ci = try await inMember.iam().listUserPolicies(.init(userName: "ci-deployer")).policyNames
            #expect(ci?.isEmpty != false, "the unrelated user is untouched")
            #expect(try await inMember.cloudTrail().getTrailStatus(.init(name: "org-trail")).isLogging == true)
            #expect(try await inMember.guardDuty().listDetectors().detectorIds?.count == 1)
            let root = try await moto.rootState(account: member)
            #expect((root["accessKeys"] as? [Any])?.isEmpty == true)
            // respond's privileged sessions were approved first.
            let entries = try ApprovalsFile.load(approvals.path)
            #expect(
                Set(entries.flatMap { $0.taskPolicies ?? [] }) == [
                    "IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials",
                ])

            let again = try respond(moto, common)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(again.stdout.contains("respond: nothing to change."))
            #expect(
                again.stdout.contains("already contained: \(member): created IAM user backup-admin"), "\(again.stdout)")

            // A fresh audit of root's credentials agrees; a re-hunt sees respond's own sessions as approved.
            let audit = try CLI.run(
                [
                    "root-task", "audit-credentials", "--account", member, "--reason", "INC-42: check",
                    "--approvals", approvals.path, "--endpoint-url", moto.endpoint,
                ],
                environment: Self.environment)
            #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
            let sessions = scenario.folder.appendingPathComponent("respond-sessions.json")
            try Data(try await moto.cloudTrailLog()).write(to: sessions)
            let rehunt = try CLI.run(
                ["trail", sessions.path, "--approvals", approvals.path, "--output", "jsonl"], environment: [:])
            #expect(rehunt.status == 0, "respond's own sessions are approved: \(rehunt.stdout)\(rehunt.stderr)")
        }
    }

    @Test func aStepThatFailsLeavesTheRestContainedAndSaysWhatIsNotDone() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = scenario.member
            // The member's IAM refuses UpdateAccessKey (AccessDenied in IAM's wire format, injected by the plugin).
            var root = try await moto.rootState(account: member)
            root["failOperations"] = ["UpdateAccessKey"]
            try await moto.setRoot(account: member, root)
            let evidence = scenario.folder.appendingPathComponent("evidence")
            let report = scenario.folder.appendingPathComponent("incident.md")
            let applied = try respond(
                moto,
                [
                    "--detections", scenario.detections.path, "--apply", "--evidence", evidence.path, "--format",
                    "markdown", "--output-file", report.path,
                ])
            #expect(applied.status == 1, "\(applied.stdout)\(applied.stderr)")
            let text = try String(contentsOf: report, encoding: .utf8)
            #expect(text.contains("FAILED: "), "\(text)")
            #expect(text.contains("UpdateAccessKey is refused"), "\(text)")
            let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }
            #expect(rows.filter { $0.contains("| `done` |") }.count == 6, "\(rows)")
            #expect(rows.filter { $0.contains("FAILED") }.count == 1)
            // Nothing weaker than before: the key stays Active (the step failed), everything else is contained.
            let keys = try await scenario.inMember.iam().listAccessKeys(.init(userName: "backup-admin"))
            #expect(keys.accessKeyMetadata?.first?.status == "Active")
            #expect(
                try await scenario.inMember.iam().listUserPolicies(.init(userName: "backup-admin")).policyNames
                    == ["rootguard-quarantine"])
            #expect(text.contains("open: Active"), "the re-check reports the key still open")
            // The evidence: every record of the session (not the unrelated role's), the detections and the report,
            // each with its SHA-256 in the manifest.
            #expect(try EvidenceFolder.verify(evidence.path).isEmpty)
            let records = try String(contentsOf: evidence.appendingPathComponent("records.jsonl"), encoding: .utf8)
            #expect(records.split(separator: "\n").count == 9)
            #expect(!records.contains("ci-deployer"))
            #expect(FileManager.default.fileExists(atPath: evidence.appendingPathComponent("report.md").path))
            #expect(applied.stderr.contains("evidence: 5 files in"))

            // Once the refusal is lifted, a second run plans only what is still open.
            root = try await moto.rootState(account: member)
            #expect((root["accessKeys"] as? [Any])?.isEmpty == true, "root's credentials went in the same run")
            root["failOperations"] = []
            try await moto.setRoot(account: member, root)
            let again = try respond(moto, ["--detections", scenario.detections.path])
            #expect(again.status == 2)
            #expect(again.stdout.contains("respond: 1 change"), "\(again.stdout)")
            #expect(again.stdout.contains("UpdateAccessKey  \(member): \(scenario.userKey) of backup-admin → Inactive"))
        }
    }

    @Test func quarantineIsRefusedForTheManagementAccountAndAttachesADenyAllSCPToAMember() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = scenario.member
            let management = MotoServer.defaultAccount
            // Root of the management account used too: the quarantine of that account is refused before any change.
            let login = scenario.logs.appendingPathComponent("\(management)_CloudTrail_us-east-1_mgmt.json")
            let record = Self.rootCall(
                management, Date().addingTimeInterval(-600), "iam.amazonaws.com", "CreateUser",
                request: ["userName": "shadow"])
            try JSONSerialization.data(withJSONObject: ["Records": [record]]).write(to: login)
            let breakGlass = "arn:aws:iam::\(member):role/OrganizationAccountAccessRole"
            let refused = try respond(
                moto,
                [
                    "--account", management, "--since", "2h", "--logs", scenario.logs.path, "--quarantine",
                    "--allow-principal", breakGlass, "--apply",
                ])
            #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("is the organization's management account, and SCPs do not apply to it"))
            let untouched = try await client.organizations().listPoliciesForTarget(
                .init(targetId: member, filter: "SERVICE_CONTROL_POLICY"))
            #expect(untouched.policies?.contains { $0.name?.hasPrefix("rootguard-quarantine") == true } != true)

            let dry = try respond(
                moto,
                ["--detections", scenario.detections.path, "--quarantine", "--allow-principal", breakGlass])
            #expect(dry.status == 2)
            #expect(
                dry.stdout.contains(
                    "organizations  AttachPolicy  rootguard-quarantine-\(member) → \(member) (deny all except \(breakGlass))"
                ), "\(dry.stdout)")
            let applied = try respond(
                moto,
                [
                    "--detections", scenario.detections.path, "--quarantine", "--allow-principal", breakGlass,
                    "--apply",
                ])
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            let attached = try await client.organizations().listPoliciesForTarget(
                .init(targetId: member, filter: "SERVICE_CONTROL_POLICY"))
            let policy = try #require(attached.policies?.first { $0.name == "rootguard-quarantine-\(member)" })
            let content = try await client.organizations().describePolicy(.init(policyId: policy.id!)).policy?.content
            #expect(content == IncidentContainment.quarantineSCP(allow: [breakGlass]))
            #expect(content?.contains(#""Effect":"Deny","Action":"*""#) == true)
            // Idempotent: nothing planned the second time.
            let again = try respond(
                moto,
                ["--detections", scenario.detections.path, "--quarantine", "--allow-principal", breakGlass])
            #expect(again.status == 0, "\(again.stdout)")
            // Another break-glass list: the attached quarantine is not this one, so it is not taken as contained,
            // and rootguard does not rewrite it.
            let other = try respond(
                moto,
                [
                    "--detections", scenario.detections.path, "--quarantine", "--allow-principal",
                    "arn:aws:iam::\(member):role/OtherBreakGlass",
                ])
            #expect(other.status == 2, "\(other.stdout)")
            #expect(other.stdout.contains("is attached with other break-glass principals; change or detach it by hand"))
            let unchanged = try await client.organizations().describePolicy(.init(policyId: policy.id!)).policy?.content
            #expect(unchanged == IncidentContainment.quarantineSCP(allow: [breakGlass]))
        }
    }

    @Test func everyCallOfRespondIsInThePrintedPolicyOrItsTaskPolicies() async throws {
        let moto = try await MotoServer.fresh()
        let calls = Calls()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = try #require(AccountID(rawValue: scenario.member))
            let scope = try await offlineScope(scenario)
            #expect(scope.artifacts[scenario.member]?.count == 7)
            let observed = client.with(observer: { service, operation in
                calls.add("\(AWSError.iamPrefixForTests(service.name)):\(operation.name)")
            })
            let containment = IncidentContainment(
                targets: [.init(account: member, artifacts: scope.artifacts[scenario.member] ?? [])],
                quarantine: true, allowPrincipals: ["arn:aws:iam::\(member):role/BreakGlass"],
                approver: ApprovalRecorderForTests())
            let run = try await HardenRunner.run(containment, client: observed, apply: true)
            #expect(run.outcome.applied.allSatisfy { $0.error == nil }, "\(run.outcome.applied)")
            _ = await AccountDirectory(client: observed).entry(scenario.member)
        }
        let printed = try CLI.run(["policy", "--with-respond"], environment: [:])
        #expect(printed.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any]
        let statements = (document?["Statement"] as? [[String: Any]]) ?? []
        let allowed = Set(statements.flatMap { ($0["Action"] as? [String]) ?? [] })
        let sessionActions = Set(
            [RootSessions.Task.audit, .deleteCredentials].flatMap(\.actions))
        #expect(calls.all.contains("sts:AssumeRoot") && calls.all.contains("iam:UpdateAccessKey"))
        #expect(
            calls.all.isSubset(of: allowed.union(sessionActions)),
            "in neither: \(calls.all.subtracting(allowed.union(sessionActions)).sorted())")
    }

    /// A member's containment asks each thing once: one AssumeRole for the member (the 15-minute session used to be
    /// refreshed on every call: 18 AssumeRole for one member), the caller, the features and the member's SCPs once,
    /// and two privileged sessions (the audit one serves the first read and the re-check, the delete one its step).
    @Test func aMembersContainmentAssumesItsRoleOnceAndAsksNothingTwice() async throws {
        let moto = try await MotoServer.fresh()
        let counts = NIOLockedValueBox<[String: Int]>([:])
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = try #require(AccountID(rawValue: scenario.member))
            let scope = try await offlineScope(scenario)
            let observed = client.with(observer: { _, operation in
                counts.withLockedValue { $0[operation.name, default: 0] += 1 }
            })
            let containment = IncidentContainment(
                targets: [.init(account: member, artifacts: scope.artifacts[scenario.member] ?? [])],
                approver: ApprovalRecorderForTests())
            let run = try await containment.runConcurrently(client: observed, apply: true, concurrency: 4)
            #expect(run.outcome.reaudit.allSatisfy { $0.status == .pass }, "\(run.outcome.reaudit)")
        }
        let seen = counts.withLockedValue { $0 }
        #expect(seen["AssumeRole"] == 1, "\(seen)")
        #expect(seen["AssumeRoot"] == 2, "\(seen)")
        #expect(seen["GetCallerIdentity"] == 1, "\(seen)")
        #expect(seen["ListOrganizationsFeatures"] == 1, "\(seen)")
        #expect(seen["ListParents"] == 1, "\(seen)")
    }

    @Test func theAlertsLookupCommandReadsTheMembersOwnHistoryFromTheManagementAccount() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = scenario.member
            // The member's root session is in the member's event history, not the management account's.
            let records = try incidentRecords(scenario)
            try await moto.setEvents(account: member, region: "us-east-1", records)
            let first = try #require(
                records.compactMap { ($0["eventTime"] as? String).flatMap(TimeArgument.parseTimestamp) }.min())
            // What a watch alert prints for the member (docs/commands/respond.md), run with the management account's
            // credentials: it had read the management account's history and said "nothing to change", exit 0.
            let alert = try respond(
                moto,
                [
                    "--account", member, "--since", TimeArgument.format(first.addingTimeInterval(-3600)), "--logs",
                    "lookup",
                ])
            #expect(alert.status == 2, "\(alert.stdout)\(alert.stderr)")
            #expect(alert.stdout.contains("incident \(member)"), "\(alert.stdout)")
            #expect(!alert.stdout.contains("no root activity in scope"))
            #expect(alert.stdout.contains("UpdateAccessKey"), "\(alert.stdout)")
            #expect(
                alert.stderr.contains(
                    "note: \(member): its event history (lookup) through role OrganizationAccountAccessRole"),
                "\(alert.stderr)")
            // The alert's command with --apply contains the member.
            let applied = try respond(
                moto,
                [
                    "--account", member, "--since", TimeArgument.format(first.addingTimeInterval(-3600)), "--logs",
                    "lookup", "--apply",
                ])
            #expect(applied.status != 1, "\(applied.stdout)\(applied.stderr)")
            let keys =
                try await scenario.inMember.iam().listAccessKeys(.init(userName: "backup-admin"))
                .accessKeyMetadata ?? []
            #expect(keys.first { $0.accessKeyId == scenario.userKey }?.status == "Inactive", "\(applied.stdout)")
        }
    }

    @Test func aRootEventInTheHistoryAndInNoLogFileIsNamedByItsEventID() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client)
            let member = scenario.member
            let records = try incidentRecords(scenario)
            let arguments = ["--detections", scenario.detections.path, "--format", "json"]
            func events(_ output: String) throws -> [[String: Any]] {
                let document = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
                let incident = (document?["incidents"] as? [[String: Any]])?.first
                return (incident?["integrity"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "event" }
            }
            // The member's history holds exactly what the files hold: the second source agrees.
            try await moto.setEvents(account: member, region: "us-east-1", records)
            let agreed = try respond(moto, arguments)
            #expect(agreed.status == 2, "\(agreed.stderr)")
            let agreedEvents = try events(agreed.stdout)
            #expect(
                agreedEvents.count == 1 && agreedEvents.first?["verdict"] as? String == "verified", "\(agreedEvents)")
            #expect(!agreed.stderr.contains("error: event"))

            // Root's CreateRole trusting an outside account is in the history, and its log file is gone.
            var hidden = try #require(records.first { $0["eventName"] as? String == "CreateUser" })
            hidden["eventID"] = "5e1d0000-0000-4000-8000-00000000beef"
            hidden["eventName"] = "CreateRole"
            hidden["requestParameters"] = ["roleName": "shadow-admin"]
            try await moto.setEvents(account: member, region: "us-east-1", records + [hidden])
            let deleted = try respond(moto, arguments)
            #expect(deleted.status == 5, "\(deleted.stderr)")
            #expect(
                deleted.stderr.contains(
                    "error: event \(member)/us-east-1 event 5e1d0000-0000-4000-8000-00000000beef (CreateRole at "),
                "\(deleted.stderr)")
            #expect(deleted.stderr.contains("missing: a root event in the event history and in no log file read"))

            // A record in the files that the history does not hold is named, never silently trusted.
            try await moto.setEvents(account: member, region: "us-east-1", Array(records.dropFirst()))
            let forged = try respond(moto, arguments)
            let forgedEvents = try events(forged.stdout)
            #expect(
                forgedEvents.contains {
                    $0["verdict"] as? String == "unverifiable"
                        && ($0["reason"] as? String ?? "").contains("not in the event history")
                }, "\(forgedEvents)")
        }
    }

    /// Removing a member's root credentials is IAMDeleteRootUserCredentials: it needs centralised root credentials
    /// management, not root sessions. With only the former on, respond plans the removal as root-task would (it had
    /// left them to a person: "RootSessions is not enabled").
    @Test func rootCredentialsAreRemovedWhereRootTaskCanRemoveThem() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let scenario = try await scenario(moto, client, sessions: false)
            let member = scenario.member
            let dry = try respond(moto, ["--detections", scenario.detections.path])
            #expect(dry.status == 2, "\(dry.stdout)\(dry.stderr)")
            let planned = dry.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("  — ") }
                .map { $0.split(separator: "  ").prefix(3).joined(separator: " ") }
            #expect(
                planned.contains("iam DeleteAccessKey \(member) root: access key AKIAROOTNEWKEY000001 (Active)"),
                "\(dry.stdout)")
            #expect(planned.contains("iam DeleteLoginProfile \(member) root: console password (login profile)"))
            #expect(
                !dry.stdout.contains("RootSessions is not enabled")
                    && !dry.stdout.contains("not enabled for the organization"))

            // The features cannot be read (ListOrganizationsFeatures refused): unknown, never "off"; the session is
            // tried and answers for itself.
            var management = try await moto.rootState(account: MotoServer.defaultAccount)
            management["failOperations"] = ["ListOrganizationsFeatures"]
            try await moto.setRoot(account: MotoServer.defaultAccount, management)
            let unknown = try respond(moto, ["--detections", scenario.detections.path])
            #expect(unknown.stdout.contains("features could not be read"), "\(unknown.stdout)")
            #expect(!unknown.stdout.contains("is off in this organization") && !unknown.stdout.contains("not enabled"))
            #expect(unknown.stdout.contains("AKIAROOTNEWKEY000001 (Active)"))
            management["failOperations"] = []
            try await moto.setRoot(account: MotoServer.defaultAccount, management)

            // Applied: root's key and password are gone, as root-task delete-credentials removes them.
            let applied = try respond(moto, ["--detections", scenario.detections.path, "--apply"])
            #expect(applied.status != 1, "\(applied.stdout)\(applied.stderr)")
            let root = try await moto.rootState(account: member)
            #expect((root["accessKeys"] as? [Any])?.isEmpty ?? true, "\(root)")
        }
    }

    /// What existed before the session is kept and named: a console password root changed on an existing user is
    /// not deleted (the user is quarantined instead), an inline policy root overwrote is deleted with its version
    /// saved in the evidence, an attachment that may predate the session is detached with the command that restores
    /// it — each under "review and restore" (they had been deleted outright, unmentioned).
    @Test func whatExistedBeforeTheSessionIsKeptAndNamed() async throws {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let (member, inMember) = try await RootTaskCLITests().organization(moto, client)
            let iam = inMember.iam()
            _ = try await iam.createUser(.init(userName: "alice"))
            _ = try await iam.createLoginProfile(.init(userName: "alice", password: "Correct-Horse-Battery-9"))
            let overwritten = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            _ = try await iam.putUserPolicy(
                .init(userName: "alice", policyName: "ops", policyDocument: .init(json: overwritten)))
            let trust = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\(member):root"},"Action":"sts:AssumeRole"}]}
                """
            _ = try await iam.createRole(.init(roleName: "deploy", assumeRolePolicyDocument: .init(json: trust)))
            let readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
            _ = try await iam.attachRolePolicy(.init(roleName: "deploy", policyArn: readOnly))
            // The root session comes after: these principals are older than it.
            let start = Date().addingTimeInterval(5)
            let at = { (seconds: Double) in start.addingTimeInterval(seconds) }
            var login = Self.rootCall(member, at(0), "signin.amazonaws.com", "ConsoleLogin", request: [:])
            login["eventType"] = "AwsConsoleSignIn"
            login["responseElements"] = ["ConsoleLogin": "Success"]
            let records: [[String: Any]] = [
                login,
                Self.rootCall(member, at(1), "iam.amazonaws.com", "UpdateLoginProfile", request: ["userName": "alice"]),
                Self.rootCall(
                    member, at(2), "iam.amazonaws.com", "PutUserPolicy",
                    request: ["userName": "alice", "policyName": "ops", "policyDocument": overwritten]),
                Self.rootCall(
                    member, at(3), "iam.amazonaws.com", "AttachRolePolicy",
                    request: ["roleName": "deploy", "policyArn": readOnly]),
            ]
            let folder = try folder()
            let logs = folder.appendingPathComponent("logs")
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ["Records": records]).write(
                to: logs.appendingPathComponent("\(member)_CloudTrail_us-east-1_incident.json"))
            let hunt = try CLI.run(["trail", logs.path, "--output", "jsonl"], environment: [:])
            let detections = folder.appendingPathComponent("detections.jsonl")
            try Data(hunt.stdout.utf8).write(to: detections)

            let dry = try respond(moto, ["--detections", detections.path])
            #expect(dry.status == 2, "\(dry.stdout)\(dry.stderr)")
            #expect(!dry.stdout.contains("DeleteLoginProfile"), "\(dry.stdout)")
            #expect(dry.stdout.contains("PutUserPolicy  \(member): user alice: rootguard-quarantine (deny all)"))
            #expect(dry.stdout.contains("DeleteUserPolicy  \(member): ops from user alice"))
            #expect(dry.stdout.contains("DetachRolePolicy  \(member): \(readOnly) from role deploy"))
            #expect(
                dry.stdout.contains("for a person: \(member): review and restore: the console password of user alice"))
            #expect(dry.stdout.contains("aws iam attach-role-policy --role-name deploy --policy-arn \(readOnly)"))

            let evidence = folder.appendingPathComponent("evidence")
            let applied = try respond(
                moto, ["--detections", detections.path, "--apply", "--format", "json", "--evidence", evidence.path])
            let document = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any]
            let collateral =
                ((document?["incidents"] as? [[String: Any]])?.first?["collateral"] as? [[String: Any]]) ?? []
            #expect(collateral.count == 3, "\(collateral)")
            try Schemas.check(applied.stdout, against: "respond.schema.json")
            let saved = evidence.appendingPathComponent("collateral-\(member)-user-alice-inline-ops.json")
            let kept = try JSONSerialization.jsonObject(with: Data(contentsOf: saved)) as? [String: Any]
            #expect(
                (kept?["Statement"] as? [[String: Any]])?.first?["Action"] as? String == "*",
                "\(String(describing: kept))")
            // The password is still there; the user is quarantined; the inline policy and the attachment are gone.
            _ = try await iam.getLoginProfile(.init(userName: "alice"))
            let inline = try await iam.listUserPolicies(.init(userName: "alice")).policyNames ?? []
            #expect(inline == ["rootguard-quarantine"], "\(inline)")
            let attached = try await iam.listAttachedRolePolicies(.init(roleName: "deploy")).attachedPolicies ?? []
            #expect(!attached.contains { $0.policyArn == readOnly })
        }
    }

    /// Credentials of an account outside the member's organization: one line naming the cause, a non-zero exit
    /// (it had carried on with "root e-mail (not known)" and "sign in as root").
    @Test func aCallerThatCannotReachTheAccountIsOneLineNamingTheCause() async throws {
        let moto = try await MotoServer.fresh()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let result = try respond(
            moto,
            [
                "--detections", root.appendingPathComponent("Examples/incident/detections.jsonl").path, "--logs",
                root.appendingPathComponent("Examples/incident/logs").path,
            ])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: 222233334444") }
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(errors.first?.contains("is not the caller's account (\(MotoServer.defaultAccount))") == true)
        #expect(errors.first?.contains("in no organization") == true)
        #expect(!result.stdout.contains("DeleteAccessKey") && !result.stdout.contains("UpdateAccessKey"))
    }

    /// Run twice: with the session where the clock puts it, and straddling an hour so that StopLogging is in the first
    /// hour's log file and the session's last records in the next (the case that once rewrote the wrong file).
    @Test(arguments: [false, true])
    func logFilesReadFromS3AreVerifiedAgainstSignedDigestsAndTamperingHasItsOwnExitCode(
        straddling: Bool
    )
        async throws
    {
        let moto = try await MotoServer.fresh()
        try await moto.client().using { client in
            let hourStart = (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600
            let scenario = try await scenario(
                moto, client,
                start: straddling ? Date(timeIntervalSince1970: hourStart - 3600 - 8.5 * 60) : nil)
            let member = scenario.member
            // The incident's records as CloudTrail delivers them to the trail's bucket: one log file per hour of
            // records, a digest for every hour of the window signed (SHA256withRSA) with CloudTrail's key — made here
            // and served by the plugin's ListPublicKeys — each naming the previous one's signature.
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let fingerprint = "5c2f0e6a9b8d7c6b5a4f3e2d1c0b9a88"
            let bucket = "org-trail-logs"
            _ = try await client.s3().createBucket(.init(bucket: bucket))
            let records = try incidentRecords(scenario)
            // The member's event history, the second source, holds the same root events.
            try await moto.setEvents(account: member, region: "us-east-1", records)
            let times = records.compactMap { ($0["eventTime"] as? String).flatMap(TimeArgument.parseTimestamp) }
            let hour: TimeInterval = 3600
            let first = Date(timeIntervalSince1970: (times.min()!.timeIntervalSince1970 / hour).rounded(.down) * hour)
            let last = Date(timeIntervalSince1970: (times.max()!.timeIntervalSince1970 / hour).rounded(.down) * hour)
            try await moto.setCloudTrailPublicKeys(
                [(fingerprint, Array(key.publicKey.pkcs1DERRepresentation))],
                validity: first.addingTimeInterval(-86_400)...last.addingTimeInterval(86_400))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            func name(_ date: Date, seconds: Bool) -> (day: String, stamp: String) {
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
                return (
                    String(format: "%04d/%02d/%02d", c.year!, c.month!, c.day!),
                    String(format: "%04d%02d%02dT%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
                        + (seconds ? "00Z" : "Z")
                )
            }
            var previous: (key: String, signature: String)?
            var logKeys: [String] = []
            var hourOf: [String: Date] = [:]
            var digestKeys: [String] = []
            var originals: [String: [UInt8]] = [:]
            var start = first
            while start <= last {
                let end = start.addingTimeInterval(hour)
                let part = records.filter {
                    guard let time = ($0["eventTime"] as? String).flatMap(TimeArgument.parseTimestamp) else {
                        return false
                    }
                    return time >= start && time < end
                }
                var entries: [[String: Any]] = []
                if !part.isEmpty {
                    let content = try JSONSerialization.data(withJSONObject: ["Records": part])
                    let (day, stamp) = name(start.addingTimeInterval(300), seconds: false)
                    let logKey =
                        "AWSLogs/\(member)/CloudTrail/us-east-1/\(day)/\(member)_CloudTrail_us-east-1_\(stamp)_part.json.gz"
                    logKeys.append(logKey)
                    hourOf[logKey] = start
                    originals[logKey] = try SignedTrail.gzip(Array(content))
                    _ = try await client.s3().putObject(
                        .init(body: Data(originals[logKey] ?? []), bucket: bucket, key: logKey))
                    entries.append([
                        "s3Bucket": bucket, "s3Object": logKey,
                        "hashValue": SignedTrail.hex(SHA256.hash(data: content)),
                        "hashAlgorithm": "SHA-256",
                    ])
                }
                let (day, stamp) = name(end, seconds: true)
                let digestKey =
                    "AWSLogs/\(member)/CloudTrail-Digest/us-east-1/\(day)/\(member)_CloudTrail-Digest_us-east-1_org-trail_us-east-1_\(stamp).json.gz"
                let digest: [String: Any] = [
                    "awsAccountId": member, "digestStartTime": SignedTrail.iso(start),
                    "digestEndTime": SignedTrail.iso(end), "digestS3Bucket": bucket, "digestS3Object": digestKey,
                    "digestPublicKeyFingerprint": fingerprint, "digestSignatureAlgorithm": "SHA256withRSA",
                    "previousDigestS3Bucket": previous == nil ? NSNull() : bucket,
                    "previousDigestS3Object": previous?.key ?? NSNull(),
                    "previousDigestSignature": previous?.signature ?? NSNull(), "logFiles": entries,
                ]
                let digestContent = try JSONSerialization.data(withJSONObject: digest)
                let signed = [
                    SignedTrail.iso(end), "\(bucket)/\(digestKey)", SignedTrail.hex(SHA256.hash(data: digestContent)),
                    previous?.signature ?? "null",
                ]
                .joined(separator: "\n")
                let signature = SignedTrail.hex(
                    try key.signature(for: Data(signed.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
                // The signature and its algorithm travel as the object's metadata, as CloudTrail writes them.
                _ = try await client.s3().putObject(
                    .init(
                        body: Data(try SignedTrail.gzip(Array(digestContent))), bucket: bucket, key: digestKey,
                        metadata: ["signature": signature, "signature-algorithm": "SHA256withRSA"]))
                previous = (digestKey, signature)
                digestKeys.append(digestKey)
                start = end
            }
            let arguments = [
                "--detections", scenario.detections.path, "--logs", "s3://\(bucket)/AWSLogs/\(member)/", "--format",
                "json",
            ]
            let clean = try respond(moto, arguments)
            #expect(clean.status == 2, "\(clean.stdout)\(clean.stderr)")
            func document(_ output: String) throws -> [String: Any] {
                try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
            }
            func verdicts(_ output: String) throws -> [String: String] {
                let incident = (try document(output)["incidents"] as? [[String: Any]])?.first
                let results = incident?["integrity"] as? [[String: Any]] ?? []
                return Dictionary(
                    results.map { ($0["location"] as? String ?? "", $0["verdict"] as? String ?? "") },
                    uniquingKeysWith: { a, _ in a })
            }
            let all = try verdicts(clean.stdout)
            // Every file and event verifies; the one gap is the StopLogging the records hold (never restarted).
            let before = all.filter { $0.value != "gap" }
            #expect(!before.isEmpty && before.values.allSatisfy { $0 == "verified" }, "\(all)")
            #expect(all.filter { $0.value == "gap" }.keys.allSatisfy { $0.hasPrefix("trail org-trail in \(member)") })
            #expect(all.count - before.count == 1)
            #expect(before.count > logKeys.count && logKeys.allSatisfy { before["\(bucket)/\($0)"] == "verified" })
            #expect((try document(clean.stdout)["evidence"] as? [String: Any])?["status"] as? String == "incomplete")
            try Schemas.check(clean.stdout, against: "respond.schema.json")

            // Someone rewrites the log file holding StopLogging to hide it: exactly that file is reported, and the exit
            // code says the evidence failed integrity, not that containment is pending. (The file is the one of
            // StopLogging's hour: the session may straddle an hour, and rewriting another hour's file without it
            // would change nothing.)
            let stopTime = try #require(
                records.first { $0["eventName"] as? String == "StopLogging" }
                    .flatMap { ($0["eventTime"] as? String).flatMap(TimeArgument.parseTimestamp) })
            let target = try #require(
                logKeys.first { key in
                    hourOf[key].map { stopTime >= $0 && stopTime < $0.addingTimeInterval(hour) } ?? false
                })
            let targetHour = try #require(hourOf[target])
            var tampered = records.filter {
                guard let time = ($0["eventTime"] as? String).flatMap(TimeArgument.parseTimestamp) else { return false }
                return time >= targetHour && time < targetHour.addingTimeInterval(hour)
            }
            tampered.removeAll { $0["eventName"] as? String == "StopLogging" }
            _ = try await client.s3().putObject(
                .init(
                    body: Data(
                        try SignedTrail.gzip(Array(try JSONSerialization.data(withJSONObject: ["Records": tampered])))),
                    bucket: bucket, key: target))
            let after = try respond(moto, arguments)
            #expect(after.status == 5, "\(after.stderr)")
            let now = try verdicts(after.stdout)
            #expect(now["\(bucket)/\(target)"] == "modified", "\(now)")
            // The event history still holds the StopLogging the rewrite removed: named by the second source too.
            let stopLogging = try #require(records.first { $0["eventName"] as? String == "StopLogging" })
            let hiddenEvent = try #require(
                now.first { $0.key.contains("event \(stopLogging["eventID"] as? String ?? "?")") })
            #expect(hiddenEvent.value == "missing", "\(now)")
            #expect(now.filter { $0.value != "verified" && $0.value != "gap" }.count == 2, "\(now)")
            #expect(
                after.stderr.contains("error: log \(bucket)/\(target): modified: hash value doesn't match its digest"))
            #expect((try document(after.stdout)["evidence"] as? [String: Any])?["status"] as? String == "failed")
            let plan = try respond(moto, Array(arguments.dropLast(2)))
            #expect(
                plan.stdout.hasPrefix(
                    "EVIDENCE FAILED INTEGRITY: 2 log files, digests or events tampered with or missing (exit 5)"))

            // The log file deleted: missing, never dropped with the records it held.
            let delete = try CLI.run(
                [
                    "-c",
                    "python3 -c \"import boto3; boto3.client('s3', endpoint_url='\(moto.endpoint)', region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7EXAMPLE', aws_secret_access_key='x').delete_object(Bucket='\(bucket)', Key='\(target)')\"",
                ], environment: HardenOrganizationCLITests.tools, shell: true)
            #expect(delete.status == 0, "\(delete.stderr)")
            let gone = try respond(moto, arguments)
            #expect(gone.status == 5, "\(gone.stderr)")
            #expect(try verdicts(gone.stdout)["\(bucket)/\(target)"] == "missing")
            #expect(gone.stderr.contains("error: log \(bucket)/\(target): missing: not found"))

            // A gzip bomb where a digest belongs (anyone with root in the member can write there): an error naming
            // it, and containment goes on (it had aborted respond --apply with a 4.3 GB allocation).
            let bombKey = try #require(digestKeys.first)
            _ = try await client.s3().putObject(
                .init(body: Data(originals[target] ?? []), bucket: bucket, key: target))
            _ = try await client.s3().putObject(
                .init(
                    body: Data(try SignedTrail.gzip([UInt8](repeating: 0x20, count: 64 << 20))), bucket: bucket,
                    key: bombKey, metadata: ["signature": "00", "signature-algorithm": "SHA256withRSA"]))
            let bombed = try respond(
                moto,
                ["--detections", scenario.detections.path, "--logs", "s3://\(bucket)/AWSLogs/\(member)/", "--apply"])
            #expect(bombed.status == 5, "\(bombed.stdout)\(bombed.stderr)")
            #expect(
                bombed.stderr.contains(
                    "error: digest \(bucket)/\(bombKey): invalid: invalid format: inflates past 16 MiB"),
                "\(bombed.stderr)")
            let keys =
                try await scenario.inMember.iam().listAccessKeys(.init(userName: "backup-admin"))
                .accessKeyMetadata ?? []
            #expect(keys.first { $0.accessKeyId == scenario.userKey }?.status == "Inactive")
        }
    }
}

/// The bundled example incident (Examples/incident): `respond --offline` plans its containment from the records
/// alone, in every format; the detections file is exactly what `trail` writes for its logs today.
@Suite("rootguard respond on the bundled example, offline")
struct RespondExampleCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let example = root.appendingPathComponent("Examples/incident")

    /// From the repository's root, as the README runs it (the detections name their logs by relative path).
    func respond(_ arguments: [String]) throws -> CLI.Result {
        let quoted = ([CLI.binary.path, "respond"] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return try CLI.run(
            ["-c", "cd '\(Self.root.path)' && " + quoted.joined(separator: " ")], environment: [:], shell: true)
    }

    @Test func theExampleDetectionsAreWhatTrailWritesForItsLogs() throws {
        let quoted = [CLI.binary.path, "trail", "Examples/incident/logs", "--output", "jsonl"].map { "'\($0)'" }
        let hunt = try CLI.run(
            ["-c", "cd '\(Self.root.path)' && " + quoted.joined(separator: " ")], environment: [:], shell: true)
        #expect(hunt.status == 3)
        func strip(_ text: String) throws -> [NSDictionary] {
            try text.split(separator: "\n").map {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
                return object.filter { $0.key != "tool" } as NSDictionary
            }
        }
        let bundled = try String(contentsOf: Self.example.appendingPathComponent("detections.jsonl"), encoding: .utf8)
        #expect(
            try strip(hunt.stdout) == strip(bundled),
            "regenerate: rootguard trail Examples/incident/logs --output jsonl")
    }

    /// The notice of an offline plan said "0 still open" — nothing was read, so nothing is known to be contained:
    /// items that were not read (or could not be) are counted as not confirmed.
    @Test func aNoticeNeverReadsLikeAContainmentWhenNothingWasConfirmed() async throws {
        let webhook = try await FaultServer.start(script: [], fallback: .respond(status: 200, body: "ok"))
        let plan = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--offline", "--notify", webhook.endpoint + "/n",
        ])
        #expect(plan.status == 2, "\(plan.stderr)")
        let body = try JSONSerialization.jsonObject(with: Data(webhook.received.first?.body ?? [])) as? [String: Any]
        let text = body?["text"] as? String ?? ""
        #expect(text.contains("7 left behind, 0 still open, 6 not confirmed (offline)"), "\(text)")
        await webhook.stop()
    }

    @Test func theExampleIncidentIsPlannedOffline() throws {
        let plan = try respond(["--detections", "Examples/incident/detections.jsonl", "--offline"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("respond: 7 changes (dry run; pass --apply to make them):"))
        #expect(
            plan.stdout.contains("iam  UpdateAccessKey  222233334444: AKIAEXAMPLEBACKUP001 of backup-admin → Inactive"))
        #expect(plan.stdout.contains("guardduty  CreateDetector  222233334444: a detector in us-east-1"))
        #expect(plan.stdout.contains("MFA no NOT APPROVED"))
        #expect(!plan.stdout.contains("ci-deployer") && !plan.stdout.contains("never-created"))
        #expect(plan.stdout.contains("note: offline: nothing was read from AWS"))
        // On standard error: what was read for the account, and the gap — the records say the trail was stopped, and
        // nothing says it started again.
        let stderrLines = plan.stderr.split(separator: "\n")
        #expect(stderrLines.count == 2, "\(plan.stderr)")
        #expect(
            stderrLines.first
                == "note: 222233334444: 9 root-relevant records read from Examples/incident/logs/222233334444_CloudTrail_us-east-1_20261128T0215Z_incident.json"
        )
        #expect(
            stderrLines.last?.hasPrefix("gap: trail org-trail in 222233334444/us-east-1 2026-11-28T02:14:07Z–") == true)
        #expect(plan.stderr.contains("no StartLogging in the records read"))

        let markdown = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--offline", "--format", "markdown",
        ])
        // The first line says where the evidence stands: local copies carry no digest signature.
        #expect(
            markdown.stdout.hasPrefix(
                "> **Evidence not verified: 1 period whose activity is unknown, 1 file nothing vouches for; what happened there is unknown (see Log file integrity)**\n\n# Root incident in account `222233334444`"
            ), "\(markdown.stdout.prefix(300))")
        #expect(
            plan.stdout.hasPrefix(
                "Evidence not verified: 1 period whose activity is unknown, 1 file nothing vouches for"))
        #expect(markdown.stdout.contains("Subject: Suspected unauthorised root user activity in account 222233334444"))
        #expect(markdown.stdout.contains("Source addresses: 203.0.113.66"))
        let html = try respond(["--detections", "Examples/incident/detections.jsonl", "--offline", "--format", "html"])
        #expect(html.stdout.contains(#"<section class="incident" data-account="222233334444">"#))
        let json = try respond(["--detections", "Examples/incident/detections.jsonl", "--offline", "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((document?["incidents"] as? [Any])?.count == 1)
        try Schemas.check(json.stdout, against: "respond.schema.json")

        // The same incident from --account and --since with the logs named.
        let scoped = try respond([
            "--account", "222233334444", "--since", "2026-11-28T00:00:00Z", "--logs", "Examples/incident/logs",
            "--offline",
        ])
        #expect(scoped.status == 2)
        #expect(scoped.stdout.contains("respond: 7 changes"))
        // --account narrows the detections: an account none of them names is said (it had been a clean exit 0,
        // "no root activity in scope", although nothing about that account was read).
        let other = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--account", "111122223333", "--offline",
        ])
        #expect(other.status == 2, "\(other.stdout)\(other.stderr)")
        #expect(other.stdout.contains("respond: no root activity in scope."))
        #expect(other.stderr.contains("error: --account 111122223333: none of the 22 detections is for this account"))
    }

    @Test func badInputIsOneLineAndNothingIsPlanned() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rg-respond-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("bad.jsonl")
        try Data("{\"eventID\":\"x\"}\n\u{1B}[2Jnot json\n".utf8).write(to: bad)
        let result = try respond(["--detections", bad.path, "--offline"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("line 1 is not a detection as trail or watch write it (no eventTime)"))
        #expect(!result.stderr.contains("\u{1B}"))
        // A detection whose account is "*", eleven digits or ends in a line break is an error naming it, never dropped
        // (it had been, and the run said "nothing to change", exit 0).
        let example = try String(
            contentsOfFile: Self.root.appendingPathComponent("Examples/incident/detections.jsonl").path, encoding: .utf8
        )
        let firstLine = try #require(example.split(separator: "\n").first.map(String.init))
        for hostile in ["*", "22223333444", "222233334444\n"] {
            let file = folder.appendingPathComponent("hostile-\(UUID().uuidString).jsonl")
            let encoded = String(decoding: try JSONEncoder().encode(hostile), as: UTF8.self)
            try Data(
                (example
                    + firstLine.replacingOccurrences(
                        of: #""accountId":"222233334444""#, with: #""accountId":\#(encoded)"#) + "\n").utf8
            ).write(to: file)
            let run = try respond(["--detections", file.path, "--offline"])
            #expect(run.status == 64, "\(hostile): \(run.stdout)")
            #expect(run.stderr.contains("names account"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").first?.contains("line 23 names account") == true, "\(run.stderr)")
        }
        // An --account no detection names is said, never "no root activity in scope", exit 0.
        let other = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--offline", "--account", "999999999999",
        ])
        #expect(other.status == 2, "\(other.stdout)\(other.stderr)")
        #expect(other.stderr.contains("error: --account 999999999999: none of the 22 detections is for this account"))
        // A detection's source is read only where a trail writes: not a folder, not the filesystem's root.
        let rooted = folder.appendingPathComponent("rooted.jsonl")
        try Data(
            (firstLine.replacingOccurrences(
                of:
                    #""source":"Examples/incident/logs/222233334444_CloudTrail_us-east-1_20261128T0215Z_incident.json""#,
                with: #""source":"/""#) + "\n").utf8
        ).write(to: rooted)
        let fromRoot = try respond(["--detections", rooted.path, "--offline"])
        #expect(
            fromRoot.stderr.contains("note: detections from / name no log file rootguard reads by default"),
            "\(fromRoot.stderr)")
        #expect(fromRoot.status == 2)
        // An empty detections input is suspect, never "nothing in scope", exit 0.
        let none = folder.appendingPathComponent("none.jsonl")
        try Data("\n".utf8).write(to: none)
        let nothing = try respond(["--detections", none.path, "--offline"])
        #expect(nothing.status == 2 && nothing.stderr.contains("holds no detection"), "\(nothing.stderr)")
        // Records of the session missing from the logs read: said, and never a clean exit.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--logs", empty.path, "--offline",
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("records are not in the logs read; what they left behind is unknown"))
        // --offline reads nothing from AWS, so logs in S3 are refused; an approvals file only read must exist.
        let remote = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--logs", "s3://org-trail/AWSLogs/", "--offline",
        ])
        #expect(remote.status == 64 && remote.stderr.contains("--offline reads local logs only"))
        let typo = try respond([
            "--detections", "Examples/incident/detections.jsonl", "--approvals",
            folder.appendingPathComponent("nope.yaml").path,
            "--offline",
        ])
        #expect(typo.status == 64 && typo.stderr.contains("--approvals"), "\(typo.stderr)")
        let usage = try respond(["--detections", "Examples/incident/detections.jsonl", "--quarantine"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--quarantine needs at least one --allow-principal"))
    }
}
