import Crypto
import Foundation
import _CryptoExtras

/// CloudTrail log file integrity validation, as `aws cloudtrail validate-logs` does it: each digest file's RSA
/// signature (SHA256withRSA over its end time, its S3 location, the SHA-256 of its uncompressed content and the
/// previous digest's signature) against CloudTrail's public key of that fingerprint, the chain of digests (each names
/// the previous one's signature), and the SHA-256 of each uncompressed log file the digests list. Every file ends as
/// verified, modified, missing or unverifiable, with the reason; nothing unseen is called verified.
public enum LogFileIntegrity {
    /// One digest file as delivered: its S3 key, its bytes (gzip or not) and the signature from the object's
    /// `x-amz-meta-signature` metadata (nil when it was not kept, e.g. after a plain download).
    public struct DigestFile: Sendable {
        public var bucket: String
        public var key: String
        public var bytes: [UInt8]
        public var signature: String?

        public init(bucket: String, key: String, bytes: [UInt8], signature: String?) {
            self.bucket = bucket
            self.key = key
            self.bytes = bytes
            self.signature = signature
        }
    }

    /// A CloudTrail public key (`cloudtrail:ListPublicKeys`): its fingerprint and DER-encoded RSA public key.
    public struct PublicKey: Sendable {
        public var fingerprint: String
        public var der: [UInt8]

        public init(fingerprint: String, der: [UInt8]) {
            self.fingerprint = fingerprint
            self.der = der
        }
    }

    public enum Verdict: String, Sendable, Codable, Hashable {
        case verified, modified, missing, unverifiable
    }

    public struct Result: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable, Hashable { case digest, log }
        public var kind: Kind
        /// `bucket/key`.
        public var location: String
        public var verdict: Verdict
        public var reason: String

