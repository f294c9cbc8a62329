import Crypto
import Foundation
import _CryptoExtras

/// CloudTrail log file integrity validation, at least as strict as `aws cloudtrail validate-logs`: every digest file
/// of the window must inflate (bounded), parse and name its own location, carry its signature and algorithm metadata
/// (`x-amz-meta-signature`, `x-amz-meta-signature-algorithm`), name SHA256withRSA and a key CloudTrail's
/// `ListPublicKeys` returned for that time, and verify (SHA256withRSA over its end time, its S3 location, the SHA-256 of
/// its inflated content and the previous digest's signature). A previous digest that the chain names and S3 no longer
/// holds is missing; every log file a valid digest lists must be there and hash to its digest's value. Periods no
/// digest covers are gaps ("what happened then is unknown"). Each failure is a result of its own, naming the object;
/// nothing unseen is called verified.
///
/// Where rootguard is stricter than validate-logs (documented in docs/commands/respond.md): bytes after a file's
/// first gzip member (another member, appended data) make it `modified` — validate-logs hashes the first member and
/// ignores the rest, which every CloudTrail reader, rootguard's `trail` included, would read as records; a log file
/// in the window that no digest lists is `unverifiable` (validate-logs never looks at it); a digest naming an
/// algorithm other than SHA256withRSA is `invalid` (validate-logs verifies it as SHA256withRSA regardless).
public enum LogFileIntegrity {
    /// The most a digest may inflate to (CloudTrail's are kilobytes; a bomb in its place is `invalid`).
    public static let digestLimit = 16 << 20
    /// The most a log file may inflate to.
    public static let logLimit = 2 << 30

    /// One digest file as it is in S3: its key, its bytes and the signature metadata of the object.
    public struct DigestFile: Sendable {
        public var bucket: String
        public var key: String
        public var bytes: [UInt8]
        /// `x-amz-meta-signature` (hex), nil when the object has none.
        public var signature: String?
        /// `x-amz-meta-signature-algorithm`, nil when the object has none.
        public var signatureAlgorithm: String?

        public init(bucket: String, key: String, bytes: [UInt8], signature: String?, signatureAlgorithm: String?) {
            self.bucket = bucket
            self.key = key
            self.bytes = bytes
            self.signature = signature
            self.signatureAlgorithm = signatureAlgorithm
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
        /// The signature, chain and hash hold.
        case verified
        /// The content is not what CloudTrail signed (signature or hash differs, moved, data appended).
        case modified
        /// CloudTrail delivered it (a digest lists it, the chain names it) and it is not there.
        case missing
        /// It cannot be what CloudTrail delivered: no signature metadata, another algorithm, a key CloudTrail did not
        /// have then, not gzip, not a digest, a bomb.
        case invalid
        /// Nothing can vouch for it either way (no digest lists it, a local copy, a read that failed).
        case unverifiable
        /// A period no digest covers: what happened then is unknown.
        case gap

        /// A failed integrity check: evidence tampered with, or expected and not there.
        public var failed: Bool { self == .modified || self == .missing || self == .invalid }
    }

    public struct Result: Sendable, Codable, Hashable {
        /// `event`: a record reconciled with the event history, the second source.
        public enum Kind: String, Sendable, Codable, Hashable { case digest, log, coverage, event }
        public var kind: Kind
        /// `bucket/key`, or for coverage the trail's digest folder and the period.
        public var location: String
        public var verdict: Verdict
        public var reason: String

        public init(kind: Kind, location: String, verdict: Verdict, reason: String) {
            self.kind = kind
            self.location = location
            self.verdict = verdict
            self.reason = reason
        }

        public var failed: Bool { verdict.failed }

        /// The one line a person reads: `error:` lines are the failures.
        public var line: String { "\(kind.rawValue) \(location): \(verdict.rawValue): \(reason)" }
    }

    /// What was found where a log file should be.
    public enum LogRead: Sendable {
        case absent
        case read(GzipDigest.Outcome)
        /// The read failed for another reason (AccessDenied, a dropped connection).
        case unreadable(String)
    }

    /// The period to judge: digests whose hour falls in it must be there and verify; holes in it are gaps.
    public struct Window: Sendable {
        public var start: Date
        public var end: Date
        /// Now: an hour's digest is delivered within about an hour of its end; a later one is not late yet.
        public var now: Date

        public init(start: Date, end: Date, now: Date) {
            self.start = start
            self.end = end
            self.now = now
        }
    }

    /// A digest key's parts: `…/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<time>[_backfill].json.gz`.
    public struct DigestName: Hashable, Sendable {
        public var folder: String
        public var account: String
        public var region: String
        public var trail: String
        public var homeRegion: String
        public var time: Date
        public var backfill: Bool

