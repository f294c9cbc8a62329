import Foundation
import NIOCore
import RootGuardAWS
import RootGuardModel
import RootGuardTrail

/// The integrity of the log files an incident's records came from, as `aws cloudtrail validate-logs` checks it: for
/// log files read from S3, the trail's digest files of those days (their signature is the object's
/// `x-amz-meta-signature` metadata), CloudTrail's public keys from `ListPublicKeys`, the digest chain and each log
/// file's SHA-256. A local copy cannot be verified (S3 metadata does not travel with it) and is said to be so.
public enum IncidentIntegrity {
    public static let requiredActions = ["cloudtrail:ListPublicKeys", "s3:ListBucket", "s3:GetObject"]

    /// A log file of CloudTrail's layout: its bucket, key and the digest folders that may list it (its day and the
    /// next: the last hour's digest is delivered after midnight).
    struct LogObject: Hashable {
        var bucket: String
        var key: String

        var digestFolders: [String]? {
            guard let range = key.range(of: "/CloudTrail/") else { return nil }
            let head = key[..<range.lowerBound]
            let parts = key[range.upperBound...].split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 5, let year = Int(parts[1]), let month = Int(parts[2]), let day = Int(parts[3]),
                let date = DateComponents(calendar: Self.utc, year: year, month: month, day: day).date
            else { return nil }
            return [date, date.addingTimeInterval(86_400)].map { date in
                let c = Self.utc.dateComponents([.year, .month, .day], from: date)
                return String(
                    format: "%@/CloudTrail-Digest/%@/%04d/%02d/%02d/", String(head), String(parts[0]), c.year!,
                    c.month!,
                    c.day!)
            }
        }

        static let utc: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar
        }()
    }

    /// The verdict on every log file the records came from, and on the digests that list them.
    public static func check(records: [CloudTrailEvent], client: AWSClient?) async -> [LogFileIntegrity.Result] {
        var results: [LogFileIntegrity.Result] = []
        var objects: [LogObject] = []
        for source in Set(records.map(\.source)).sorted() {
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
        guard !objects.isEmpty else { return results }
        guard let client else {
            return results
                + objects.map {
                    .init(
                        kind: .log, location: "\($0.bucket)/\($0.key)", verdict: .unverifiable,
                        reason: "not checked (--offline)")
                }
        }
        var folders = Set<[String]>()
        for object in objects {
            guard let digestFolders = object.digestFolders else {
                results.append(
                    .init(
                        kind: .log, location: "\(object.bucket)/\(object.key)", verdict: .unverifiable,
                        reason: "not in CloudTrail's key layout: no digest folder to look in"))
                continue
            }
            for folder in digestFolders { folders.insert([object.bucket, folder]) }
        }
        let s3 = client.s3()
        var digests: [LogFileIntegrity.DigestFile] = []
        for pair in folders.sorted(by: { $0.joined() < $1.joined() }) {
            let (bucket, folder) = (pair[0], pair[1])
            do {
                for try await page in s3.listObjectsV2Paginator(.init(bucket: bucket, prefix: folder)) {
                    for key in (page.contents ?? []).compactMap(\.key) where key.hasSuffix(".json.gz") {
                        let response = try await s3.getObject(.init(bucket: bucket, key: key))
                        let bytes = try await response.body.collect(upTo: 64 << 20)
                        digests.append(
                            .init(
                                bucket: bucket, key: key, bytes: Array(bytes),
                                signature: response.head.header("x-amz-meta-signature")))
                    }
                }
            } catch {
                results.append(
                    .init(
                        kind: .digest, location: "\(bucket)/\(folder)", verdict: .unverifiable,
                        reason: "the digests cannot be read: \(error)"))
            }
        }
        var keys: [LogFileIntegrity.PublicKey] = []
        do {
            let earliest = records.compactMap(\.eventTime).min() ?? Date()
            for try await page in client.cloudTrail().listPublicKeysPaginator(
                .init(startTime: earliest.addingTimeInterval(-86_400), endTime: Date()))
            {
                for key in page.publicKeyList ?? [] {
                    guard let fingerprint = key.fingerprint, let value = key.value else { continue }
                    keys.append(.init(fingerprint: fingerprint, der: Array(value)))
                }
            }
        } catch {
            results.append(
                .init(
                    kind: .digest, location: "cloudtrail:ListPublicKeys", verdict: .unverifiable,
                    reason: "CloudTrail's public keys cannot be read: \(error)"))
        }
        // The log files in scope, read again as they are now.
        var logs: [String: [UInt8]] = [:]
        for object in objects {
            do {
                let response = try await s3.getObject(.init(bucket: object.bucket, key: object.key))
                logs["\(object.bucket)/\(object.key)"] = Array(try await response.body.collect(upTo: 1 << 30))
            } catch {
                // Missing now: the digest check says so.
            }
        }
        let inScope = Set(objects.map { "\($0.bucket)/\($0.key)" })
        results += LogFileIntegrity.validate(
            digests: digests, keys: keys, log: { logs[$0] }, logsInScope: inScope.sorted()
        ).filter { $0.kind == .digest || inScope.contains($0.location) }
        return results
    }
}
