import Foundation
import NIOCore
import RootGuardAWS
import RootGuardModel
import RootGuardTrail

/// The integrity of an incident's CloudTrail evidence, at least as strict as `aws cloudtrail validate-logs`, for every
/// trail, region and hour of the incident window — not only the files records were read from: each trail folder the
/// records came from is listed for its digests (every region with a digest folder, and every region of a record), each
/// digest of the window is read (bounded) and judged with CloudTrail's keys from `ListPublicKeys`, every log file a
/// valid digest lists is read again as a stream and hashed (bounded memory, bounded inflation), and every log file of
/// the window that no digest lists is named. A local copy cannot be verified (S3 metadata does not travel with it) and
/// is said to be so.
public enum IncidentIntegrity {
    public static let requiredActions = ["cloudtrail:ListPublicKeys", "s3:ListBucket", "s3:GetObject"]
    /// The most a digest object may hold before it is inflated (CloudTrail's are a few kilobytes).
    static let digestObjectLimit = 4 << 20

    /// A trail's folder tree in a bucket: `[prefix/]AWSLogs/[o-…/]<account>/`.
    struct Tree: Hashable, Comparable {
        var bucket: String
        var head: String

        static func < (a: Tree, b: Tree) -> Bool { (a.bucket, a.head) < (b.bucket, b.head) }
    }

    /// A log file of CloudTrail's layout: its bucket, key, tree and region.
    struct LogObject: Hashable {
        var bucket: String
        var key: String

        /// `head` ends with the account's folder; the region follows `/CloudTrail/`.
        var tree: (Tree, region: String)? {
            guard let range = key.range(of: "/CloudTrail/") else { return nil }
            let rest = key[range.upperBound...].split(separator: "/", omittingEmptySubsequences: false)
            guard rest.count >= 5, !rest[0].isEmpty else { return nil }
            return (Tree(bucket: bucket, head: String(key[..<range.lowerBound])), String(rest[0]))
        }
    }

    /// The window to judge for these records: from the hour of the first to the end of the hour of the last.
    public static func window(records: [CloudTrailEvent], now: Date) -> LogFileIntegrity.Window? {
        window(times: records.compactMap(\.eventTime), now: now)
    }

    /// The window for these times: from the hour of the first to the end of the hour of the last, never past now.
    public static func window(times: [Date], now: Date) -> LogFileIntegrity.Window? {
        guard let first = times.min(), let last = times.max() else { return nil }
        let hour: TimeInterval = 3600
        let start = Date(timeIntervalSince1970: (first.timeIntervalSince1970 / hour).rounded(.down) * hour)
        let end = Date(timeIntervalSince1970: (last.timeIntervalSince1970 / hour).rounded(.down) * hour + hour)
        return .init(start: start, end: min(end, now), now: now)
    }

