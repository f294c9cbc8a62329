import RootGuardModel

/// The CloudTrail records a root-activity monitor must catch, and the ordinary ones it must not.
/// Shapes follow the documented examples (shared/research/root-event-examples.json, cloudtrail.md §3).
public struct CanonicalEvent: Sendable, Hashable {
    public enum Category: String, Sendable, Hashable {
        /// Root console sign-in (success with or without MFA, failure): must match.
        case rootSignIn
        /// Root API activity (long-term key, console session, AssumeRoot privileged session): must match.
        case rootAPI
        /// Root calls made by an AWS service on root's behalf: CIS excludes them; matching them is noise.
        case rootServiceInvoked
        /// 2016–2020 console actions carrying `invokedBy: signin.amazonaws.com`: real root use the CIS filter misses.
        case rootLegacyConsole
        /// Ordinary non-root activity: must not match.
        case nonRoot
    }

    public let id: String
    public let title: String
    public let category: Category
    /// The CloudTrail record, as delivered to CloudWatch Logs.
    public let record: String

    /// The record as EventBridge delivers it (the CloudTrail record in `detail`); built once per event.
    public var eventBridgeEnvelope: String { Self.envelopes[id] ?? makeEnvelope() }

    private static let envelopes: [String: String] = Dictionary(
        all.map { ($0.id, $0.makeEnvelope()) }, uniquingKeysWith: { a, _ in a })

    /// The envelope parsed, once per process: every EventBridge rule of every audit is judged against these.
    public var eventBridgeEnvelopeValue: JSONValue? {
        Self.parsedEnvelopes[id] ?? EventJSON.parse(eventBridgeEnvelope)
    }

    private static let parsedEnvelopes: [String: JSONValue] = Dictionary(
        envelopes.compactMap { id, text in EventJSON.parse(text).map { (id, $0) } }, uniquingKeysWith: { a, _ in a })

    private func makeEnvelope() -> String {
        let source = EventJSON.parse(record)?["eventSource"]?.text ?? "unknown.amazonaws.com"
        let type = EventJSON.parse(record)?["eventType"]?.text ?? "AwsApiCall"
        let detailType =
            switch type {
            case "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail"
            case "AwsServiceEvent": "AWS Service Event via CloudTrail"
            default: "AWS API Call via CloudTrail"
            }
        let service = "aws." + (source.split(separator: ".").first.map(String.init) ?? "unknown")
        let account = EventJSON.parse(record)?["recipientAccountId"]?.text ?? "111122223333"
        let region = EventJSON.parse(record)?["awsRegion"]?.text ?? "us-east-1"
        return """
            {"version":"0","id":"6f87d04b-9f74-4f04-a780-7acf4b0a9b38","detail-type":"\(detailType)","source":"\(service)",\
            "account":"\(account)","time":"2026-11-01T10:00:00Z","region":"\(region)","resources":[],"detail":\(record)}
            """
    }

