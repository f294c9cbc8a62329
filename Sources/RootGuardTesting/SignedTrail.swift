import Crypto
import Foundation
import _CryptoExtras

/// A CloudTrail trail's delivery as S3 holds it, made and signed here as CloudTrail does: per hour, gzip log files
/// (`<account>_CloudTrail_<region>_<time>_<unique>.json.gz`) and a digest
/// (`<account>_CloudTrail-Digest_<region>_<trail>_<home>_<time>.json.gz`) listing their SHA-256, signed SHA256withRSA
/// over its end time, location, content hash and the previous digest's signature, the signature and its algorithm in
/// the object's metadata. Tests tamper with it the ways an attacker with root could and compare verdicts.
public struct SignedTrail: @unchecked Sendable {
    public struct Object: Sendable {
        public var bytes: [UInt8]
        public var metadata: [String: String]
    }

    public let signer: _RSA.Signing.PrivateKey
    public let fingerprint: String
    public let bucket: String
    public let account: String
    public let region: String
    public let trail: String
    public let start: Date
    public let hours: Int
    /// Every object by key, as it is now (tests change them).
    public var objects: [String: Object] = [:]
    /// Each hour's digest key.
    public private(set) var digestKeys: [String] = []
    /// Each hour's log file keys.
    public private(set) var logKeys: [[String]] = []
    /// Each hour's digest document, as signed.
    public private(set) var digests: [[String: Any]] = []
    /// Each hour's digest signature.
    public private(set) var signatures: [String] = []

    /// The public key as `ListPublicKeys` holds it: PKCS #1 DER.
    public var publicKeyDER: [UInt8] { Array(signer.publicKey.pkcs1DERRepresentation) }

    /// `hours` hours from `start` (hour-aligned), `logsPerHour` log files each with two root records; the chain
    /// restarts (no previous digest) at the hours in `restarts`, and the hours in `skipped` deliver nothing (logging off).
    public init(
        bucket: String = "org-trail-logs", account: String, region: String = "us-east-1", trail: String = "org-trail",
        start: Date, hours: Int = 3, logsPerHour: Int = 2, restarts: Set<Int> = [], skipped: Set<Int> = []
    ) throws {
        signer = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        fingerprint = Insecure.MD5.hash(data: signer.publicKey.pkcs1DERRepresentation).map {
            String(format: "%02x", $0)
        }.joined()
        self.bucket = bucket
        self.account = account
        self.region = region
        self.trail = trail
        self.start = start
        self.hours = hours
        var previous: (key: String, signature: String)?
        for hour in 0..<hours {
            let from = start.addingTimeInterval(Double(hour) * 3600)
            let to = from.addingTimeInterval(3600)
            let day = Self.day(from)
            var logs: [String] = []
            var entries: [[String: Any]] = []
            if skipped.contains(hour) {
                logKeys.append([])
                digestKeys.append("")
                digests.append([:])
                signatures.append("")
                previous = nil
                continue
            }
            for index in 0..<logsPerHour {
                let time = from.addingTimeInterval(Double(index * 60 + 300))
                let key =
                    "AWSLogs/\(account)/CloudTrail/\(region)/\(day)/\(account)_CloudTrail_\(region)_\(Self.compact(time, seconds: false))_h\(hour)l\(index).json.gz"
                let records: [[String: Any]] = (0..<2).map { n in
                    [
                        "eventVersion": "1.09", "eventTime": Self.iso(time.addingTimeInterval(Double(n))),
                        "eventSource": "iam.amazonaws.com", "eventName": n == 0 ? "CreateUser" : "CreateAccessKey",
                        "awsRegion": region, "sourceIPAddress": "203.0.113.7", "eventID": "e-\(hour)-\(index)-\(n)",
                        "recipientAccountId": account, "eventType": "AwsApiCall", "readOnly": false,
                        "userIdentity": [
                            "type": "Root", "principalId": account, "arn": "arn:aws:iam::\(account):root",
                            "accountId": account,
                        ],
                    ]
                }
                let content = try JSONSerialization.data(withJSONObject: ["Records": records], options: [.sortedKeys])
                objects[key] = Object(bytes: try Self.gzip(Array(content)), metadata: [:])
                logs.append(key)
                entries.append([
                    "s3Bucket": bucket, "s3Object": key, "hashValue": Self.hex(SHA256.hash(data: content)),
                    "hashAlgorithm": "SHA-256", "newestEventTime": Self.iso(time), "oldestEventTime": Self.iso(time),
                ])
            }
            if restarts.contains(hour) { previous = nil }
            let digestKey =
                "AWSLogs/\(account)/CloudTrail-Digest/\(region)/\(Self.day(to))/\(account)_CloudTrail-Digest_\(region)_\(trail)_\(region)_\(Self.compact(to, seconds: true)).json.gz"
            let digest: [String: Any] = [
                "awsAccountId": account, "digestStartTime": Self.iso(from), "digestEndTime": Self.iso(to),
                "digestS3Bucket": bucket, "digestS3Object": digestKey, "digestPublicKeyFingerprint": fingerprint,
                "digestSignatureAlgorithm": "SHA256withRSA", "newestEventTime": Self.iso(to),
                "oldestEventTime": Self.iso(from), "previousDigestS3Bucket": previous == nil ? NSNull() : bucket,
                "previousDigestS3Object": previous?.key ?? NSNull(),
                "previousDigestSignature": previous?.signature ?? NSNull(), "logFiles": entries,
            ]
            logKeys.append(logs)
            digestKeys.append(digestKey)
            digests.append(digest)
            let signature = try store(digest, at: digestKey, previous: previous?.signature)
            signatures.append(signature)
            previous = (digestKey, signature)
        }
    }

    /// Writes a digest document and signs it as CloudTrail does; returns the signature.
    @discardableResult
    public mutating func store(_ digest: [String: Any], at key: String, previous: String?) throws -> String {
        let content = try JSONSerialization.data(withJSONObject: digest, options: [.sortedKeys])
        let signed = [
            digest["digestEndTime"] as? String ?? "", "\(bucket)/\(key)", Self.hex(SHA256.hash(data: content)),
            previous ?? "null",
        ].joined(separator: "\n")
        let signature = Self.hex(
            try signer.signature(for: Data(signed.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
        objects[key] = Object(
            bytes: try Self.gzip(Array(content)),
            metadata: ["signature": signature, "signature-algorithm": "SHA256withRSA"])
        return signature
    }

    /// Rewrites a digest's document without CloudTrail's key: the content changes, the metadata is what `metadata`
    /// says (the old signature unless given).
    public mutating func rewrite(
        hour: Int, metadata: [String: String]? = nil, _ change: (inout [String: Any]) -> Void
    ) throws {
        var digest = digests[hour]
        change(&digest)
        let content = try JSONSerialization.data(withJSONObject: digest, options: [.sortedKeys])
        let key = digestKeys[hour]
        objects[key] = Object(bytes: try Self.gzip(Array(content)), metadata: metadata ?? objects[key]?.metadata ?? [:])
    }

    /// The first hour's start to the last hour's end.
    public var end: Date { start.addingTimeInterval(Double(hours) * 3600) }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func day(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d/%02d/%02d", c.year!, c.month!, c.day!)
    }

    static func compact(_ date: Date, seconds: Bool) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
            + (seconds ? String(format: "%02d", c.second!) : "") + "Z"
    }

    /// gzip as `gzip -n` writes it.
    public static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rg-gz-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", "-c", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