    /// The verdict on every digest and log file of the window in each trail folder the records came from, and the
    /// gaps no digest covers.
    /// `sources` are the S3 locations the logs were read from (`bucket`, `prefix`): each account's trail folder under
    /// them is judged even when no record came from it (a deleted log file leaves no record behind); `accounts` are
    /// the accounts in scope.
    public static func check(
        records: [CloudTrailEvent], sources: [(bucket: String, prefix: String)] = [], accounts: [String] = [],
        client: AWSClient?, now: Date = Date(), window given: LogFileIntegrity.Window? = nil
    ) async -> [LogFileIntegrity.Result] {
        var results: [LogFileIntegrity.Result] = []
        var objects: [LogObject] = []
        // The event history has no digests, and no one in the account can edit it: it is no file to verify.
        for source in Set(records.map(\.source)).sorted() where !source.hasPrefix("lookup:") {
            guard source.hasPrefix("s3://") else {
                results.append(
                    .init(
                        kind: .log, location: source, verdict: .unverifiable,
                        reason:
                            "a local copy: the digests' signatures live in S3 object metadata; name the logs as s3:// to verify them"
                    ))
                continue
            }
            let rest = source.dropFirst("s3://".count)
            let bucket = String(rest.prefix { $0 != "/" })
            objects.append(LogObject(bucket: bucket, key: String(rest.dropFirst(bucket.count + 1))))
        }
        guard !objects.isEmpty || !sources.isEmpty else { return results }
        guard let client else {
            return results
                + objects.map {
                    .init(
                        kind: .log, location: "\($0.bucket)/\($0.key)", verdict: .unverifiable,
                        reason: "not checked (--offline)")
                }
        }
        guard let window = given ?? Self.window(records: records, now: now) else { return results }
        var regions: [Tree: Set<String>] = [:]
        for object in objects {
            guard let (tree, region) = object.tree else {
                results.append(
                    .init(
                        kind: .log, location: "\(object.bucket)/\(object.key)", verdict: .unverifiable,
                        reason: "not in CloudTrail's key layout: no digest folder to look in"))
                continue
            }
            regions[tree, default: []].insert(region)
        }
        let s3 = client.s3()
        for tree in await trees(sources, accounts: accounts, s3: s3, into: &results) where regions[tree] == nil {
            regions[tree] = []
        }
        var digests: [LogFileIntegrity.DigestFile] = []
        var present = Set<String>()
        var windowLogs = Set(objects.map { "\($0.bucket)/\($0.key)" })
        for tree in regions.keys.sorted() {
            // Every region with a digest folder, and every region a record came from.
            var all = regions[tree] ?? []
            do {
                for try await page in s3.listObjectsV2Paginator(
                    .init(bucket: tree.bucket, delimiter: "/", prefix: "\(tree.head)/CloudTrail-Digest/"))
                {
                    for prefix in (page.commonPrefixes ?? []).compactMap(\.prefix) {
                        let region = prefix.split(separator: "/").last.map(String.init) ?? ""
                        if !region.isEmpty { all.insert(region) }
                    }
                }
            } catch {
                results.append(
                    .init(
                        kind: .coverage, location: "\(tree.bucket)/\(tree.head)/CloudTrail-Digest/",
                        verdict: .unverifiable, reason: "the digest folders cannot be listed: \(describe(error))"))
            }
            for region in all.sorted() {
                var found = false
                for day in days(window) {
                    let digestFolder = "\(tree.head)/CloudTrail-Digest/\(region)/\(day)/"
                    let logFolder = "\(tree.head)/CloudTrail/\(region)/\(day)/"
                    do {
                        for try await page in s3.listObjectsV2Paginator(
                            .init(bucket: tree.bucket, prefix: digestFolder))
                        {
                            for key in (page.contents ?? []).compactMap(\.key) {
                                present.insert("\(tree.bucket)/\(key)")
                                guard let name = LogFileIntegrity.DigestName(key: key),
                                    name.time >= window.start,
                                    name.time <= window.end.addingTimeInterval(3600)
                                else { continue }
                                found = true
                                digests.append(await readDigest(s3, bucket: tree.bucket, key: key, into: &results))
                            }
                        }
                        for try await page in s3.listObjectsV2Paginator(.init(bucket: tree.bucket, prefix: logFolder)) {
                            for key in (page.contents ?? []).compactMap(\.key) {
                                if let time = logTime(key), time >= window.start, time < window.end {
                                    windowLogs.insert("\(tree.bucket)/\(key)")
                                }
                            }
                        }
                    } catch {
                        results.append(
                            .init(
                                kind: .coverage, location: "\(tree.bucket)/\(digestFolder)", verdict: .unverifiable,
                                reason: "cannot be listed: \(describe(error))"))
                    }
                }
                if !found {
                    results.append(
                        LogFileIntegrity.gap(
                            "\(tree.bucket)/\(tree.head)/CloudTrail-Digest/\(region)", from: window.start,
                            to: window.end,
                            "no digest of this region covers it (log file validation off, the region not logged, or its digests deleted)"
                        ))
                }
            }
        }
        let keys: [LogFileIntegrity.PublicKey]
        do {
            keys = try await publicKeys(
                client, from: window.start.addingTimeInterval(-3600), to: window.end.addingTimeInterval(2 * 3600))
        } catch {
            keys = []
            results.append(
                .init(
                    kind: .digest, location: "cloudtrail:ListPublicKeys", verdict: .unverifiable,
                    reason: "CloudTrail's public keys cannot be read: \(describe(error))"))
        }
        let judgement = LogFileIntegrity.judgeDigests(digests, keys: keys, window: window, present: present)
        results += judgement.results
        for expected in judgement.logs {
            results.append(LogFileIntegrity.judge(log: expected, read: await readLog(s3, expected.location)))
        }
        results += LogFileIntegrity.unlisted(windowLogs.sorted(), judgement: judgement)
        return results
    }

