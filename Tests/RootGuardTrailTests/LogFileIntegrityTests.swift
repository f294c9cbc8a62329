import Crypto
import Foundation
import RootGuardTesting
import Testing
import _CryptoExtras

@testable import RootGuardTrail

/// CloudTrail log file validation at least as strict as `aws cloudtrail validate-logs`, on a chain signed here with a
/// key made here (CloudTrail's scheme), tampered with the ways an attacker with root in the account could. The same
/// cases run against awscli itself in LogIntegrityOracleCLITests.
@Suite("CloudTrail log file integrity")
struct LogFileIntegrityTests {
    static let start = Date(timeIntervalSince1970: 1_796_443_200)  // 2026-12-05T04:00:00Z

    func trail(hours: Int = 3, restarts: Set<Int> = [], skipped: Set<Int> = []) throws -> SignedTrail {
        try SignedTrail(account: "111122223333", start: Self.start, hours: hours, restarts: restarts, skipped: skipped)
    }

    func run(
        _ trail: SignedTrail, keys: [LogFileIntegrity.PublicKey]? = nil, inScope: [String] = []
    )
        -> [LogFileIntegrity.Result]
    {
        let digests = trail.objects.filter { $0.key.contains("CloudTrail-Digest") }.map {
            LogFileIntegrity.DigestFile(
                bucket: trail.bucket, key: $0.key, bytes: $0.value.bytes, signature: $0.value.metadata["signature"],
                signatureAlgorithm: $0.value.metadata["signature-algorithm"])
        }
        return LogFileIntegrity.validate(
            digests: digests,
            keys: keys ?? [.init(fingerprint: trail.fingerprint, der: trail.publicKeyDER)],
            log: { location in trail.objects[String(location.dropFirst(trail.bucket.count + 1))]?.bytes },
            logsInScope: inScope,
            window: .init(start: trail.start, end: trail.end, now: trail.end.addingTimeInterval(86_400)))
    }

    func verdicts(_ results: [LogFileIntegrity.Result]) -> [String: LogFileIntegrity.Verdict] {
        Dictionary(results.map { ($0.location, $0.verdict) }, uniquingKeysWith: { first, _ in first })
    }

    func location(_ trail: SignedTrail, _ key: String) -> String { "\(trail.bucket)/\(key)" }

    @Test func anUntouchedChainVerifiesEveryFileAndLeavesNoGap() throws {
        let trail = try trail()
        let results = run(trail)
        #expect(results.count == 9, "\(results.map(\.line))")
        #expect(results.allSatisfy { $0.verdict == .verified }, "\(results.map(\.line))")
    }

