import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

@Suite("Detections on documented root records")
struct DocumentedExampleTests {
    /// What each documented example must yield, by its position in the fixture file (label and event
    /// name are checked too, so a reordered file fails loudly).
    static let expected: [(String, String, [String])] = [
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-console-login-success-mfa", "ConsoleLogin", ["root-console-login-mfa"]),
        ("root-console-login-failure", "ConsoleLogin", ["root-console-login-failure"]),
        ("root-mfa-enable-device", "EnableMFADevice", ["root-api-call-session", "root-mfa-enabled"]),
        ("root-password-updated", "PasswordUpdated", ["root-password-changed"]),
        ("assumeroot-call-management-account", "AssumeRoot", ["assume-root-requested"]),
        // Alone, the member-account record is a root session; joined to its AssumeRoot call below.
        ("root-session-privileged-task-member-account", "DeleteBucketPolicy", ["root-api-call-session"]),
        ("eventbridge-root-console-signin", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("eventbridge-root-api-call", "CreateBucket", ["root-api-call-console-session", "root-unneeded-task"]),
        (
            "root-api-call-servicelinkedrole", "CreateServiceLinkedRole",
            ["root-api-call-session", "root-unneeded-task"]
        ),
        // PutBucketVersioning (MFA delete) is one of the tasks only root can do.
        ("root-api-call-write", "PutBucketVersioning", ["root-api-call-session"]),
        ("root-signin-other-failure", "ExternalIdPDirectoryLogin", ["root-sign-in-other"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        // No session context: a long-term key, though the test record's key ID is a placeholder.
        ("root-api-call-readonly", "ListAccessKeys", ["root-api-call-access-key"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-console-login-failure", "ConsoleLogin", ["root-console-login-failure"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        (
            "root-access-key-create-self", "CreateAccessKey",
            ["root-access-key-created", "root-api-call-console-session"]
        ),
        (
            "root-access-key-create-for-iam-user", "CreateAccessKey",
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        ("root-password-updated", "PasswordUpdated", ["root-password-changed"]),
        ("root-password-update-failure", "PasswordUpdated", ["root-password-changed"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-billing-console-action", "SetContactAddress", ["root-console-action"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-console-login-failure", "ConsoleLogin", ["root-console-login-failure"]),
        ("root-console-login-failure", "ConsoleLogin", ["root-console-login-failure"]),
        ("root-console-login-failure", "ConsoleLogin", ["root-console-login-failure"]),
        ("root-console-login-success-no-mfa", "ConsoleLogin", ["root-console-login-no-mfa"]),
        ("root-api-call-failed-stoplogging", "StopLogging", ["root-api-call-console-session", "root-unneeded-task"]),
        (
            "root-access-key-create-self", "CreateAccessKey",
            ["root-access-key-created", "root-api-call-console-session"]
        ),
        (
            "root-api-call-console-session", "CreateUser",
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        (
            "root-api-call-console-session", "AttachUserPolicy",
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        (
            "root-api-call-console-session", "AttachUserPolicy",
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        (
            "root-api-call-console-session", "AttachUserPolicy",
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        (
            "root-access-key-create-for-iam-user", "CreateAccessKey",
            ["root-api-call-access-key", "root-persistence", "root-unneeded-task"]
        ),
        ("contrast-aws-service-event-no-identity-type", "RotateKey", []),
    ]

    @Test("every documented example yields exactly its detections", arguments: 0..<38)
    func example(_ index: Int) throws {
        let examples = try Fixture.examples()
        #expect(examples.count == Self.expected.count)
        let example = examples[index]
        let (label, name, detections) = Self.expected[index]
        #expect(example.label == label)
        let report = try analyse(records: [example.record])
        #expect(ids(report) == detections.sorted(), "\(label) \(name)")
        #expect(report.detections.allSatisfy { $0.eventName == name })
        if case .string(let time)? = example.record.value(at: ["eventTime"]), TimeArgument.parseTimestamp(time) == nil {
            // AWS's documentation redacts some examples' times (and accounts): still detected, and the bad time (and
            // account) is reported.
            let accountProblems = report.problems.filter { $0.message.contains("not a 12-digit AWS account ID") }
            #expect(accountProblems.count == (example.record.value(at: ["recipientAccountId"]) == "redacted" ? 1 : 0))
            #expect(report.problems.count == 1 + accountProblems.count)
            #expect(report.problems.first?.message.contains("is not a time") == true)
            #expect(report.detections.allSatisfy { $0.eventTime == Date(timeIntervalSince1970: 0) })
        } else {
            #expect(report.problems.isEmpty)
        }
    }

    @Test("the AssumeRoot call and the actions of its session are told apart from root use")
    func assumeRootJoin() throws {
        let examples = try Fixture.examples()
        let report = try analyse(records: [examples[5].record, examples[6].record])
        #expect(ids(report) == ["assume-root-requested", "assume-root-session-action"])
        let call = try #require(report.detections.first { $0.detection == "assume-root-requested" })
        #expect(call.details["targetAccount"] == "222222222222")
        #expect(call.details["taskPolicy"] == "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy")
        #expect(call.details["caller"] == "arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1")
        #expect(call.accountId == "111111111111")
        let action = try #require(report.detections.first { $0.detection == "assume-root-session-action" })
        #expect(action.accountId == "222222222222")
        #expect(action.credential == .assumeRootSession)
        #expect(action.details["assumeRootEventID"] == call.eventID)
        // The session token the call returned is never copied into a detection.
        let encoded = String(decoding: try JSONEncoder().encode(report.detections), as: UTF8.self)
        #expect(!encoded.contains("sessionToken"))
    }

    @Test("MFA: 'YES' and 'Yes' both mean MFA; the device kind is read from its ARN")
    func mfaCasing() throws {
        let examples = try Fixture.examples()
        let report = try analyse(records: [examples[1].record])
        #expect(report.detections.first?.mfaUsed == true)
        #expect(report.detections.first?.details["mfaType"] == "virtual-or-hardware-totp")
        let noMFA = try analyse(records: [examples[0].record])
        #expect(noMFA.detections.first?.mfaUsed == false)
        #expect(noMFA.detections.first?.severity == .high)
    }
}

@Suite("Detections on documented shapes without a public example")
struct ShapeTests {
    static let root = "111122223333"

    static let cases: [(String, JSONValue, [String])] = [
        (
            "password recovery requested",
            rootRecord(
                "PasswordRecoveryRequested", source: "signin.amazonaws.com", key: "", console: false,
                response: ["PasswordRecoveryRequested": "Success"], extra: ["eventType": "AwsConsoleSignIn"]),
            ["root-password-recovery-requested"]
        ),
        (
            "password recovery completed, identity type not recorded",
            {
                var record = rootRecord(
                    "PasswordRecoveryCompleted", source: "signin.amazonaws.com", key: "", console: false,
                    response: ["PasswordRecoveryCompleted": "Success"], extra: ["eventType": "AwsConsoleSignIn"])
                if case .object(var fields) = record {
                    fields["userIdentity"] = ["accountId": "111122223333"]
                    record = .object(fields)
                }
                return record
            }(),
            ["root-password-recovery-completed"]
        ),
        (
            "root e-mail changed", rootRecord("EmailUpdated", source: "signin.amazonaws.com", key: "", console: false),
            ["root-email-changed"]
        ),
        (
            "member root e-mail changed through the Account API by the management account",
            {
                var record = rootRecord(
                    "StartPrimaryEmailUpdate", source: "account.amazonaws.com", console: false,
                    params: ["accountId": "444455556666", "primaryEmail": "HIDDEN_DUE_TO_SECURITY_REASONS"])
                if case .object(var fields) = record {
                    fields["userIdentity"] = [
                        "type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                        "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLE",
                    ]
                    record = .object(fields)
                }
                return record
            }(),
            ["root-email-changed"]
        ),
        (
            "root virtual MFA device created",
            rootRecord(
                "CreateVirtualMFADevice", params: ["virtualMFADeviceName": "root-account-mfa-device", "path": "/"]),
            ["root-api-call-console-session", "root-mfa-created"]
        ),
        (
            "root MFA deactivated",
            rootRecord(
                "DeactivateMFADevice",
                params: [
                    "userName": "AWS ROOT USER",
                    "serialNumber": "arn:aws:iam::111122223333:mfa/root-account-mfa-device",
                ]),
            ["root-api-call-console-session", "root-mfa-deactivated"]
        ),
        (
            "root MFA device deleted",
            rootRecord(
                "DeleteVirtualMFADevice",
                params: ["serialNumber": "arn:aws:iam::111122223333:mfa/root-account-mfa-device"]
            ),
            ["root-api-call-console-session", "root-mfa-deleted"]
        ),
        (
            "root deactivating an IAM user's MFA is not a root MFA change",
            rootRecord(
                "DeactivateMFADevice",
                params: ["userName": "user1", "serialNumber": "arn:aws:iam::111122223333:mfa/user1"]),
            ["root-api-call-console-session", "root-unneeded-task"]
        ),
        (
            "root access key updated with a long-term key",
            rootRecord(
                "UpdateAccessKey", key: "AKIAEXAMPLEKEY000001", console: false,
                params: ["accessKeyId": "AKIAOLD", "status": "Inactive"]),
            ["root-access-key-updated", "root-api-call-access-key"]
        ),
        (
            "root access key deleted", rootRecord("DeleteAccessKey", params: ["accessKeyId": "AKIAOLD"]),
            ["root-access-key-deleted", "root-api-call-console-session"]
        ),
        (
            "root signing certificate uploaded",
            rootRecord("UploadSigningCertificate", params: ["certificateBody": "-----BEGIN CERTIFICATE-----"]),
            ["root-api-call-console-session", "root-signing-certificate-uploaded"]
        ),
        (
            "root password re-created in an AssumeRoot session",
            rootRecord("CreateLoginProfile", console: false),
            ["root-api-call-session", "root-login-profile-created"]
        ),
        (
            "login profile for an IAM user is persistence",
            rootRecord("CreateLoginProfile", params: ["userName": "backdoor", "passwordResetRequired": false]),
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        (
            "role trusting another account is persistence",
            rootRecord(
                "CreateRole",
                params: [
                    "roleName": "vendor",
                    "assumeRolePolicyDocument":
                        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::777788889999:root"]},"Action":"sts:AssumeRole"}]}"#,
                ]),
            ["root-api-call-console-session", "root-persistence", "root-unneeded-task"]
        ),
        (
            "role trusting only its own account is not persistence",
            rootRecord(
                "CreateRole",
                params: [
                    "roleName": "ops",
                    "assumeRolePolicyDocument":
                        #"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#,
                ]),
            ["root-api-call-console-session", "root-unneeded-task"]
        ),
        (
            "legacy console action (invokedBy signin.amazonaws.com) is real root use",
            rootRecord(
                "RunInstances", source: "ec2.amazonaws.com", console: false,
                identity: ["invokedBy": "signin.amazonaws.com"]),
            ["root-api-call-console-session", "root-unneeded-task"]
        ),
        (
            "a service acting on root's behalf is not an alert",
            rootRecord(
                "DescribeTrustedAdvisorChecks", source: "support.amazonaws.com", console: false,
                identity: ["invokedBy": "support.amazonaws.com"]),
            []
        ),
        (
            "a root-typed AwsServiceEvent is not an alert",
            rootRecord(
                "CredentialVerification", source: "signin.amazonaws.com", key: "", console: false,
                extra: ["eventType": "AwsServiceEvent"]),
            []
        ),
        (
            "read-only root calls are root use but not a task",
            rootRecord("DescribeInstances", source: "ec2.amazonaws.com", extra: ["readOnly": true]),
            ["root-api-call-console-session"]
        ),
        (
            "a failed root call still proves root use",
            rootRecord(
                "PutBucketPolicy", source: "s3.amazonaws.com", key: "AKIAEXAMPLEKEY000001", console: false,
                extra: ["errorCode": "AccessDenied", "errorMessage": "denied by SCP"]),
            ["root-api-call-access-key"]
        ),
    ]

    @Test("each shape yields exactly its detections", arguments: 0..<20)
    func shape(_ index: Int) throws {
        let (name, record, expected) = Self.cases[index]
        #expect(Self.cases.count == 20)
        let report = try analyse(records: [record])
        #expect(ids(report) == expected.sorted(), "\(name)")
    }

    @Test("--include-service-events shows service activity, at info level and never unexpected")
    func serviceEvents() throws {
        var options = TrailAnalysisOptions()
        options.includeServiceEvents = true
        let report = try analyse(records: [Self.cases[16].1, Self.cases[17].1], options: options)
        #expect(ids(report) == ["root-service-event", "root-service-event"])
        #expect(report.detections.allSatisfy { $0.severity == .info })
        #expect(report.unexpected.isEmpty)
    }

    @Test("failed sign-ins close together are one burst; a pause ends it")
    func bursts() throws {
        let times = ["10:00:00", "10:03:00", "10:05:00", "10:09:00", "10:20:00", "12:00:00"].map { "2026-11-02T\($0)Z" }
        var records = times.map { time in
            rootRecord(
                "ConsoleLogin", source: "signin.amazonaws.com", key: "", console: false,
                response: ["ConsoleLogin": "Failure"],
                extra: ["eventType": "AwsConsoleSignIn", "errorMessage": "Failed authentication"], time: time)
        }
        records.append(records[0])  // delivered twice: counted once
        let report = try analyse(records: records)
        let bursts = report.detections.filter { $0.detection == "root-console-login-failure-burst" }
        #expect(bursts.count == 1)
        #expect(bursts.first?.details["count"] == "5")
        #expect(bursts.first.map { TimeArgument.format($0.eventTime) } == "2026-11-02T10:00:00Z")
        #expect(report.detections.filter { $0.detection == "root-console-login-failure" }.count == 6)
        #expect(report.stats.duplicates == 1)
    }

    @Test("'Root' elsewhere never triggers")
    func hardNegatives() throws {
        let records: [JSONValue] = [
            [
                "eventName": "ListRoots", "eventSource": "organizations.amazonaws.com",
                "eventTime": "2026-11-02T10:00:00Z",
                "eventID": "n1",
                "userIdentity": ["type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/RootRole/Root"],
                "responseElements": ["roots": [["name": "Root", "id": "r-ab12"]]],
            ],
            [
                "eventName": "PutItem", "eventSource": "dynamodb.amazonaws.com", "eventTime": "2026-11-02T10:00:00Z",
                "eventID": "n2", "userIdentity": ["type": "AssumedRole"],
                "requestParameters": ["key": ["type": "Root"]],
            ],
            [
                "eventName": "ListBuckets", "eventSource": "s3.amazonaws.com", "eventTime": "2026-11-02T10:00:00Z",
                "eventID": "n3",
                "userIdentity": ["type": "IAMUser", "userName": "root", "arn": "arn:aws:iam::1:user/root"],
            ],
        ]
        let report = try analyse(records: records)
        #expect(report.detections.isEmpty)
        #expect(report.stats.decoded == 2)  // the IAM user named root has no "Root" token at all
    }
}