        public init?(key: String) {
            let name = key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key
            guard name.hasSuffix(".json.gz") else { return nil }
            var parts = name.dropLast(".json.gz".count).split(separator: "_", omittingEmptySubsequences: false).map(
                String.init)
            backfill = parts.last == "backfill"
            if backfill { parts.removeLast() }
            guard parts.count >= 6, parts[1] == "CloudTrail-Digest",
                let time = LogFileIntegrity.compactTime(parts[parts.count - 1])
            else { return nil }
            folder = String(key.dropLast(name.count))
            account = parts[0]
            region = parts[2]
            trail = parts[3..<(parts.count - 2)].joined(separator: "_")
            homeRegion = parts[parts.count - 2]
            self.time = time
        }

        /// One chain: a trail's digests of one region in one folder tree (backfill digests are a chain of their own).
        var chain: String {
            let tree = folder.range(of: "/CloudTrail-Digest/").map { String(folder[..<$0.upperBound]) } ?? folder
            return "\(tree)\(region)/\(trail)@\(homeRegion)\(backfill ? " (backfill)" : "")"
        }
    }

    /// `20261205T050000Z` or `20261205T0500Z`.
    public static func compactTime(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16 || digits.count == 14, digits[8] == UInt8(ascii: "T"), digits.last == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13)
        else { return nil }
        let second = digits.count == 16 ? number(13..<15) : 0
        guard let second else { return nil }
        return DateComponents(
            calendar: utc, timeZone: TimeZone(identifier: "UTC"), year: year, month: month, day: day, hour: hour,
            minute: minute, second: second
        ).date
    }

    public static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// A log file a valid digest lists, and the hash it must have.
    public struct ExpectedLog: Sendable, Hashable {
        public var location: String
        public var sha256: String
        public var digest: String
    }

    /// The digests judged, the gaps in the window, and the log files still to be read and judged.
    public struct DigestJudgement: Sendable {
        public var results: [Result]
        public var logs: [ExpectedLog]
        /// Every log file any readable digest lists (valid or not).
        public var listed: Set<String>
    }

