extension S3 {
    /// `GetObject` input: the object to read.
    public struct GetObjectRequest: AWSShape {
        public var bucket: String
        public var key: String
        public var range: String?

        public init(bucket: String, key: String, range: String? = nil) {
            self.bucket = bucket
            self.key = key
            self.range = range
        }

        enum CodingKeys: CodingKey {}

        public init(from decoder: any Decoder) throws {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "GetObjectRequest is input only"))
        }

        public func encode(to encoder: any Encoder) throws {}

        public func bind(_ binding: inout AWSHTTPBinding) {
            binding.uri["Bucket"] = bucket
            binding.uri["Key"] = key
            if let range { binding.headers.append(("Range", range)) }
        }
    }

    static let getObjectOperation = AWSOperationDescriptor(
        name: "GetObject", method: "GET", requestURI: "/{Bucket}/{Key+}", resultWrapper: nil)
}

extension S3.Client {
    /// `GetObject` with the body streamed: bytes arrive as the caller reads them (CloudTrail files can be large).
    /// Errors before the body (NoSuchKey, AccessDenied) are thrown as ``AWSError``.
    public func getObject(_ input: S3.GetObjectRequest) async throws -> AWSHTTPResponse {
        try await client.executeStreaming(S3.service, S3.getObjectOperation, input: input, region: region)
    }
}