    @Test func aModifiedLogFileIsNamedAndOnlyIt() throws {
        var trail = try trail()
        let target = trail.logKeys[1][0]
        trail.objects[target]?.bytes = try SignedTrail.gzip(Array(#"{"Records":[]}"#.utf8))
        let results = run(trail)
        #expect(verdicts(results)[location(trail, target)] == .modified)
        #expect(results.filter(\.failed).count == 1)
    }

    @Test func aDeletedLogFileIsMissingNotDropped() throws {
        var trail = try trail()
        let target = trail.logKeys[1][1]
        trail.objects[target] = nil
        let results = run(trail)
        let result = try #require(results.first { $0.location == location(trail, target) })
        #expect(result.verdict == .missing)
        #expect(result.reason.contains(trail.digestKeys[1]))
    }

    @Test func aDeletedDigestWithItsLogFilesIsMissingAndItsHourAGap() throws {
        var trail = try trail()
        trail.objects[trail.digestKeys[1]] = nil
        for key in trail.logKeys[1] { trail.objects[key] = nil }
        let results = run(trail)
        let missing = try #require(results.first { $0.location == location(trail, trail.digestKeys[1]) })
        #expect(missing.verdict == .missing && missing.failed)
        #expect(missing.reason.contains(trail.digestKeys[2]))
        let gaps = results.filter { $0.verdict == .gap }
        #expect(gaps.count == 1)
        #expect(gaps.first?.reason.contains("2026-12-05T05:00:00Z and 2026-12-05T06:00:00Z is unknown") == true)
        // The next digest is verified: it is the one that names the missing digest.
        #expect(verdicts(results)[location(trail, trail.digestKeys[2])] == .verified)
    }

    @Test func aDigestRewrittenToMatchAModifiedLogFileFailsWhateverItsMetadata() throws {
        let cases: [(String, [String: String]?, LogFileIntegrity.Verdict)] = [
            ("kept signature", nil, .modified),
            ("stripped metadata", [:], .invalid),
            ("no algorithm", ["signature": "00"], .invalid),
            ("SHA512withRSA", ["signature": "00", "signature-algorithm": "SHA512withRSA"], .invalid),
        ]
        for (name, metadata, expected) in cases {
            var trail = try trail()
            let target = trail.logKeys[1][0]
            let content = Array(#"{"Records":[]}"#.utf8)
            trail.objects[target]?.bytes = try SignedTrail.gzip(content)
            try trail.rewrite(hour: 1, metadata: metadata) { digest in
                var logs = digest["logFiles"] as? [[String: Any]] ?? []
                logs[0]["hashValue"] = SignedTrail.hex(SHA256.hash(data: content))
                digest["logFiles"] = logs
            }
            let results = run(trail)
            let digest = verdicts(results)[location(trail, trail.digestKeys[1])]
            #expect(digest == expected, "\(name): \(results.map(\.line))")
            // Nothing the rewritten digest lists is called verified.
            #expect(verdicts(results)[location(trail, target)] != .verified, "\(name)")
        }
    }

    @Test func aDigestNamingAnotherAlgorithmOrAnUnknownKeyIsInvalid() throws {
        var trail = try trail()
        try trail.rewrite(hour: 0) { $0["digestSignatureAlgorithm"] = "SHA512withRSA" }
        #expect(verdicts(run(trail))[location(trail, trail.digestKeys[0])] == .invalid)

        let fresh = try self.trail()
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let results = run(fresh, keys: [.init(fingerprint: "00ff", der: Array(other.publicKey.pkcs1DERRepresentation))])
        #expect(results.filter { $0.kind == .digest }.allSatisfy { $0.verdict == .invalid })
        #expect(results.contains { $0.reason.contains("public key not found for fingerprint \(fresh.fingerprint)") })
        // The right fingerprint but another key: the signature does not verify.
        let wrong = run(
            fresh, keys: [.init(fingerprint: fresh.fingerprint, der: Array(other.publicKey.pkcs1DERRepresentation))])
        #expect(wrong.filter { $0.kind == .digest }.allSatisfy { $0.verdict == .modified })
    }

    @Test func anOlderDigestWithAForgedSignatureIsNamedTheNewerStaysVerified() throws {
        var trail = try trail()
        trail.objects[trail.digestKeys[0]]?.metadata["signature"] = String(repeating: "ab", count: 256)
        let results = verdicts(run(trail))
        #expect(results[location(trail, trail.digestKeys[0])] == .modified)
        #expect(results[location(trail, trail.digestKeys[1])] == .verified)
    }

    @Test func aBombInADigestsPlaceIsInvalidInBoundedMemory() throws {
        var trail = try trail()
        // 24 MiB of spaces compress to about 24 KiB; the digest limit is 16 MiB.
        trail.objects[trail.digestKeys[2]]?.bytes = try SignedTrail.gzip(
            [UInt8](repeating: 0x20, count: 24 << 20))
        let results = run(trail)
        let bomb = try #require(results.first { $0.location == location(trail, trail.digestKeys[2]) })
        #expect(bomb.verdict == .invalid && bomb.reason.contains("inflates past 16 MiB"))
        #expect(verdicts(results)[location(trail, trail.digestKeys[1])] == .verified)
    }

    @Test func reEncodedLogFilesAreJudgedAsValidateLogsDoesOrStricter() throws {
        var trail = try trail()
        let plain = trail.logKeys[0][0]
        let appended = trail.logKeys[0][1]
        // An uncompressed copy: validate-logs says "invalid format".
        let original = try #require(trail.objects[plain]?.bytes)
        trail.objects[plain]?.bytes = try LogFileIntegrity.uncompressed(original)
        // A second gzip member appended: validate-logs hashes the first member only and calls it valid; every
        // CloudTrail reader reads the appended records, so rootguard calls it modified.
        trail.objects[appended]?.bytes += try SignedTrail.gzip(Array(#"{"Records":[{"eventName":"x"}]}"#.utf8))
        let results = verdicts(run(trail))
        #expect(results[location(trail, plain)] == .invalid)
        #expect(results[location(trail, appended)] == .modified)
        // Zero padding after the member is nothing.
        var padded = try self.trail()
        padded.objects[plain]?.bytes += [UInt8](repeating: 0, count: 512)
        #expect(verdicts(run(padded))[location(padded, plain)] == .verified)
    }

    @Test func aChainThatRestartsIsAGapNotAFailure() throws {
        // Logging stopped for hour 1 (no digest, no logs), restarted at hour 2 with a new chain.
        let trail = try trail(hours: 3, restarts: [2], skipped: [1])
        let results = run(trail)
        #expect(results.filter(\.failed).isEmpty, "\(results.map(\.line))")
        let gaps = results.filter { $0.verdict == .gap }
        #expect(gaps.count == 1)
        #expect(gaps.first?.reason.contains("restarts") == true)
    }

    @Test func aLogFileNoDigestListsIsUnverifiableNeverVerified() throws {
        let trail = try trail()
        let extra = "\(trail.bucket)/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/05/late.json.gz"
        let result = try #require(run(trail, inScope: [extra]).first { $0.location == extra })
        #expect(result.verdict == .unverifiable && result.reason == "no digest lists it")
    }

    @Test func digestNamesParseAsCloudTrailWritesThem() throws {
        let name = try #require(
            LogFileIntegrity.DigestName(
                key:
                    "p/AWSLogs/o-abc/111122223333/CloudTrail-Digest/eu-west-1/2026/12/05/111122223333_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20261205T050000Z.json.gz"
            ))
        #expect(name.trail == "my_trail" && name.homeRegion == "us-east-1" && name.region == "eu-west-1")
        #expect(name.time == Self.start.addingTimeInterval(3600))
        #expect(LogFileIntegrity.DigestName(key: "AWSLogs/1/CloudTrail-Digest/x/part0.json.gz") == nil)
    }

    @Test func gzipDigestStreamsInPiecesAndBoundsInflation() throws {
        let content = Array(String(repeating: "{\"a\":1}", count: 50_000).utf8)
        let zipped = try SignedTrail.gzip(content)
        let digest = GzipDigest(limit: 1 << 20)
        var offset = 0
        while offset < zipped.count {
            let end = min(offset + 7, zipped.count)
            zipped[offset..<end].withUnsafeBytes { digest.feed($0) }
            offset = end
        }
        #expect(
            digest.finish()
                == .content(
                    sha256: SignedTrail.hex(SHA256.hash(data: content)), size: content.count, trailing: 0, kept: nil))
        #expect(GzipDigest.of(zipped, limit: 1000) == .tooLarge(limit: 1000))
        #expect(
            GzipDigest.of(Array(zipped.dropLast(8)), limit: 1 << 20) == .corrupt("ends before its gzip member does"))
        #expect(GzipDigest.of(content, limit: 1 << 20) == .notGzip)
        #expect(GzipDigest.of([], limit: 1) == .corrupt("is empty"))
    }
}
