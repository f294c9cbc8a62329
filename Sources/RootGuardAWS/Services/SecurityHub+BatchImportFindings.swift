import Foundation

// Hand-written beside the generated SecurityHub client: `AwsSecurityFinding` has hundreds of nested members, of
// which rootguard writes a handful, so the request carries the findings as already-encoded JSON (the raw payload)
// and the response is decoded as botocore's model defines it.
extension SecurityHub {
    /// `POST /findings/import` with `{"Findings":[…]}`: at most 100 findings, each encoded JSON object.
    public struct BatchImportFindingsRequest: AWSShape, Equatable {
        /// Each element is one finding's JSON object.
        public var findings: [Data]

        public init(findings: [Data]) { self.findings = findings }

        enum CodingKeys: CodingKey {}

        public init(from decoder: any Decoder) throws { findings = [] }
        public func encode(to encoder: any Encoder) throws {}

        public func bind(_ binding: inout AWSHTTPBinding) {
            var body = Array(#"{"Findings":["#.utf8)
            for (index, finding) in findings.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += finding
            }
            body += Array("]}".utf8)
            binding.payload = body
            binding.headers.append(("Content-Type", "application/json"))
        }
    }

    public struct ImportFindingsError: AWSShape, Equatable {
        public var id: String?
        public var errorCode: String?
        public var errorMessage: String?

        enum CodingKeys: String, CodingKey {
            case id = "Id", errorCode = "ErrorCode", errorMessage = "ErrorMessage"
        }
    }

    public struct BatchImportFindingsResponse: AWSShape, Equatable {
        public var failedCount: Int?
        public var successCount: Int?
        public var failedFindings: [ImportFindingsError]?

        enum CodingKeys: String, CodingKey {
            case failedCount = "FailedCount", successCount = "SuccessCount", failedFindings = "FailedFindings"
        }
    }

    public static let batchImportFindingsOperation = AWSOperationDescriptor(
        name: "BatchImportFindings", method: "POST", requestURI: "/findings/import", resultWrapper: nil)
}

extension SecurityHub.Client {
    /// Imports findings into Security Hub (`securityhub:BatchImportFindings`).
    public func batchImportFindings(
        _ input: SecurityHub.BatchImportFindingsRequest
    ) async throws -> SecurityHub.BatchImportFindingsResponse {
        try await client.execute(
            SecurityHub.service, SecurityHub.batchImportFindingsOperation, input: input, region: region)
    }
}

extension SecurityHub {
    /// `POST /findings`: the ids of the findings Security Hub holds (one page; tests read back what was imported).
    public struct GetFindingsRequest: AWSShape, Equatable {
        public var maxResults: Int?
        public var nextToken: String?

        public init(maxResults: Int? = 100, nextToken: String? = nil) {
            self.maxResults = maxResults
            self.nextToken = nextToken
        }

        enum CodingKeys: String, CodingKey { case maxResults = "MaxResults", nextToken = "NextToken" }
    }

    public struct FindingSummary: AWSShape, Equatable {
        public var id: String?
        public var awsAccountId: String?
        public var title: String?

        enum CodingKeys: String, CodingKey { case id = "Id", awsAccountId = "AwsAccountId", title = "Title" }
    }

    public struct GetFindingsResponse: AWSShape, Equatable {
        public var findings: [FindingSummary]?
        public var nextToken: String?

        enum CodingKeys: String, CodingKey { case findings = "Findings", nextToken = "NextToken" }
    }

    public static let getFindingsOperation = AWSOperationDescriptor(
        name: "GetFindings", method: "POST", requestURI: "/findings", resultWrapper: nil)
}

extension SecurityHub.Client {
    /// One page of findings (`securityhub:GetFindings`), their id, account and title only.
    public func getFindings(
        _ input: SecurityHub.GetFindingsRequest = .init()
    ) async throws -> SecurityHub.GetFindingsResponse {
        try await client.execute(SecurityHub.service, SecurityHub.getFindingsOperation, input: input, region: region)
    }
}
