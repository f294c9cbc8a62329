import Foundation
import Testing

@testable import RootGuardAWS

@Suite("Wire protocols: documented example responses and requests")
struct ProtocolTests {
    static let getAccountSummary = AWSOperationDescriptor(
        name: "GetAccountSummary", method: "POST", requestURI: "/", resultWrapper: "GetAccountSummaryResult")

    func client() throws -> AWSClient {
        AWSClient(
            configuration: .init(region: .usEast1),
            credentialProvider: StaticCredentialProvider(
                .init(accessKeyID: "AKID", secretAccessKey: "SECRET", source: "test")),
            transport: NoNetworkTransport())
    }

    @Test func awsQueryMapsDecodeFromEntries() throws {
        // The GetAccountSummary response from research §A.3 (accepted by botocore's query parser).
        let xml = """
            <GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <GetAccountSummaryResult>
                <SummaryMap>
                  <entry><key>AccountMFAEnabled</key><value>1</value></entry>
                  <entry><key>AccountAccessKeysPresent</key><value>0</value></entry>
                </SummaryMap>
              </GetAccountSummaryResult>
              <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
            </GetAccountSummaryResponse>
            """
        let client = try client()
        let output: IAM.GetAccountSummaryResponse = try client.decode(
            IAM.GetAccountSummaryResponse.self, service: IAM.service, operation: Self.getAccountSummary,
            head: .init(status: 200, headers: []), body: Array(xml.utf8))
        #expect(output.summaryMap == ["AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0])
    }

    @Test func awsQueryListsTimestampsAndNestedStructuresDecode() throws {
        // Shape of the IAM API reference's ListVirtualMFADevices example, root device included.
        let xml = """
            <ListVirtualMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <ListVirtualMFADevicesResult>
                <IsTruncated>false</IsTruncated>
                <VirtualMFADevices>
                  <member><SerialNumber>arn:aws:iam::123456789012:mfa/MFAdeviceName</SerialNumber></member>
                  <member>
                    <SerialNumber>arn:aws:iam::123456789012:mfa/root-account-mfa-device</SerialNumber>
                    <EnableDate>2011-10-20T20:49:03Z</EnableDate>
                    <User><UserId>123456789012</UserId><Arn>arn:aws:iam::123456789012:root</Arn>
                      <CreateDate>2009-10-13T22:00:36.000Z</CreateDate></User>
                  </member>
                </VirtualMFADevices>
              </ListVirtualMFADevicesResult>
            </ListVirtualMFADevicesResponse>
            """
        let root = try XMLNode.parse(Array(xml.utf8))
        let output = try XMLShapeDecoder.decode(
            IAM.ListVirtualMFADevicesResponse.self, from: root.child("ListVirtualMFADevicesResult")!)
        #expect(output.isTruncated == false)
        #expect(output.virtualMFADevices?.count == 2)
        let device = try #require(output.virtualMFADevices?.last)
        #expect(device.user?.arn == "arn:aws:iam::123456789012:root")
        #expect(device.enableDate == Date(timeIntervalSince1970: 1_319_143_743))
        #expect(device.user?.createDate == Date(timeIntervalSince1970: 1_255_471_236))
    }

    @Test func emptyWrappedListsDecodeAsEmpty() throws {
        let xml = "<R><AccountAliases/><IsTruncated>false</IsTruncated></R>"
        let output = try XMLShapeDecoder.decode(
            IAM.ListAccountAliasesResponse.self, from: try XMLNode.parse(Array(xml.utf8)))
        #expect(output.accountAliases == [])
    }