    /// The trail folders (`…AWSLogs/[o-…/]<account>`) of the accounts in scope under each S3 source.
    static func trees(
        _ sources: [(bucket: String, prefix: String)], accounts: [String], s3: S3.Client,
        into results: inout [LogFileIntegrity.Result]
    ) async -> [Tree] {
        var trees: [Tree] = []
        for (bucket, prefix) in sources {
            let base: String
            let rest: [Substring]
            if let range = prefix.range(of: "AWSLogs/") {
                base = String(prefix[..<range.upperBound])
                rest = prefix[range.upperBound...].split(separator: "/")
            } else {
                base = prefix + (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + "AWSLogs/"
                rest = []
            }
            if let first = rest.first, AccountID(rawValue: String(first)) != nil {
                trees.append(Tree(bucket: bucket, head: base + first))
                continue
            }
            if let first = rest.first, first.hasPrefix("o-") {
                if rest.count > 1, AccountID(rawValue: String(rest[1])) != nil {
                    trees.append(Tree(bucket: bucket, head: "\(base)\(first)/\(rest[1])"))
                } else {
                    trees += accounts.map { Tree(bucket: bucket, head: "\(base)\(first)/\($0)") }
                }
                continue
            }
            // The folders under AWSLogs/: accounts, and organizations' folders holding them.
            do {
                for try await page in s3.listObjectsV2Paginator(.init(bucket: bucket, delimiter: "/", prefix: base)) {
                    for child in (page.commonPrefixes ?? []).compactMap(\.prefix) {
                        let name = String(child.dropFirst(base.count).dropLast())
                        if accounts.contains(name) {
                            trees.append(Tree(bucket: bucket, head: base + name))
                        } else if name.hasPrefix("o-") {
                            trees += accounts.map { Tree(bucket: bucket, head: "\(base)\(name)/\($0)") }
                        }
                    }
                }
            } catch {
                results.append(
                    .init(
                        kind: .coverage, location: "\(bucket)/\(base)", verdict: .unverifiable,
                        reason: "the trail's folders cannot be listed: \(describe(error))"))
            }
        }
        return trees
    }

    /// CloudTrail's public keys for a period (PKCS #1 DER, as `ListPublicKeys` returns them).
    static func publicKeys(_ client: AWSClient, from: Date, to: Date) async throws -> [LogFileIntegrity.PublicKey] {
        var keys: [LogFileIntegrity.PublicKey] = []
        for try await page in client.cloudTrail().listPublicKeysPaginator(.init(startTime: from, endTime: to)) {
            for key in page.publicKeyList ?? [] {
                guard let fingerprint = key.fingerprint, let value = key.value else { continue }
                keys.append(.init(fingerprint: fingerprint, der: Array(value)))
            }
        }
        return keys
    }

    /// A digest object, its bytes bounded before inflation; a read that fails is an object with no bytes (judged
    /// invalid), a larger one is read no further.
    static func readDigest(
        _ s3: S3.Client, bucket: String, key: String, into results: inout [LogFileIntegrity.Result]
    ) async -> LogFileIntegrity.DigestFile {
        do {
            let response = try await s3.getObject(.init(bucket: bucket, key: key))
            let bytes = try await response.body.collect(upTo: digestObjectLimit)
            return .init(
                bucket: bucket, key: key, bytes: bytes, signature: response.head.header("x-amz-meta-signature"),
                signatureAlgorithm: response.head.header("x-amz-meta-signature-algorithm"))
        } catch let error as AWSHTTPBody.BodyTooLarge {
            return .init(
                bucket: bucket, key: key, bytes: Array("larger than \(error.limit) bytes".utf8), signature: nil,
                signatureAlgorithm: nil)
        } catch {
            results.append(
                .init(
                    kind: .digest, location: "\(bucket)/\(key)", verdict: .unverifiable,
                    reason: "cannot be read: \(describe(error))"))
            return .init(bucket: bucket, key: key, bytes: [], signature: nil, signatureAlgorithm: nil)
        }
    }

    /// A log file read as a stream into its hash: memory stays one chunk and one inflate buffer.
    static func readLog(_ s3: S3.Client, _ location: String) async -> LogFileIntegrity.LogRead {
        let bucket = String(location.prefix { $0 != "/" })
        let key = String(location.dropFirst(bucket.count + 1))
        do {
            let response = try await s3.getObject(.init(bucket: bucket, key: key))
            let digest = GzipDigest(limit: LogFileIntegrity.logLimit)
            for try await chunk in response.body {
                chunk.withUnsafeReadableBytes { digest.feed($0) }
                if digest.exceeded { break }
            }
            return .read(digest.finish())
        } catch let error as AWSError where error.kind == .notFound || error.code == "NoSuchKey" {
            return .absent
        } catch {
            return .unreadable(describe(error))
        }
    }

    /// `YYYY/MM/DD` of each day the window touches, and the next (the last hour's digest arrives after midnight).
    static func days(_ window: LogFileIntegrity.Window) -> [String] {
        var out: [String] = []
        var day = window.start
        let last = window.end.addingTimeInterval(3600)
        while day <= last || out.isEmpty {
            let c = LogFileIntegrity.utc.dateComponents([.year, .month, .day], from: day)
            let text = String(format: "%04d/%02d/%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
            if out.last != text { out.append(text) }
            day = day.addingTimeInterval(86_400)
            if out.count > 400 { break }
        }
        let c = LogFileIntegrity.utc.dateComponents([.year, .month, .day], from: last)
        let end = String(format: "%04d/%02d/%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        if !out.contains(end) { out.append(end) }
        return out
    }

    /// A log file name's time: `<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz`.
    static func logTime(_ key: String) -> Date? {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        let parts = name.split(separator: "_")
        guard parts.count >= 4, parts[1] == "CloudTrail" else { return nil }
        return LogFileIntegrity.compactTime(String(parts[3]))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? AWSError { return "\(error.code): \(error.message)" }
        return "\(error)"
    }
}