    /// Judges the digests (phase one); the caller then reads each of `logs` and judges it with ``judge(log:read:)``.
    /// `digests` are those the listing found for the window (any chain, any region); a chain's link to a digest
    /// that is not among them is looked up in `present`, the keys of every digest the listing saw (so a link to one
    /// outside the window is not called missing). `window` nil judges the digests given, with no gaps.
    public static func judgeDigests(
        _ digests: [DigestFile], keys: [PublicKey], window: Window?, present: Set<String> = []
    ) -> DigestJudgement {
        struct Parsed {
            var file: DigestFile
            var name: DigestName?
            var start: Date?
            var end: Date?
            var previous: String?
            var previousSignature: String?
            var logs: [(location: String, hash: String)]
            var valid: Bool
        }
        var results: [Result] = []
        var parsed: [Parsed] = []
        var expected: [ExpectedLog] = []
        var listed = Set<String>()
        for file in digests {
            let location = "\(file.bucket)/\(file.key)"
            func fail(_ verdict: Verdict, _ reason: String) {
                results.append(.init(kind: .digest, location: location, verdict: verdict, reason: reason))
            }
            let content: [UInt8]
            switch GzipDigest.of(file.bytes, limit: digestLimit, keep: true) {
            case .notGzip:
                fail(.invalid, "invalid format: not gzip")
                continue
            case .corrupt(let what):
                fail(.invalid, "invalid format: \(what)")
                continue
            case .tooLarge(let limit):
                fail(.invalid, "invalid format: inflates past \(limit >> 20) MiB (CloudTrail's digests are kilobytes)")
                continue
            case .content(_, _, let trailing, let kept):
                if trailing > 0 {
                    fail(.modified, "\(trailing) bytes after its gzip member that CloudTrail did not sign")
                    continue
                }
                content = kept ?? []
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(content)) as? [String: Any] else {
                fail(.invalid, "invalid format: not a JSON object")
                continue
            }
            let required = [
                "digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object", "previousDigestSignature",
                "digestEndTime", "digestStartTime",
            ]
            let absent = required.filter { object[$0] == nil }
            guard absent.isEmpty else {
                fail(.invalid, "invalid format: no \(absent.joined(separator: ", "))")
                continue
            }
            func text(_ key: String) -> String? { object[key] as? String }
            let logs: [(location: String, hash: String)] = ((object["logFiles"] as? [[String: Any]]) ?? []).compactMap {
                entry in
                guard let bucket = entry["s3Bucket"] as? String, let key = entry["s3Object"] as? String,
                    let hash = entry["hashValue"] as? String
                else { return nil }
                return (location: "\(bucket)/\(key)", hash: hash.lowercased())
            }
            for (log, _) in logs { listed.insert(log) }
            let previous = text("previousDigestS3Object").map {
                "\(text("previousDigestS3Bucket") ?? file.bucket)/\($0)"
            }
            var entry = Parsed(
                file: file, name: DigestName(key: file.key), start: text("digestStartTime").flatMap(isoTime),
                end: text("digestEndTime").flatMap(isoTime), previous: previous,
                previousSignature: text("previousDigestSignature"), logs: logs, valid: false)
            defer { parsed.append(entry) }
            guard text("digestS3Bucket") == file.bucket, text("digestS3Object") == file.key else {
                fail(.modified, "has been moved from its original location")
                continue
            }
            guard let signature = file.signature, let algorithm = file.signatureAlgorithm else {
                fail(
                    .invalid,
                    "signature verification failed: the object has no \(file.signature == nil ? "x-amz-meta-signature" : "x-amz-meta-signature-algorithm") metadata"
                )
                continue
            }
            let named = text("digestSignatureAlgorithm") ?? algorithm
            guard algorithm == "SHA256withRSA", named == "SHA256withRSA" else {
                fail(
                    .invalid,
                    "signature algorithm \(algorithm == "SHA256withRSA" ? named : algorithm) is not SHA256withRSA, the only one CloudTrail uses"
                )
                continue
            }
            guard let fingerprint = text("digestPublicKeyFingerprint"),
                let key = keys.first(where: { $0.fingerprint.lowercased() == fingerprint.lowercased() })
            else {
                fail(
                    .invalid,
                    "public key not found for fingerprint \(text("digestPublicKeyFingerprint") ?? "(none)") (ListPublicKeys returned no such key for this time)"
                )
                continue
            }
            guard let signatureBytes = hexBytes(signature) else {
                fail(.invalid, "signature verification failed: the signature is not hexadecimal")
                continue
            }
            guard let publicKey = try? _RSA.Signing.PublicKey(derRepresentation: key.der) else {
                fail(.invalid, "unable to load the PKCS #1 key with fingerprint \(fingerprint)")
                continue
            }
            let previousSignature = text("previousDigestSignature") ?? "null"
            let signed = [
                text("digestEndTime") ?? "", "\(file.bucket)/\(file.key)",
                SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined(), previousSignature,
            ].joined(separator: "\n")
            guard
                publicKey.isValidSignature(
                    _RSA.Signing.RSASignature(rawRepresentation: signatureBytes), for: Data(signed.utf8),
                    padding: .insecurePKCS1v1_5)
            else {
                fail(.modified, "signature verification failed")
                continue
            }
            entry.valid = true
            results.append(.init(kind: .digest, location: location, verdict: .verified, reason: "signature valid"))
            expected += logs.map { .init(location: $0.location, sha256: $0.hash, digest: file.key) }
        }
        // What an unverified digest lists: nothing vouches for it (validate-logs does not look at it at all).
        let vouched = Set(expected.map(\.location))
        var untrusted = Set<String>()
        for entry in parsed where !entry.valid {
            for log in entry.logs where !vouched.contains(log.location) && !untrusted.contains(log.location) {
                untrusted.insert(log.location)
                results.append(
                    .init(
                        kind: .log, location: log.location, verdict: .unverifiable,
                        reason: "its digest \(entry.file.key) failed verification"))
            }
        }
        // The chain: each link to a previous digest that S3 no longer holds is a missing digest — unless that
        // digest ends before the window (validate-logs stops walking there too).
        let here = Set(digests.map { "\($0.bucket)/\($0.key)" }).union(present)
        var missing = Set<String>()
        for entry in parsed {
            guard let previous = entry.previous, !here.contains(previous), !missing.contains(previous) else { continue }
            if let window, let start = entry.start, start <= window.start { continue }
            missing.insert(previous)
            results.append(
                .init(
                    kind: .digest, location: previous, verdict: .missing,
                    reason: "not found: \(entry.file.key) names it as the previous digest of its chain"))
        }
        if let window {
            results += gaps(
                parsed.map { ($0.name, $0.start, $0.end, $0.previous, $0.previousSignature) }, missing: missing,
                window: window)
        }
        return DigestJudgement(results: results, logs: expected, listed: listed)
    }

