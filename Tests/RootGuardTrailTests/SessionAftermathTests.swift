import Foundation
import RootGuardModel
import Testing

@testable import RootGuardTrail

/// What a root session left behind, from its records: the compromised-member scenario of `respond`.
@Suite("Session aftermath")
struct SessionAftermathTests {
    static let account = "222233334444"

    static func event(
        _ source: String, _ name: String, request: String = "{}", response: String = "null", error: String? = nil,
        root: Bool = true
    ) -> CloudTrailEvent {
        let identity =
            root
            ? #"{"type":"Root","arn":"arn:aws:iam::\#(account):root","accountId":"\#(account)","accessKeyId":"ASIAROOTSESSION00001"}"#
            : #"{"type":"AssumedRole","arn":"arn:aws:sts::\#(account):assumed-role/Deploy/ci","accountId":"\#(account)"}"#
        let text = """
            {"eventVersion":"1.09","eventSource":"\(source).amazonaws.com","eventName":"\(name)",\
            "eventTime":"2026-12-05T09:00:00Z","eventID":"\(UUID().uuidString)","awsRegion":"us-east-1",\
            "recipientAccountId":"\(account)","userIdentity":\(identity),"requestParameters":\(request),\
            "responseElements":\(response)\(error.map { #","errorCode":"\#($0)""# } ?? "")}
            """
        let json = try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        return CloudTrailEvent(json: json, source: "test")!
    }

    @Test func theCompromisedMembersSessionLeavesExactlyItsArtifacts() {
        let trust =
            #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999999999999:root\"},\"Action\":\"sts:AssumeRole\"}]}"#
        let events = [
            Self.event("signin", "ConsoleLogin"),
            Self.event("iam", "CreateUser", request: #"{"userName":"backup-admin"}"#),
            Self.event(
                "iam", "CreateAccessKey", request: #"{"userName":"backup-admin"}"#,
                response: #"{"accessKey":{"accessKeyId":"AKIABACKUPADMIN00001","userName":"backup-admin"}}"#),
            Self.event(
                "iam", "AttachUserPolicy",
                request: #"{"userName":"backup-admin","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#),
            Self.event(
                "iam", "CreateRole", request: #"{"roleName":"vendor-access","assumeRolePolicyDocument":"\#(trust)"}"#),
            Self.event(
                "iam", "CreateAccessKey", response: #"{"accessKey":{"accessKeyId":"AKIAROOTNEWKEY000001"}}"#),
            Self.event("cloudtrail", "StopLogging", request: #"{"name":"org-trail"}"#),
            Self.event("guardduty", "DeleteDetector", request: #"{"detectorId":"d-123"}"#),
            // Reads and refused calls leave nothing.
            Self.event("iam", "ListUsers"),
            Self.event("iam", "CreateUser", request: #"{"userName":"refused"}"#, error: "AccessDenied"),
        ]
        let found = SessionAftermath.artifacts(in: events)
        #expect(
            found.map(\.kind) == [
                .user, .accessKey, .userPolicy, .role, .rootAccessKey, .trailStopped, .detectorDeleted,
            ])
        #expect(found[1].resource == "AKIABACKUPADMIN00001" && found[1].owner == "backup-admin")
        #expect(found[2].resource == "arn:aws:iam::aws:policy/AdministratorAccess")
        #expect(found[3].summary == "created role vendor-access trusting arn:aws:iam::999999999999:root")
        #expect(found[4].resource == "AKIAROOTNEWKEY000001")
        #expect(found.filter(\.isMonitoring).map(\.resource) == ["org-trail", "d-123"])
        #expect(found.allSatisfy { $0.account == Self.account && $0.region == "us-east-1" })
    }

    @Test func monitoringSwitchedOffIsRecognisedInEveryService() {
        let events = [
            Self.event("cloudtrail", "DeleteTrail", request: #"{"name":"t"}"#),
            Self.event("guardduty", "UpdateDetector", request: #"{"detectorId":"d","enable":false}"#),
            Self.event("guardduty", "UpdateDetector", request: #"{"detectorId":"d","enable":true}"#),
            Self.event("config", "StopConfigurationRecorder", request: #"{"configurationRecorderName":"default"}"#),
            Self.event("events", "DisableRule", request: #"{"name":"rootguard-root-activity"}"#),
            Self.event("organizations", "DetachPolicy", request: #"{"policyId":"p-1","targetId":"ou-1"}"#),
            Self.event("securityhub", "DisableSecurityHub"),
        ]
        #expect(
            SessionAftermath.artifacts(in: events).map(\.kind) == [
                .trailDeleted, .detectorChanged, .configRecorderStopped, .ruleDisabled, .scpDetached,
                .securityHubDisabled,
            ])
    }
}