    @Test func restXMLFlattenedListsDecode() throws {
        // The S3 API reference's ListObjectsV2 example.
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>bucket</Name><Prefix/><KeyCount>205</KeyCount><MaxKeys>1000</MaxKeys>
              <IsTruncated>false</IsTruncated>
              <Contents><Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
                <ETag>"fba9dede5f27731c9771645a39863328"</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass>
              </Contents>
              <Contents><Key>AWSLogs/1/CloudTrail/x.json.gz</Key><Size>10</Size></Contents>
              <CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes>
            </ListBucketResult>
            """
        let output = try XMLShapeDecoder.decode(S3.ListObjectsV2Output.self, from: try XMLNode.parse(Array(xml.utf8)))
        #expect(output.contents?.map(\.key) == ["my-image.jpg", "AWSLogs/1/CloudTrail/x.json.gz"])
        #expect(output.contents?.first?.size == 434_234)
        #expect(output.commonPrefixes?.first?.prefix == "photos/")
        #expect(output.keyCount == 205)
    }

    @Test func singleFlattenedElementIsAListOfOne() throws {
        let xml = "<ListBucketResult><Contents><Key>only</Key></Contents></ListBucketResult>"
        let output = try XMLShapeDecoder.decode(S3.ListObjectsV2Output.self, from: try XMLNode.parse(Array(xml.utf8)))
        #expect(output.contents?.map(\.key) == ["only"])
    }

    @Test func queryEncodingFlattensListsAndStructures() throws {
        // research §A.3: Filter.member.N and TaskPolicyArn.arn, exactly as botocore sends them.
        let details = try QueryEncoder.parameters(
            IAM.GetAccountAuthorizationDetailsRequest(filter: ["User", "Role"], maxItems: 1000))
        #expect(details.map { "\($0.0)=\($0.1)" } == ["Filter.member.1=User", "Filter.member.2=Role", "MaxItems=1000"])
        let assumeRoot = try QueryEncoder.parameters(
            STS.AssumeRootRequest(
                targetPrincipal: "111122223333",
                taskPolicyArn: .init(arn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                durationSeconds: 900))
        #expect(
            QueryEncoder.formBody([("Action", "AssumeRoot"), ("Version", "2011-06-15")] + assumeRoot)
                == "Action=AssumeRoot&Version=2011-06-15&TargetPrincipal=111122223333&TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials&DurationSeconds=900"
        )
    }

    @Test func jsonRequestsCarryTheTargetAndModelMemberNames() throws {
        let client = try client()
        let built = try client.buildRequest(
            CloudTrail.service, CloudTrail.Operations.lookupEvents,
            input: CloudTrail.LookupEventsRequest(
                lookupAttributes: [.init(attributeKey: "Username", attributeValue: "root")],
                startTime: Date(timeIntervalSince1970: 1_704_067_200), maxResults: 50),
            region: .usEast1)
        #expect(built.url == "https://cloudtrail.us-east-1.amazonaws.com/")
        #expect(
            built.headers.contains {
                $0 == ("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents")
            })
        #expect(built.headers.contains { $0 == ("Content-Type", "application/x-amz-json-1.1") })
        let body = try JSONSerialization.jsonObject(with: Data(built.body)) as! [String: Any]
        #expect(body["StartTime"] as? Double == 1_704_067_200)
        #expect((body["LookupAttributes"] as? [[String: String]])?.first?["AttributeKey"] == "Username")

        let trails = try client.buildRequest(
            CloudTrail.service, CloudTrail.Operations.describeTrails,
            input: CloudTrail.DescribeTrailsRequest(includeShadowTrails: true), region: .euWest1)
        #expect(String(decoding: trails.body, as: UTF8.self) == #"{"includeShadowTrails":true}"#)

        let alarms = try client.buildRequest(
            CloudWatch.service, CloudWatch.Operations.describeAlarms, input: CloudWatch.DescribeAlarmsInput(),
            region: .usEast1)
        #expect(alarms.headers.contains { $0 == ("x-amzn-query-mode", "true") })
        #expect(alarms.headers.contains { $0 == ("X-Amz-Target", "GraniteServiceVersion20100801.DescribeAlarms") })
        #expect(alarms.signingName == "monitoring")
    }

    @Test func restBindingsFillTheURIAndQuery() throws {
        let client = try client()
        let detector = try client.buildRequest(
            GuardDuty.service, GuardDuty.Operations.getDetector,
            input: GuardDuty.GetDetectorRequest(detectorId: "12abc34d567e8fa901bc2d34e56789f0"), region: .usEast1)
        #expect(detector.method == "GET")
        #expect(detector.url == "https://guardduty.us-east-1.amazonaws.com/detector/12abc34d567e8fa901bc2d34e56789f0")
        #expect(detector.body.isEmpty)
        let list = try client.buildRequest(
            GuardDuty.service, GuardDuty.Operations.listDetectors,
            input: GuardDuty.ListDetectorsRequest(maxResults: 50),
            region: .usEast1)
        #expect(list.url == "https://guardduty.us-east-1.amazonaws.com/detector?maxResults=50")
        let contact = try client.buildRequest(
            Account.service, Account.Operations.getAlternateContact,
            input: Account.GetAlternateContactRequest(alternateContactType: "SECURITY"), region: .euWest1)
        #expect(contact.url == "https://account.us-east-1.amazonaws.com/getAlternateContact")
        #expect(contact.signingRegion == .usEast1)
        #expect(String(decoding: contact.body, as: UTF8.self) == #"{"AlternateContactType":"SECURITY"}"#)
    }

    @Test func s3UsesVirtualHostsOnAWSAndPathStyleElsewhere() throws {
        let client = try client()
        let input = S3.ListObjectsV2Request(bucket: "examplebucket", prefix: "AWSLogs/111122223333/CloudTrail/")
        let aws = try client.buildRequest(S3.service, S3.Operations.listObjectsV2, input: input, region: .euWest1)
        #expect(
            aws.url
                == "https://examplebucket.s3.eu-west-1.amazonaws.com/?list-type=2&prefix=AWSLogs%2F111122223333%2FCloudTrail%2F"
        )
        let dotted = try client.buildRequest(
            S3.service, S3.Operations.listObjectsV2, input: S3.ListObjectsV2Request(bucket: "my.dotted.bucket"),
            region: .euWest1)
        #expect(dotted.url == "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket?list-type=2")
        let custom = client.with(credentialProvider: nil)
        let local = AWSClient(
            configuration: .init(region: .usEast1, endpoints: .init(explicit: "http://127.0.0.1:9000")),
            credentialProvider: nil, transport: custom.transport)
        let path = try local.buildRequest(
            S3.service, S3.getObjectOperation, input: S3.GetObjectRequest(bucket: "logs", key: "a b/c+d.json.gz"),
            region: .usEast1)
        #expect(path.url == "http://127.0.0.1:9000/logs/a%20b/c%2Bd.json.gz")
    }

    @Test(arguments: [
        // (service, region, expected URL, signing region)
        ("iam", "eu-west-1", "https://iam.amazonaws.com", "us-east-1"),
        ("iam", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
        ("organizations", "ap-southeast-2", "https://organizations.us-east-1.amazonaws.com", "us-east-1"),
        ("organizations", "cn-north-1", "https://organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
        ("account", "us-gov-west-1", "https://account.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("sts", "eu-central-1", "https://sts.eu-central-1.amazonaws.com", "eu-central-1"),
        ("cloudwatch", "eu-west-1", "https://monitoring.eu-west-1.amazonaws.com", "eu-west-1"),
        ("logs", "cn-north-1", "https://logs.cn-north-1.amazonaws.com.cn", "cn-north-1"),
    ])
    func endpointsFollowThePartitionTable(_ service: String, _ region: String, _ url: String, _ signing: String) throws
    {
        let descriptor = try #require(
            [
                IAM.service, Organizations.service, Account.service, STS.service, CloudWatch.service,
                CloudWatchLogs.service,
            ]
            .first { $0.name == service })
        let endpoint = try AWSEndpointResolver.resolve(descriptor, region: AWSRegion(region), overrides: .none)
        #expect(endpoint.url == url)
        #expect(endpoint.signingRegion.rawValue == signing)
    }

    @Test func configuredEndpointsFollowBotocorePrecedence() throws {
        var overrides = AWSEndpointOverrides(
            serviceEnvironment: ["CLOUDWATCH_LOGS": "http://logs.local:1"], globalEnvironment: "http://all.local:2",
            servicesSection: ["iam": "http://iam.local:3", "sts": "http://sts.local:4"],
            profile: "http://profile.local:5")
        #expect(overrides.url(for: CloudWatchLogs.service) == "http://logs.local:1")
        #expect(overrides.url(for: IAM.service) == "http://all.local:2")
        overrides.globalEnvironment = nil
        #expect(overrides.url(for: IAM.service) == "http://iam.local:3")
        #expect(overrides.url(for: SNS.service) == "http://profile.local:5")
        overrides.explicit = "http://cli.local:6"
        #expect(overrides.url(for: CloudWatchLogs.service) == "http://cli.local:6")
        overrides.explicit = nil
        overrides.ignoreConfigured = true
        #expect(overrides.url(for: CloudWatchLogs.service) == nil)
        // A custom endpoint signs with the client's region, even for IAM (checked against botocore).
        let endpoint = try AWSEndpointResolver.resolve(
            IAM.service, region: .euWest1, overrides: .init(explicit: "http://127.0.0.1:4566/"))
        #expect(endpoint.url == "http://127.0.0.1:4566")
        #expect(endpoint.signingRegion == .euWest1)
    }

    // MARK: Errors per protocol (research §B)

    func error(
        _ service: AWSServiceDescriptor, status: Int, headers: [(String, String)] = [], body: String
    ) -> AWSError {
        ErrorDecoding.decode(
            status: status, headers: .init(status: status, headers: headers), body: Array(body.utf8), service: service,
            operation: .init(name: "Op", method: "POST", requestURI: "/", resultWrapper: nil))
    }

    @Test func queryErrorsComeFromTheErrorResponseDocument() {
        let failure = error(
            STS.service, status: 403,
            body: """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
                <Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>
                </Error><RequestId>4b1d-EXAMPLE</RequestId></ErrorResponse>
                """)
        #expect(failure.code == "InvalidClientTokenId")
        #expect(failure.kind == .authentication)
        #expect(failure.requestID == "4b1d-EXAMPLE")
        #expect(
            failure.description
                == "sts Op: InvalidClientTokenId: The security token included in the request is invalid.")
    }

    @Test func jsonErrorTypesAreSanitised() {
        let org = error(
            Organizations.service, status: 400,
            body:
                #"{"__type":"com.amazonaws.organizations#AWSOrganizationsNotInUseException","Message":"Your account is not a member of an organization."}"#
        )
        #expect(org.code == "AWSOrganizationsNotInUseException")
        #expect(org.kind == .notFound)
        #expect(org.message == "Your account is not a member of an organization.")
        let guardDuty = error(
            GuardDuty.service, status: 400,
            headers: [
                ("X-Amzn-Errortype", "BadRequestException:http://internal.amazon.com/coral/com.amazonaws.guardduty/")
            ],
            body: #"{"message":"The request is rejected.","__type":"InvalidInputException"}"#)
        #expect(guardDuty.code == "BadRequestException")
        let denied = error(
            SecurityHub.service, status: 403,
            body: #"{"Code":"AccessDeniedException","Message":"User is not authorized"}"#)
        #expect(denied.kind == .accessDenied)
    }

    @Test func queryCompatibleJSONPrefersTheQueryCode() {
        let failure = error(
            CloudWatch.service, status: 400, headers: [("x-amzn-query-error", "Throttling;Sender")],
            body: #"{"__type":"com.amazonaws.cloudwatch#ThrottlingException","message":"Rate exceeded"}"#)
        #expect(failure.code == "Throttling")
        #expect(failure.kind == .throttling)
        #expect(failure.isRetryable)
    }

    @Test func s3ErrorsHaveNoWrapperAndBodylessOnesUseTheStatus() {
        let failure = error(
            S3.service, status: 404,
            body:
                "<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>"
        )
        #expect(failure.code == "NoSuchKey")
        #expect(failure.requestID == "4442587FB7D0A2F9")
        let bodyless = error(S3.service, status: 403, body: "")
        #expect(bodyless.code == "HTTP403")
        #expect(bodyless.kind == .accessDenied)
    }

    @Test func htmlErrorPagesMeanNotImplemented() {
        let failure = error(
            SecurityHub.service, status: 404,
            body: "<!doctype html><html lang=en><title>404 Not Found</title><h1>Not Found</h1></html>")
        #expect(failure.kind == .notImplemented)
        #expect(!failure.isRetryable)
    }

    @Test func iamLimitExceededIsAQuotaNotThrottling() {
        let failure = error(
            IAM.service, status: 409,
            body: "<ErrorResponse><Error><Code>LimitExceeded</Code><Message>quota</Message></Error></ErrorResponse>")
        #expect(failure.kind == .client)
        #expect(!failure.isRetryable)
    }

    @Test func errorMessagesAreOneBoundedLine() {
        let failure = error(
            IAM.service, status: 400,
            body:
                "<ErrorResponse><Error><Code>X</Code><Message>line one\nline\ttwo\u{1B}[31m red</Message></Error></ErrorResponse>"
        )
        #expect(!failure.description.contains("\n") && !failure.description.contains("\u{1B}"))
    }

    @Test func timestampsInEveryFormatDecode() {
        #expect(TimestampDecoding.date(fromNumber: 1_704_164_645.123).timeIntervalSince1970 == 1_704_164_645.123)
        #expect(TimestampDecoding.date(fromNumber: 1_704_164_645_123).timeIntervalSince1970 == 1_704_164_645.123)
        #expect(TimestampDecoding.date(fromText: "2024-01-02T03:04:05Z")?.timeIntervalSince1970 == 1_704_164_645)
        #expect(TimestampDecoding.date(fromText: "2024-01-02T03:04:05.000Z")?.timeIntervalSince1970 == 1_704_164_645)
        #expect(TimestampDecoding.date(fromText: "2024-01-02T03:04:05+00:00")?.timeIntervalSince1970 == 1_704_164_645)
        #expect(
            TimestampDecoding.date(fromText: "Tue, 02 Jan 2024 03:04:05 GMT")?.timeIntervalSince1970 == 1_704_164_645)
        #expect(TimestampDecoding.date(fromText: "not a date") == nil)
    }
}
