import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

/// Root detections grouped into incidents and sessions, as `respond` scopes them.
@Suite("Incidents")
struct IncidentsTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func d(
        _ minute: Int, _ name: String, account: String = "111122223333", kind: String = "root-api-call",
        credential: CredentialKind, key: String? = nil, ip: String? = "203.0.113.9", mfa: Bool? = nil,
        expected: Bool = false, details: [String: String] = [:]
    ) -> Detection {
        Detection(
            eventID: "e-\(minute)-\(name)", eventTime: start.addingTimeInterval(Double(minute) * 60),
            accountId: account,
            region: "us-east-1", eventName: name, eventSource: "iam.amazonaws.com", detection: kind, severity: .high,
            title: name, expected: expected, approval: nil, source: "test", sourceIPAddress: ip, userAgent: "ua",
            mfaUsed: mfa, credential: credential, accessKeyId: key, outcome: .success, errorCode: nil,
            details: details)
    }

    @Test func sessionsAreSignInsWithTheirConsoleActionsKeysAndAssumeRootSessions() {
        let member = "222233334444"
        let detections = [
            Self.d(0, "ConsoleLogin", kind: "root-console-login", credential: .signIn, mfa: false),
            Self.d(5, "CreateUser", credential: .consoleSession, key: "ASIACONSOLE1"),
            Self.d(9, "ConsoleLogin", kind: "root-console-login", credential: .signIn, ip: "198.51.100.7", mfa: true),
            Self.d(10, "AttachUserPolicy", credential: .consoleSession, key: "ASIACONSOLE1"),
            Self.d(11, "ListUsers", credential: .consoleSession, key: "ASIACONSOLE2", ip: "198.51.100.7"),
            Self.d(20, "ListBuckets", credential: .accessKey, key: "AKIAROOTKEY1"),
            Self.d(21, "GetObject", credential: .accessKey, key: "AKIAROOTKEY1"),
            Self.d(
                30, "AssumeRoot", kind: DetectionCatalog.assumeRootRequested.id, credential: .other,
                expected: true,
                details: [
                    "targetAccount": member, "issuedAccessKeyId": "ASIATASK1",
                    "caller": "arn:aws:iam::111122223333:role/BG",
                    "taskPolicy": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
                ]),
            Self.d(
                31, "DeleteBucketPolicy", account: member, kind: DetectionCatalog.assumeRootSessionAction.id,
                credential: .assumeRootSession, key: "ASIATASK1", expected: true,
                details: ["caller": "arn:aws:iam::111122223333:role/BG", "taskPolicy": "S3UnlockBucketPolicy"]),
        ]
        let incidents = Incidents.scope(detections)
        #expect(incidents.map(\.account) == ["111122223333", member])
        let own = incidents[0]
        #expect(own.sessions.map(\.kind) == [.console, .console, .accessKey])
        #expect(own.sessions[0].eventNames == ["ConsoleLogin", "CreateUser", "AttachUserPolicy"])
        #expect(own.sessions[0].mfa == false && own.sessions[0].sourceIPs == ["203.0.113.9"])
        #expect(own.sessions[1].eventNames == ["ConsoleLogin", "ListUsers"] && own.sessions[1].mfa == true)
        #expect(own.sessions[2].key == "AKIAROOTKEY1" && own.sessions[2].eventIDs.count == 2)
        #expect(own.unexpected == 7 && !own.sessions[0].approved)
        let task = incidents[1]
        #expect(task.sessions.count == 1 && task.sessions[0].kind == .assumeRoot)
        #expect(task.sessions[0].key == "ASIATASK1" && task.sessions[0].approved)
        #expect(task.sessions[0].caller == "arn:aws:iam::111122223333:role/BG")
        #expect(task.sessions[0].eventNames == ["AssumeRoot", "DeleteBucketPolicy"])
        #expect(task.unexpected == 0)
    }
}
