import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import RootGuardTrail

/// CloudTrail log file validation as `aws cloudtrail validate-logs` does it, on a chain of digests signed with a key
/// made here (CloudTrail's scheme: SHA256withRSA over end time, location, content hash and previous signature).
@Suite("CloudTrail log file integrity")
struct LogFileIntegrityTests {
    static let bucket = "org-trail"
    let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    var publicKey: LogFileIntegrity.PublicKey {
        .init(fingerprint: "8f2a5e0c1b9d4e7f8a6b5c4d3e2f1a0b", der: Array(key.publicKey.derRepresentation))
    }

    func gzip(_ text: String) throws -> [UInt8] { Array(try BadInputTests().gzip(text)) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    struct Chain {
        var digests: [LogFileIntegrity.DigestFile]
        var logs: [String: [UInt8]]
    }

    /// Two hours of one trail: two log files per hour, two digests, the second naming the first's signature.
    func chain() throws -> Chain {
        var logs: [String: [UInt8]] = [:]
        var digests: [LogFileIntegrity.DigestFile] = []
        var previous: (key: String, signature: String)?
        for hour in 0..<2 {
            var entries: [String] = []
            for index in 0..<2 {
                let key = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/05/log-\(hour)-\(index).json.gz"
                let content = #"{"Records":[{"eventID":"e-\#(hour)-\#(index)","eventName":"ConsoleLogin"}]}"#
                logs["\(Self.bucket)/\(key)"] = try gzip(content)
                let hash = Self.hex(SHA256.hash(data: Data(content.utf8)))
                entries.append(
                    #"{"s3Bucket":"\#(Self.bucket)","s3Object":"\#(key)","hashValue":"\#(hash)","hashAlgorithm":"SHA-256"}"#
                )
            }
            let digestKey =
                "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/12/05/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_2026120\(hour + 5)T000000Z.json.gz"
            let end = "2026-12-05T0\(hour + 5):00:00Z"
            let previousPart =
                previous.map {
                    #""previousDigestS3Bucket":"\#(Self.bucket)","previousDigestS3Object":"\#($0.key)","previousDigestSignature":"\#($0.signature)","#
                } ?? #""previousDigestSignature":null,"#
            let content = """
                {"awsAccountId":"111122223333","digestStartTime":"2026-12-05T0\(hour + 4):00:00Z","digestEndTime":"\(end)",\
                "digestS3Bucket":"\(Self.bucket)","digestS3Object":"\(digestKey)","digestPublicKeyFingerprint":"\(publicKey.fingerprint)",\
                "digestSignatureAlgorithm":"SHA256withRSA",\(previousPart)"logFiles":[\(entries.joined(separator: ","))]}
                """
            let hash = Self.hex(SHA256.hash(data: Data(content.utf8)))
            let signed = [end, "\(Self.bucket)/\(digestKey)", hash, previous?.signature ?? "null"].joined(
                separator: "\n")
            let signature = Self.hex(
                try key.signature(for: Data(signed.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
            digests.append(.init(bucket: Self.bucket, key: digestKey, bytes: try gzip(content), signature: signature))
            previous = (digestKey, signature)
        }
        return Chain(digests: digests, logs: logs)
    }

    func run(
        _ chain: Chain, keys: [LogFileIntegrity.PublicKey]? = nil, inScope: [String] = []
    )
        -> [String: LogFileIntegrity.Verdict]
    {
        let results = LogFileIntegrity.validate(
            digests: chain.digests, keys: keys ?? [publicKey], log: { chain.logs[$0] }, logsInScope: inScope)
        return Dictionary(results.map { ($0.location, $0.verdict) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func anUntouchedChainVerifiesEveryFile() throws {
        let verdicts = run(try chain())
        #expect(verdicts.count == 6)
        #expect(verdicts.values.allSatisfy { $0 == .verified })
    }

    @Test func oneModifiedLogFileIsReportedAndOnlyIt() throws {
        var chain = try chain()
        let target = chain.logs.keys.sorted()[1]
        chain.logs[target] = try gzip(#"{"Records":[]}"#)
        let verdicts = run(chain)
        #expect(verdicts[target] == .modified)
        #expect(verdicts.filter { $0.value != .verified }.count == 1)
    }

    @Test func aMissingLogAModifiedDigestAndABrokenChainAreNamed() throws {
        var chain = try chain()
        let gone = chain.logs.keys.sorted()[0]
        chain.logs[gone] = nil
        #expect(run(chain)[gone] == .missing)

        var tampered = try self.chain()
        tampered.digests[0].bytes = try gzip(
            String(decoding: try LogFileIntegrity.uncompressed(tampered.digests[0].bytes), as: UTF8.self)
                .replacingOccurrences(of: "log-0-0", with: "log-0-7"))
        // Its hash list changed, so its signature fails; its logs cannot be trusted.
        let verdicts = run(tampered)
        #expect(verdicts["\(Self.bucket)/\(tampered.digests[0].key)"] == .modified)
        #expect(verdicts["\(Self.bucket)/\(tampered.digests[1].key)"] == .verified)

        var broken = try self.chain()
        broken.digests[0].signature = String(repeating: "ab", count: 256)
        let chainVerdicts = run(broken)
        #expect(chainVerdicts["\(Self.bucket)/\(broken.digests[0].key)"] == .modified)
        // The second digest is signed correctly, but names a signature the first no longer carries.
        #expect(chainVerdicts["\(Self.bucket)/\(broken.digests[1].key)"] == .modified)
    }

    @Test func withoutTheKeyOrTheSignatureNothingIsCalledVerified() throws {
        let chain = try chain()
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let noKey = run(chain, keys: [.init(fingerprint: "00", der: Array(other.publicKey.derRepresentation))])
        #expect(noKey.values.allSatisfy { $0 == .unverifiable })
        // The right fingerprint but another key: the signature does not match.
        let wrongKey = run(
            chain, keys: [.init(fingerprint: publicKey.fingerprint, der: Array(other.publicKey.derRepresentation))])
        #expect(wrongKey["\(Self.bucket)/\(chain.digests[0].key)"] == .modified)
        var unsigned = chain
        unsigned.digests = unsigned.digests.map {
            var d = $0; d.signature = nil; return d
        }
        #expect(run(unsigned).values.allSatisfy { $0 == .unverifiable })
        // A log file in scope that no digest lists.
        let extra = "\(Self.bucket)/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/05/late.json.gz"
        #expect(run(chain, inScope: [extra])[extra] == .unverifiable)
    }
}
