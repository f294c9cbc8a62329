import Foundation
import NIOCore
import RootGuardAWS
import RootGuardCollect
import RootGuardModel
import RootGuardTrail

/// Reads CloudTrail from AWS: log files in S3 (pruned by the CloudTrail key layout) and the
/// 90-day event history (LookupEvents). Local files are read by `LocalScan`; `TrailHunter` uses both.
public struct CloudTrailReader: Sendable {
    public let client: AWSClient
    public let filter: TrailFilter
    /// Objects read at once.
    public let concurrency: Int

    /// The IAM actions `rootguard trail` needs for s3:// sources and `lookup`.
    public static let requiredActions = [
        "s3:ListBucket", "s3:GetObject", "cloudtrail:LookupEvents", "account:ListRegions",
    ]

    /// Objects larger than a quarter of this are inflated and split as they arrive instead of held.
    public let maxWholeBytes: Int

    public init(client: AWSClient, filter: TrailFilter, concurrency: Int = 8, maxWholeBytes: Int = 64 << 20) {
        self.client = client
        self.filter = filter
        self.concurrency = max(1, concurrency)
        self.maxWholeBytes = maxWholeBytes
    }

    // MARK: - S3

    /// The log-file keys under the prefix that may hold records inside the filter. Walks the key
    /// hierarchy folder by folder (delimiter "/") so accounts, regions and days outside the filter
    /// are never listed.
    public func listKeys(bucket: String, prefix: String, problems: inout [InputProblem]) async -> [String] {
        let s3 = client.s3()
        var keys: [String] = []
        var pending = [prefix]
        while let folder = pending.popLast() {
            do {
                // URL-encoded keys (as the AWS CLI asks for them): a key holding a control character would otherwise
                // make the whole listing unparsable XML and hide every other file under the prefix.
                let pages = s3.listObjectsV2Paginator(
                    .init(bucket: bucket, delimiter: "/", encodingType: "url", prefix: folder))
                for try await page in pages {
                    for object in page.contents ?? [] {
                        guard let key = object.key.flatMap(Self.urlDecoded), LocalScan.isLogName(key) else { continue }
                        if let parsed = CloudTrailKey.parse(key) {
                            guard parsed.isEventLog, parsed.mayContain(filter) else { continue }
                        } else if key.contains("CloudTrail-Digest") {
                            continue
                        }
                        keys.append(key)
                    }
                    for common in page.commonPrefixes ?? [] {
                        guard let sub = common.prefix.flatMap(Self.urlDecoded),
                            CloudTrailKey.folderMayContain(sub, filter)
                        else { continue }
                        pending.append(sub)
                    }
                }
            } catch {
                problems.append(InputProblem(input: "s3://\(bucket)/\(folder)", message: "cannot be listed: \(error)"))
            }
        }
        return keys.sorted()
    }