    /// The periods of the window that no digest of a chain covers.
    static func gaps(
        _ digests: [(name: DigestName?, start: Date?, end: Date?, previous: String?, previousSignature: String?)],
        missing: Set<String>, window: Window
    ) -> [Result] {
        var results: [Result] = []
        var chains: [String: [(start: Date, end: Date, previous: String?, restarts: Bool)]] = [:]
        for digest in digests {
            guard let name = digest.name, !name.backfill, let start = digest.start, let end = digest.end else {
                continue
            }
            chains[name.chain, default: []].append((start, end, digest.previous, digest.previousSignature == nil))
        }
        let tolerance: TimeInterval = 60
        for (chain, entries) in chains.sorted(by: { $0.key < $1.key }) {
            let sorted = entries.sorted { $0.start < $1.start }
            var cursor = window.start
            for entry in sorted where entry.end > window.start && entry.start < window.end {
                if entry.start.timeIntervalSince(cursor) > tolerance {
                    let why: String
                    if let previous = entry.previous, missing.contains(previous) {
                        why = "the digest before \(format(entry.start)) is missing"
                    } else if entry.restarts {
                        why =
                            "the digest chain restarts at \(format(entry.start)): logging was stopped, or the trail deleted and re-created"
                    } else {
                        why = "no digest covers it"
                    }
                    results.append(gap(chain, from: cursor, to: entry.start, why))
                }
                cursor = max(cursor, entry.end)
            }
            if window.end.timeIntervalSince(cursor) > tolerance {
                // An hour's digest arrives within about an hour of its end.
                let due = cursor.addingTimeInterval(2 * 3600) <= window.now
                results.append(
                    gap(
                        chain, from: cursor, to: window.end,
                        due
                            ? "no digest after \(format(cursor)) although the next was due by now: logging was stopped, or the digests deleted"
                            : "the digests after \(format(cursor)) are not delivered yet"))
            }
        }
        return results
    }

    public static func gap(_ chain: String, from: Date, to: Date, _ why: String) -> Result {
        .init(
            kind: .coverage, location: "\(chain) \(format(from))–\(format(to))", verdict: .gap,
            reason: "what happened between \(format(from)) and \(format(to)) is unknown: \(why)")
    }

    /// Phase two: a log file a valid digest lists, as read now.
    public static func judge(log expected: ExpectedLog, read: LogRead) -> Result {
        func result(_ verdict: Verdict, _ reason: String) -> Result {
            .init(kind: .log, location: expected.location, verdict: verdict, reason: reason)
        }
        switch read {
        case .absent: return result(.missing, "not found: \(expected.digest) lists it")
        case .unreadable(let why): return result(.unverifiable, "cannot be read: \(why)")
        case .read(.notGzip): return result(.invalid, "invalid format: not gzip (CloudTrail delivers gzip)")
        case .read(.corrupt(let what)): return result(.invalid, "invalid format: \(what)")
        case .read(.tooLarge(let limit)): return result(.invalid, "invalid format: inflates past \(limit >> 20) MiB")
        case .read(.content(let hash, _, let trailing, _)):
            if hash != expected.sha256 { return result(.modified, "hash value doesn't match its digest") }
            if trailing > 0 {
                return result(
                    .modified,
                    "\(trailing) bytes after the gzip member its digest covers (records no digest vouches for)")
            }
            return result(.verified, "SHA-256 matches its digest")
        }
    }

    /// Both phases on files in memory (tests, local copies): `log` gives a log file's bytes by `bucket/key`, nil when
    /// it is not there; `logsInScope` are log files that must be covered by some digest.
    public static func validate(
        digests: [DigestFile], keys: [PublicKey], log: (String) -> [UInt8]?, logsInScope: [String] = [],
        window: Window? = nil
    ) -> [Result] {
        let judgement = judgeDigests(digests, keys: keys, window: window)
        var results = judgement.results
        for expected in judgement.logs {
            let read: LogRead = log(expected.location).map { .read(GzipDigest.of($0, limit: logLimit)) } ?? .absent
            results.append(judge(log: expected, read: read))
        }
        results += unlisted(logsInScope, judgement: judgement)
        return results
    }

    /// Log files in scope that no digest lists.
    public static func unlisted(_ logs: [String], judgement: DigestJudgement) -> [Result] {
        let checked = Set(judgement.logs.map(\.location))
        return logs.filter { !judgement.listed.contains($0) && !checked.contains($0) }.map {
            .init(kind: .log, location: $0, verdict: .unverifiable, reason: "no digest lists it")
        }
    }

    static func isoTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
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

    /// The bytes, gunzipped when they are gzip (every member), else as they are; at most `limit` inflated bytes.
    public static func uncompressed(_ bytes: [UInt8], limit: Int = digestLimit) throws -> [UInt8] {
        switch GzipDigest.of(bytes, limit: limit, keep: true) {
        case .content(_, _, _, let kept): return kept ?? []
        case .notGzip: return bytes
        case .corrupt, .tooLarge: throw InflateError.corrupt
        }
    }
}
