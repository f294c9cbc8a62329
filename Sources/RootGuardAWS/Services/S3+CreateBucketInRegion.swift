import Foundation

// Hand-written beside the generated S3 client: CreateBucket's `CreateBucketConfiguration` is an XML payload
// structure, which the generated REST-XML binding does not send. Outside us-east-1 S3 refuses a bucket without its
// `LocationConstraint`, so this request writes that one element itself.
extension S3 {
    /// `PUT /{Bucket}` with `<CreateBucketConfiguration><LocationConstraint>region</LocationConstraint>…`
    /// (no body in us-east-1, as AWS requires).
    public struct CreateBucketInRegionRequest: AWSShape, Equatable {
        public var bucket: String
        public var region: String

        public init(bucket: String, region: String) {
            self.bucket = bucket
            self.region = region
        }

        enum CodingKeys: CodingKey {}

        public init(from decoder: any Decoder) throws {
            bucket = ""
            region = ""
        }
        public func encode(to encoder: any Encoder) throws {}

        public func bind(_ binding: inout AWSHTTPBinding) {
            binding.uri["Bucket"] = AWSHTTPBinding.text(bucket)
            guard region != "us-east-1" else { return }
            let escaped = region.filter { $0.isLetter || $0.isNumber || $0 == "-" }
            binding.payload = Array(
                """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(escaped)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
            binding.headers.append(("Content-Type", "application/xml"))
        }
    }
}

extension S3.Client {
    /// Creates a bucket in `input.region` (`s3:CreateBucket`).
    public func createBucket(inRegion input: S3.CreateBucketInRegionRequest) async throws -> S3.CreateBucketOutput {
        try await client.execute(S3.service, S3.Operations.createBucket, input: input, region: region)
    }
}