    /// A key or prefix S3 returned with `encoding-type=url` (a space as `+`, everything else percent-encoded).
    static func urlDecoded(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Scans every log file under `s3://bucket/prefix`.
    public func scanS3(bucket: String, prefix: String, progress: (@Sendable (Int) -> Void)? = nil) async -> ScanOutput {
        var output = ScanOutput()
        let keys = await listKeys(bucket: bucket, prefix: prefix, problems: &output.problems)
        if keys.isEmpty && output.problems.isEmpty {
            // As for a local folder: an empty answer is said, never a silent "nothing found".
            output.problems.append(
                InputProblem(input: "s3://\(bucket)/\(prefix)", message: LocalScan.noLogFiles(filter: filter)))
        }
        output.stats.problems += output.problems.count
        let s3 = client.s3()
        let filter = self.filter
        let maxWholeBytes = self.maxWholeBytes
        await keys.concurrentForEach(maxConcurrency: concurrency) { key in
            await Self.scanObject(s3: s3, bucket: bucket, key: key, filter: filter, maxWholeBytes: maxWholeBytes)
        } collect: { result in
            output.merge(result)
            progress?(output.stats.bytesRead)
        }
        return output
    }

    /// Reads one object: held whole when small, inflated and split as it arrives when large. A download cut
    /// short (the connection closed before the announced length) is read again from the start, twice at most.
    static func scanObject(
        s3: S3.Client, bucket: String, key: String, filter: TrailFilter, maxWholeBytes: Int, attempts: Int = 3
    ) async -> ScanOutput {
        var result = ScanOutput()
        for attempt in 1...max(1, attempts) {
            let (output, cut) = await scanObjectOnce(
                s3: s3, bucket: bucket, key: key, filter: filter, maxWholeBytes: maxWholeBytes)
            result = output
            guard cut, attempt < attempts else { break }
        }
        return result
    }

    /// One download; `cut` when the body ended early (worth another attempt).
    static func scanObjectOnce(
        s3: S3.Client, bucket: String, key: String, filter: TrailFilter, maxWholeBytes: Int
    ) async -> (ScanOutput, cut: Bool) {
        var result = ScanOutput()
        var cut = false
        let name = "s3://\(bucket)/\(key)"
        do {
            let response = try await s3.getObject(.init(bucket: bucket, key: key))
            let scanner = TrailBufferScanner(filter: filter, maxWholeBytes: maxWholeBytes)
            let length = response.head.header("Content-Length").flatMap { Int($0) } ?? Int.max
            if length <= scanner.maxWholeBytes / 4 {
                let bytes = try await response.body.collect(upTo: scanner.maxWholeBytes / 4)
                if length != Int.max, bytes.count < length {
                    result.stats.inputs += 1
                    result.stats.problems += 1
                    result.problems.append(
                        InputProblem(input: name, message: "the download ended after \(bytes.count) of \(length) bytes")
                    )
                    return (result, true)
                }
                bytes.withUnsafeBytes { scanner.scan($0, name: name, into: &result) }
            } else {
                // Large (or of unknown size): inflate and split as the bytes arrive.
                let stream = TrailBufferScanner.TrailStream(scanner: scanner, name: name)
                do {
                    for try await chunk in response.body {
                        chunk.withUnsafeReadableBytes { stream.consume($0, into: &result) }
                    }
                } catch {
                    stream.fail("could not be read: \(error)")
                    cut = true
                }
                stream.finish(into: &result)
            }
        } catch {
            result.stats.inputs += 1
            result.stats.problems += 1
            result.problems.append(InputProblem(input: name, message: "cannot be read: \(error)"))
            // A body that broke off is read again; a refused or missing object is not.
            cut = "\(error)".contains("body:")
        }
        return (result, cut)
    }

    // MARK: - Event history

    /// The queries that find every kind of root activity in the event history: the root user's own
    /// events (`Username` is `root` for them) and the events whose caller is not root.
    static let lookupQueries: [(String, String)] =
        [("Username", "root")] + RootEventNames.byOtherCallers.sorted().map { ("EventName", $0) }

    /// Reads root activity from CloudTrail's event history (the last 90 days) in each region.
    public func scanLookup(regions: [String]) async -> ScanOutput {
        var output = ScanOutput()
        let now = Date()
        let start = filter.since ?? now.addingTimeInterval(-90 * 86_400)
        let end = filter.until ?? now
        for region in regions {
            let name = "lookup:\(region)"
            let trail = client.cloudTrail(region: AWSRegion(region))
            output.stats.inputs += 1
            var records: [UInt8] = Array("[".utf8)
            var count = 0
            do {
                for (key, value) in Self.lookupQueries {
                    let input = CloudTrail.LookupEventsRequest(
                        lookupAttributes: [.init(attributeKey: key, attributeValue: value)], startTime: start,
                        endTime: end, maxResults: 50)
                    for try await page in trail.lookupEventsPaginator(input) {
                        for event in page.events ?? [] {
                            guard let text = event.cloudTrailEvent else { continue }
                            if count > 0 { records.append(UInt8(ascii: ",")) }
                            records += Array(text.utf8)
                            count += 1
                        }
                    }
                }
            } catch {
                output.stats.problems += 1
                output.problems.append(InputProblem(input: name, message: "LookupEvents failed: \(error)"))
                continue
            }
            records.append(UInt8(ascii: "]"))
            // The history holds the records as JSON strings: scan them like a bare array of records.
            var result = ScanOutput()
            let scanner = TrailBufferScanner(filter: filter)
            if count > 0 {
                records.withUnsafeBytes { scanner.scan($0, name: name, into: &result) }
                result.stats.inputs -= 1
            }
            output.merge(result)
        }
        return output
    }

    /// The regions enabled for the account (account:ListRegions), else the client's region.
    public func enabledRegions() async -> [String] {
        await MonitoringCollector.listEnabledRegions(client) ?? [client.configuration.region.rawValue]
    }
}