    static func signIn(
        _ id: String, _ title: String, mfa: String, result: String, error: String? = nil
    ) -> CanonicalEvent {
        let errorField = error.map { #","errorMessage":"\#($0)""# } ?? ""
        return CanonicalEvent(
            id: id, title: title, category: .rootSignIn,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"2026-11-01T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"\#(result)"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"\#(mfa)"}\#(errorField),"eventID":"\#(id)","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#
        )
    }

    public static let all: [CanonicalEvent] = [
        signIn("root-console-sign-in-no-mfa", "root console sign-in without MFA", mfa: "No", result: "Success"),
        signIn("root-console-sign-in-mfa", "root console sign-in with MFA", mfa: "Yes", result: "Success"),
        signIn(
            "root-console-sign-in-failure", "failed root console sign-in", mfa: "No", result: "Failure",
            error: "Failed authentication"),
        CanonicalEvent(
            id: "root-api-call-access-key", title: "root API call with a long-term access key", category: .rootAPI,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE"},"eventTime":"2026-11-01T10:05:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"eventID":"root-api-call-access-key","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#
        ),
        CanonicalEvent(
            id: "root-api-call-console-session", title: "root API call from a console session", category: .rootAPI,
            record:
                #"{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAIOSFODNN7EXAMPLE","sessionContext":{"sessionIssuer":{},"webIdFederationData":{},"attributes":{"creationDate":"2026-11-01T10:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-01T10:06:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"AWS Internal","requestParameters":{"userName":"backdoor"},"responseElements":null,"eventID":"root-api-call-console-session","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","sessionCredentialFromConsole":"true"}"#
        ),
        CanonicalEvent(
            id: "root-assume-root-session-action", title: "action inside an AssumeRoot privileged session",
            category: .rootAPI,
            record:
                #"{"eventVersion":"1.10","userIdentity":{"type":"Root","principalId":"222222222222","arn":"arn:aws:iam::222222222222:root","accountId":"222222222222","accessKeyId":"ASIAZ4FMSYF3EXAMPLE","sessionContext":{"attributes":{"creationDate":"2026-11-01T11:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-01T11:01:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteLoginProfile","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"eventID":"root-assume-root-session-action","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"222222222222","eventCategory":"Management"}"#
        ),
        CanonicalEvent(
            id: "root-service-invoked", title: "root call made by an AWS service (invokedBy)",
            category: .rootServiceInvoked,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAIOSFODNN7EXAMPLE","invokedBy":"health.amazonaws.com"},"eventTime":"2026-11-01T10:07:00Z","eventSource":"health.amazonaws.com","eventName":"DescribeEventAggregates","awsRegion":"us-east-1","sourceIPAddress":"health.amazonaws.com","userAgent":"health.amazonaws.com","eventID":"root-service-invoked","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#
        ),
        CanonicalEvent(
            id: "root-legacy-console-action", title: "2016–2020 root console action (invokedBy signin.amazonaws.com)",
            category: .rootLegacyConsole,
            record:
                #"{"eventVersion":"1.05","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAIOSFODNN7EXAMPLE","sessionContext":{"attributes":{"mfaAuthenticated":"false","creationDate":"2018-05-01T10:00:00Z"}},"invokedBy":"signin.amazonaws.com"},"eventTime":"2018-05-01T10:01:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"signin.amazonaws.com","eventID":"root-legacy-console-action","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#
        ),
        CanonicalEvent(
            id: "iam-user-api-call", title: "IAM user API call", category: .nonRoot,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAI44QH8DHBEXAMPLE","userName":"alice"},"eventTime":"2026-11-01T10:08:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.8","userAgent":"aws-cli/2.15.0","eventID":"iam-user-api-call","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}"#
        ),
        CanonicalEvent(
            id: "iam-user-console-sign-in", title: "IAM user console sign-in", category: .nonRoot,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-11-01T10:09:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.8","userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"},"eventID":"iam-user-console-sign-in","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#
        ),
        CanonicalEvent(
            id: "role-named-root", title: "a role named RootRole calling IAM", category: .nonRoot,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:ci","arn":"arn:aws:sts::111122223333:assumed-role/RootRole/ci","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEROLE","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/RootRole","userName":"RootRole"},"attributes":{"creationDate":"2026-11-01T09:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-01T10:10:00Z","eventSource":"organizations.amazonaws.com","eventName":"ListRoots","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.9","userAgent":"Boto3/1.35","requestParameters":null,"responseElements":null,"eventID":"role-named-root","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#
        ),
        CanonicalEvent(
            id: "aws-service-event", title: "AWS service event without a user type", category: .nonRoot,
            record:
                #"{"eventVersion":"1.08","userIdentity":{"accountId":"111122223333","invokedBy":"AWS Internal"},"eventTime":"2026-11-01T10:11:00Z","eventSource":"kms.amazonaws.com","eventName":"RotateKey","awsRegion":"us-east-1","sourceIPAddress":"AWS Internal","userAgent":"AWS Internal","eventID":"aws-service-event","readOnly":false,"eventType":"AwsServiceEvent","managementEvent":true,"recipientAccountId":"111122223333"}"#
        ),
    ]

    public static func ids(_ category: Category) -> [String] { all.filter { $0.category == category }.map(\.id) }
}