        public init(kind: Kind, location: String, verdict: Verdict, reason: String) {
            self.kind = kind
            self.location = location
            self.verdict = verdict
            self.reason = reason
        }
    }

    struct Digest: Decodable {
        var digestEndTime: String
        var digestS3Bucket: String
        var digestS3Object: String
        var digestPublicKeyFingerprint: String?
        var digestSignatureAlgorithm: String?
        var previousDigestS3Bucket: String?
        var previousDigestS3Object: String?
        var previousDigestSignature: String?
        var logFiles: [LogFile]?
    }

    struct LogFile: Decodable {
        var s3Bucket: String
        var s3Object: String
        var hashValue: String
        var hashAlgorithm: String?
    }

    /// Validates the digests and the log files they list. `log` gives a log file's bytes by `bucket/key` (nil when it
    /// is not there); `logsInScope` are log files that were read and must be covered by some digest (those no digest
    /// lists are unverifiable).
    public static func validate(
        digests: [DigestFile], keys: [PublicKey], log: (String) -> [UInt8]?, logsInScope: [String] = []
    ) -> [Result] {
        var results: [Result] = []
        var parsed: [(file: DigestFile, digest: Digest, content: [UInt8])] = []
        for file in digests {
            let location = "\(file.bucket)/\(file.key)"
            guard let content = try? uncompressed(file.bytes),
                let digest = try? JSONDecoder().decode(Digest.self, from: Data(content))
            else {
                results.append(
                    .init(
                        kind: .digest, location: location, verdict: .modified,
                        reason: "not a digest file (unreadable JSON or gzip)"))
                continue
            }
            parsed.append((file, digest, content))
        }
        parsed.sort { $0.digest.digestEndTime < $1.digest.digestEndTime }
        let byLocation = Dictionary(
            parsed.map { ("\($0.file.bucket)/\($0.file.key)", $0) }, uniquingKeysWith: { first, _ in first })
        var listed = Set<String>()
        for (file, digest, content) in parsed {
            let location = "\(file.bucket)/\(file.key)"
            var verdict = Verdict.verified
            var reason = "signature valid"
            if digest.digestS3Bucket != file.bucket || digest.digestS3Object != file.key {
                verdict = .modified
                reason = "the digest names another location (\(digest.digestS3Bucket)/\(digest.digestS3Object))"
            } else if let algorithm = digest.digestSignatureAlgorithm, algorithm != "SHA256withRSA" {
                verdict = .unverifiable
                reason = "signature algorithm \(algorithm) is not SHA256withRSA"
            } else if let signature = file.signature {
                switch verify(digest: digest, content: content, signature: signature, keys: keys) {
                case .valid: break
                case .invalid:
                    verdict = .modified
                    reason = "the signature does not match the content"
                case .noKey(let fingerprint):
                    verdict = .unverifiable
                    reason = "no CloudTrail public key with fingerprint \(fingerprint ?? "(none named)")"
                case .malformed(let what):
                    verdict = .modified
                    reason = what
                }
            } else {
                verdict = .unverifiable
                reason = "no signature (the object's x-amz-meta-signature metadata was not kept)"
            }
            // The chain: the previous digest, when it is here, must carry the signature this one names.
            if verdict == .verified, let previousKey = digest.previousDigestS3Object,
                let previous = byLocation["\(digest.previousDigestS3Bucket ?? file.bucket)/\(previousKey)"],
                let named = digest.previousDigestSignature, previous.file.signature?.lowercased() != named.lowercased()
            {
                verdict = .modified
                reason = "the chain is broken: the previous digest's signature is not the one this digest names"
            }
            results.append(.init(kind: .digest, location: location, verdict: verdict, reason: reason))
            for entry in digest.logFiles ?? [] {
                let logLocation = "\(entry.s3Bucket)/\(entry.s3Object)"
                listed.insert(logLocation)
                guard verdict == .verified else {
                    results.append(
                        .init(
                            kind: .log, location: logLocation, verdict: .unverifiable,
                            reason: "its digest is not verified (\(reason))"))
                    continue
                }
                guard let bytes = log(logLocation) else {
                    results.append(
                        .init(
                            kind: .log, location: logLocation, verdict: .missing,
                            reason: "listed in \(file.key), not found"))
                    continue
                }
                guard let content = try? uncompressed(bytes) else {
                    results.append(
                        .init(kind: .log, location: logLocation, verdict: .modified, reason: "not a gzip file any more")
                    )
                    continue
                }
                let hash = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
                results.append(
                    hash == entry.hashValue.lowercased()
                        ? .init(
                            kind: .log, location: logLocation, verdict: .verified, reason: "SHA-256 matches its digest")
                        : .init(
                            kind: .log, location: logLocation, verdict: .modified,
                            reason: "SHA-256 differs from its digest"))
            }
        }
        for location in logsInScope where !listed.contains(location) {
            results.append(
                .init(kind: .log, location: location, verdict: .unverifiable, reason: "no digest file lists it"))
        }
        return results
    }

    enum Check {
        case valid, invalid
        case noKey(String?)
        case malformed(String)
    }

    /// The string CloudTrail signs: end time, `bucket/key`, hex SHA-256 of the uncompressed digest, previous signature
    /// (`null` for the first digest of a chain), newline-separated.
    static func signingString(_ digest: Digest, content: [UInt8]) -> String {
        let hash = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        return [
            digest.digestEndTime, "\(digest.digestS3Bucket)/\(digest.digestS3Object)", hash,
            digest.previousDigestSignature ?? "null",
        ].joined(separator: "\n")
    }

    static func verify(digest: Digest, content: [UInt8], signature: String, keys: [PublicKey]) -> Check {
        guard let fingerprint = digest.digestPublicKeyFingerprint,
            let key = keys.first(where: { $0.fingerprint.lowercased() == fingerprint.lowercased() })
        else { return .noKey(digest.digestPublicKeyFingerprint) }
        guard let bytes = hexBytes(signature) else { return .malformed("the signature is not hexadecimal") }
        guard let publicKey = try? _RSA.Signing.PublicKey(derRepresentation: key.der) else {
            return .noKey(fingerprint)
        }
        let valid = publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: bytes),
            for: Data(signingString(digest, content: content).utf8),
            padding: .insecurePKCS1v1_5)
        return valid ? .valid : .invalid
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0, !characters.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The bytes, gunzipped when they are gzip (every member), else as they are.
    static func uncompressed(_ bytes: [UInt8]) throws -> [UInt8] {
        let gzip = bytes.withUnsafeBytes { isGzip($0) }
        guard gzip else { return bytes }
        var out: [UInt8] = []
        var offset = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while offset < bytes.count {
            let inflater = StreamInflater()
            while !inflater.finished {
                let (used, produced) = try bytes[offset...].withUnsafeBytes { input in
                    try buffer.withUnsafeMutableBytes { try inflater.inflate(input, into: $0) }
                }
                out += buffer[0..<produced]
                offset += used
                if used == 0 && produced == 0 {
                    if offset >= bytes.count { throw InflateError.truncated }
                    throw InflateError.corrupt
                }
            }
            // Trailing zero padding after the last member is not another member.
            if bytes[offset...].allSatisfy({ $0 == 0 }) { break }
        }
        return out
    }
}
