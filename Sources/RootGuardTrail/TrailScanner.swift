import CRootGuardInflate
import Foundation
import RootGuardModel

#if canImport(Glibc)
    import Glibc
#endif

/// What limits a scan: time window, accounts and regions (each optional).
public struct TrailFilter: Sendable {
    public var since: Date?
    public var until: Date?
    public var accounts: Set<AccountID>
    public var regions: Set<String>
    /// Keep each root-relevant record whole (not only its detections): `respond` writes a session's records as
    /// evidence and reads what the session left behind from them.
    public var keepRecords = false

    public init(
        since: Date? = nil, until: Date? = nil, accounts: Set<AccountID> = [], regions: Set<String> = [],
        keepRecords: Bool = false
    ) {
        self.since = since
        self.until = until
        self.accounts = accounts
        self.regions = regions
        self.keepRecords = keepRecords
    }

    /// True when nothing is filtered.
    public var isEmpty: Bool { since == nil && until == nil && accounts.isEmpty && regions.isEmpty }

    /// True when no account filter is set or `account` (as a log or key names it) is one of the filter's.
    public func includes(account: String) -> Bool {
        accounts.isEmpty || AccountID(rawValue: account).map(accounts.contains) == true
    }

    /// True when the record is inside the filter.
    public func admits(_ event: CloudTrailEvent) -> Bool {
        if !accounts.isEmpty {
            let target = Detector.targetAccount(event)
            guard includes(account: event.accountId) || target.map(includes(account:)) == true else { return false }
        }
        if !regions.isEmpty, !regions.contains(event.region) { return false }
        if since != nil || until != nil {
            // A record whose time is unknown may be inside the window: it is kept (and reported), never dropped.
            guard let time = event.eventTime else { return true }
            if let since, time < since { return false }
            if let until, time > until { return false }
        }
        return true
    }
}

/// One input that could not be read completely, as one line for the user.
public struct InputProblem: Sendable, Codable, Equatable {
    public var input: String
    public var message: String

    public init(input: String, message: String) {
        self.input = input
        self.message = message
    }
}

/// Counters for `--stats` and the JSON summary.
public struct ScanStats: Sendable, Codable, Equatable {
    public var inputs = 0
    /// Bytes read (compressed size for `.gz`).
    public var bytesRead = 0
    /// Bytes of JSON after inflation.
    public var jsonBytes = 0
    /// Records: counted exactly where the file was split, by `"eventID"` keys elsewhere.
    public var records = 0
    /// Records decoded because the prefilter could not rule them out.
    public var decoded = 0
    /// Records kept for classification (root, AssumeRoot, recovery, e-mail), duplicates included.
    public var relevant = 0
    public var duplicates = 0
    public var digestsSkipped = 0
    public var outsideFilter = 0
    public var problems = 0
    public var seconds = 0.0

    public init() {}

    mutating func add(_ other: ScanStats) {
        inputs += other.inputs
        bytesRead += other.bytesRead
        jsonBytes += other.jsonBytes
        records += other.records
        decoded += other.decoded
        relevant += other.relevant
        duplicates += other.duplicates
        digestsSkipped += other.digestsSkipped
        outsideFilter += other.outsideFilter
        problems += other.problems
    }
}

/// What a scan found before analysis: the relevant records, the counters and the problems.
public struct ScanOutput: Sendable {
    /// The root-relevant records, each reduced to its detections as soon as it is decoded.
    public var records: [ScannedRecord] = []
    public var stats = ScanStats()
    public var problems: [InputProblem] = []

    public init() {}

    /// Adds a decoded root-relevant record.
    public mutating func add(_ event: CloudTrailEvent, keep: Bool = false) {
        records.append(ScannedRecord(event, keep: keep))
    }

    /// The kept records (`TrailFilter.keepRecords`), each delivery once.
    public func keptRecords() -> [CloudTrailEvent] {
        var seen = Set<String>()
        return records.compactMap { record in
            guard let event = record.event else { return nil }
            if let key = record.duplicateKey, !seen.insert(key).inserted { return nil }
            return event
        }
    }

    public mutating func merge(_ other: ScanOutput) {
        records += other.records
        stats.add(other.stats)
        problems += other.problems
    }
}

/// A root-relevant record reduced at once to what the analysis needs: its detections (AWS service events included;
/// the analysis drops them unless asked), the key that finds identical deliveries, and whether its time could be read.
/// A scan of 300,000 root records holds their detections, not 300,000 decoded JSON trees.
public struct ScannedRecord: Sendable {
    public var eventID: String
    public var source: String
    /// Account, eventID, time text and name: CloudTrail delivers some records twice, identical (nil without eventID).
    public var duplicateKey: String?
    public var detections: [Detection]
    /// Why the record's time could not be read, when it could not.
    public var timeProblem: String?
    /// The whole record, when the scan keeps them (`TrailFilter.keepRecords`).
    public var event: CloudTrailEvent?

    public init(_ event: CloudTrailEvent, keep: Bool = false) {
        if keep { self.event = event }
        eventID = event.eventID
        source = event.source
        // Time and name are part of the key because synthetic sets reuse event IDs.
        duplicateKey =
            event.eventID.isEmpty
            ? nil : [event.accountId, event.eventID, event.eventTimeText, event.eventName].joined(separator: "/")
        detections = Detector.detections(for: event, includeServiceEvents: true)
        if event.eventTime == nil, Detector.isRelevant(event) {
            timeProblem =
                "record \(event.eventID.isEmpty ? "(no eventID)" : event.eventID): \(event.has("eventTime") || event.has("@timestamp") ? "eventTime '\(event.eventTimeText.prefix(40))' is not a time" : "no eventTime"); analysed with its time unknown (shown at 1970-01-01T00:00:00Z, detail timeUnknown)"
        }
    }
}

/// Reads CloudTrail inputs and keeps the records that may be root activity.
///
/// Per input: inflate the whole object (libdeflate when present), look for the prefilter's byte
/// patterns, and only when one occurs split the JSON into records and decode those that contain
/// one. Memory stays bounded: buffers are reused per worker, inputs larger than
/// `maxWholeBytes` are streamed, and no record over `maxRecordBytes` is held.
public final class TrailBufferScanner {
    public let filter: TrailFilter
    public let maxWholeBytes: Int
    public let maxRecordBytes: Int
    private let whole = WholeInflater()
    private var hits = [Int](repeating: 0, count: 4096)
    /// The inflated bytes of the current input: grown by doubling, never zero-filled, reused for every input.
    private var output = LargeBuffer()
    private static let digestKey = Array(#""digestStartTime""#.utf8)
    private static let recordsKey = Array(#""Records""#.utf8)

    public init(filter: TrailFilter, maxWholeBytes: Int = 64 << 20, maxRecordBytes: Int = 16 << 20) {
        self.filter = filter
        self.maxWholeBytes = maxWholeBytes
        self.maxRecordBytes = maxRecordBytes
    }

    deinit { output.release() }

    /// Scans one input held in memory (a file's bytes, an S3 object), gzip or plain.
    public func scan(_ input: UnsafeRawBufferPointer, name: String, into result: inout ScanOutput) {
        result.stats.inputs += 1
        result.stats.bytesRead += input.count
        guard isGzip(input) else {
            scanJSON(input, name: name, into: &result)
            return
        }
        let declared = gzipDeclaredSize(input)
        if declared <= maxWholeBytes {
            // Exactly the declared size: a member that inflates to more is not what its trailer says (or more members
            // follow), and is streamed instead.
            let capacity = max(declared, 1)
            let buffer = output.reserve(capacity)
            do {
                let outcome = try whole.gunzip(
                    input, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<capacity]))
                if case .inflated(let count) = outcome {
                    scanJSON(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), name: name, into: &result)
                    if buffer.count > 8 << 20 { output.release() }  // give a large buffer back
                    return
                }
            } catch {
                problem(name, Self.describe(error as? InflateError ?? .corrupt), into: &result)
                return
            }
        }
        // Large, multi-member or mis-declared: stream it.
        var offset = 0
        scanStream(name: name, into: &result, countBytes: false) { buffer in
            let count = min(buffer.count, input.count - offset)
            if count > 0 {
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + count)]))
            }
            offset += count
            return count
        }
    }

    /// Scans an input read piece by piece (standard input, a file too large to hold).
    /// `read` fills the buffer and returns the byte count, 0 at the end.
    public func scanStream(
        name: String, into result: inout ScanOutput, countBytes: Bool = true,
        read: (UnsafeMutableRawBufferPointer) throws -> Int
    ) {
        let stream = TrailStream(scanner: self, name: name, countBytes: countBytes)
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { input.deallocate() }
        while true {
            let count: Int
            do {
                count = try read(input)
            } catch {
                stream.fail("could not be read: \(error)")
                break
            }
            if count == 0 { break }
            stream.consume(UnsafeRawBufferPointer(rebasing: input[0..<count]), into: &result)
        }
        stream.finish(into: &result)
    }

    /// A stream being scanned: gzip or plain JSON arriving in chunks of any size.
    public final class TrailStream {
        let scanner: TrailBufferScanner
        let name: String
        let countBytes: Bool
        private var splitter: RecordSplitter
        private var inflater: StreamInflater?
        private var decided = false
        private var sawData = false
        private var failure: String?
        private let inflated = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        /// Compressed bytes seen before this chunk, and where the current gzip member began.
        private var compressedOffset = 0
        private var memberStart = 0
        /// After a corrupt member: looking for the next gzip header.
        private var resyncing = false

        public init(scanner: TrailBufferScanner, name: String, countBytes: Bool = true) {
            self.scanner = scanner
            self.name = name
            self.countBytes = countBytes
            splitter = RecordSplitter(maxRecordBytes: scanner.maxRecordBytes)
        }

        deinit { inflated.deallocate() }

        /// Stops the stream with a problem (reported by `finish`).
        public func fail(_ message: String) {
            if failure == nil { failure = message }
        }

        public func consume(_ chunk: UnsafeRawBufferPointer, into result: inout ScanOutput) {
            guard failure == nil, chunk.count > 0 else { return }
            if countBytes { result.stats.bytesRead += chunk.count }
            if !decided {
                decided = true
                if isGzip(chunk) { inflater = StreamInflater() }
            }
            sawData = true
            guard inflater != nil else {
                result.stats.jsonBytes += chunk.count
                scanner.feed(&splitter, chunk, name: name, into: &result)
                return
            }
            var offset = 0
            defer { compressedOffset += chunk.count }
            while offset < chunk.count {
                if resyncing {
                    // The next member's header: 1f 8b 08 (deflate).
                    guard let next = Self.gzipHeader(in: chunk, from: offset) else { return }
                    resyncing = false
                    self.inflater = StreamInflater()
                    memberStart = compressedOffset + next
                    offset = next
                    continue
                }
                do {
                    let (used, produced) = try self.inflater!.inflate(
                        UnsafeRawBufferPointer(rebasing: chunk[offset...]), into: inflated)
                    offset += used
                    // A member ended here: the next one starts at this byte.
                    if self.inflater!.finished { memberStart = compressedOffset + offset }
                    if produced > 0 {
                        result.stats.jsonBytes += produced
                        scanner.feed(
                            &splitter, UnsafeRawBufferPointer(rebasing: inflated[0..<produced]), name: name,
                            into: &result)
                    }
                    if used == 0 && produced == 0 { break }
                } catch {
                    // One corrupt or cut member must not hide the members after it (`cat a.gz b.gz | rootguard trail -`).
                    scanner.problem(
                        name,
                        "\(TrailBufferScanner.describe(error as? InflateError ?? .corrupt)) in the gzip member at byte \(memberStart); resuming at the next member",
                        into: &result)
                    resyncing = true
                    // The next header lies after the start of the member that failed (zlib may have read past it).
                    offset = min(max(0, memberStart + 1 - compressedOffset), chunk.count)
                }
            }
        }

        /// The offset of the next gzip header (1f 8b 08) at or after `from`.
        static func gzipHeader(in chunk: UnsafeRawBufferPointer, from: Int) -> Int? {
            guard from < chunk.count else { return nil }
            return ByteSearch.firstIndex(of: [0x1f, 0x8b, 0x08], in: chunk, from: from)
        }

        public func finish(into result: inout ScanOutput) {
            if countBytes { result.stats.inputs += 1 }
            if failure == nil, let inflater, !inflater.finished || resyncing {
                if resyncing {
                    scanner.problem(name, "no further gzip member after the corrupt one", into: &result)
                } else {
                    failure = TrailBufferScanner.describe(.truncated)
                }
            }
            if let failure {
                scanner.problem(name, failure, into: &result)
                return
            }
            guard sawData else {
                scanner.problem(name, "is empty", into: &result)
                return
            }
            splitter.finish()
            scanner.finishSplit(splitter, name: name, into: &result)
        }
    }

    // MARK: - JSON

    private func scanJSON(_ whole: UnsafeRawBufferPointer, name: String, into result: inout ScanOutput) {
        result.stats.jsonBytes += whole.count
        // A UTF-8 byte order mark is not data.
        let bom = whole.count >= 3 && whole[0] == 0xEF && whole[1] == 0xBB && whole[2] == 0xBF
        let json = bom ? UnsafeRawBufferPointer(rebasing: whole[3...]) : whole
        guard let (first, last) = ByteSearch.ends(json) else {
            problem(name, "is empty", into: &result)
            return
        }
        var records = 0
        let hitCount = hits.withUnsafeMutableBufferPointer {
            rg_scan_hits(json.baseAddress, json.count, &records, $0.baseAddress, $0.count)
        }
        if hitCount > 0 {
            // Decode only the records that hold a hit (all records that may, when the list overflowed).
            var splitter = RecordSplitter(maxRecordBytes: maxRecordBytes)
            let known = hitCount <= hits.count ? Array(hits[0..<hitCount]) : nil
            // Records after the one holding the last hit need no decoding: the split stops there, and the rest is
            // treated as a file without hits (records counted, end checked).
            splitter.stopAfter = known?.last
            feed(&splitter, json, name: name, into: &result, hits: known)
            guard let stop = splitter.stoppedAt, stop < json.count else {
                splitter.finish()
                finishSplit(splitter, name: name, into: &result)
                return
            }
            var tailRecords = 0
            _ = rg_scan(json.baseAddress! + stop, json.count - stop, &tailRecords)
            result.stats.records += splitter.records + tailRecords
            reportSkipped(splitter, name: name, into: &result)
            if let failure = splitter.failure {
                problem(name, failure, into: &result)
            } else if !Self.closesProperly(json, first: first, last: last) {
                problem(name, "JSON ends early (truncated?): last byte is not a closing bracket", into: &result)
            }
            return
        }
        // Nothing in this input can be root activity; check only that it is whole CloudTrail JSON.
        if records == 0, ByteSearch.firstIndex(of: Self.digestKey, in: json) != nil {
            result.stats.digestsSkipped += 1
            return
        }
        guard Self.closesProperly(json, first: first, last: last) else {
            let message =
                first == 0x7b || first == 0x5b
                ? "JSON ends early (truncated?): last byte is not a closing bracket" : "is not JSON"
            problem(name, message, into: &result)
            return
        }
        if records == 0, !Self.isEmptyLog(json) {
            // No `"eventID"` key: records of eventVersion 1.0 have none. Recognise them by the fields every
            // CloudTrail record has instead (only these inputs pay for the split).
            records = Self.countRecordsByFields(json)
            guard records > 0 else {
                problem(name, "is not CloudTrail JSON (no records)", into: &result)
                return
            }
        }
        result.stats.records += records
    }

    fileprivate func feed(
        _ splitter: inout RecordSplitter, _ bytes: UnsafeRawBufferPointer, name: String, into result: inout ScanOutput,
        hits: [Int]? = nil
    ) {
        var nextHit = 0
        splitter.feed(bytes) { record, offset in
            if let hits {
                // Hits are sorted offsets into the same bytes the records come from.
                while nextHit < hits.count, hits[nextHit] < offset { nextHit += 1 }
                guard nextHit < hits.count, hits[nextHit] < offset + record.count else { return }
            } else {
                guard Prefilter.mayMatch(record) else { return }
            }
            result.stats.decoded += 1
            let json: JSONValue
            do {
                json = try RecordParser.parse(record)
            } catch {
                result.problems.append(
                    InputProblem(input: name, message: "record at byte \(offset) is not valid JSON (\(error))"))
                result.stats.problems += 1
                return
            }
            if case .object(let object) = json, case .array(let nested)? = object["Records"] {
                // A whole `{"Records":[…]}` document inside an unfinished one (concatenated files, the first cut
                // short after a comma): its records are examined, and the cut is reported.
                result.problems.append(
                    InputProblem(
                        input: name,
                        message:
                            "a {\"Records\" document at byte \(offset) starts inside an unfinished one (truncated input?); its \(nested.count) records were read"
                    ))
                result.stats.problems += 1
                result.stats.records += nested.count - 1
                for record in nested { examine(record, offset: offset, name: name, into: &result) }
                return
            }
            examine(json, offset: offset, name: name, into: &result)
        }
    }

    /// Keeps a decoded record when it is root-relevant and inside the filter; a record that looks like one but
    /// lacks the fields every CloudTrail record has is reported, not dropped in silence.
    private func examine(_ json: JSONValue, offset: Int, name: String, into result: inout ScanOutput) {
        guard let event = CloudTrailEvent(json: json, source: name) else {
            guard case .object(let object) = json else { return }
            if object["digestStartTime"] != nil {
                result.stats.digestsSkipped += 1
            } else if object["userIdentity"] != nil || object["eventName"] != nil || object["eventSource"] != nil {
                let missing = object["eventName"] == nil ? "eventName" : "eventTime"
                result.problems.append(
                    InputProblem(
                        input: name,
                        message: "record at byte \(offset) has no \(missing); not a CloudTrail record, not analysed"))
                result.stats.problems += 1
            }
            return
        }
        guard Detector.isRelevant(event) else { return }
        guard filter.admits(event) else {
            result.stats.outsideFilter += 1
            return
        }
        result.stats.relevant += 1
        result.add(event, keep: filter.keepRecords)
    }

    fileprivate func finishSplit(_ splitter: RecordSplitter, name: String, into result: inout ScanOutput) {
        result.stats.records += splitter.records
        reportSkipped(splitter, name: name, into: &result)
        if let failure = splitter.failure {
            problem(name, failure, into: &result)
        } else if splitter.records == 0, !splitter.sawRecordsArray {
            problem(name, "is not CloudTrail JSON (no records)", into: &result)
        }
    }

    /// The split's own problems; past the listed ones, one line says how many more there were (each is counted).
    private func reportSkipped(_ splitter: RecordSplitter, name: String, into result: inout ScanOutput) {
        for message in splitter.skipped { problem(name, message, into: &result) }
        if splitter.unlisted > 0 {
            result.problems.append(
                InputProblem(
                    input: name,
                    message:
                        "\(splitter.unlisted) further problems like the ones above (only the first \(RecordSplitter.maxListedProblems) are listed)"
                ))
            result.stats.problems += splitter.unlisted
        }
    }

    fileprivate func problem(_ name: String, _ message: String, into result: inout ScanOutput) {
        result.problems.append(InputProblem(input: name, message: message))
        result.stats.problems += 1
    }

    /// A check of a whole input's ends, for inputs not split record by record: an object or array closes with its own
    /// bracket, and a `{"Records":[` log file with `]}` (a file cut just after a record's `}` is caught too).
    static func closesProperly(_ json: UnsafeRawBufferPointer, first: UInt8, last: UInt8) -> Bool {
        if first == 0x5b { return last == 0x5d }
        guard first == 0x7b, last == 0x7d else { return false }
        // Only `{ "Records" : [` at the very start makes the input a log file whose end is known.
        var i = 1
        func skipSpace() { while i < json.count, ByteSearch.isSpace(json[i]) { i += 1 } }
        skipSpace()
        let key = Self.recordsKey
        guard i + key.count < json.count, json[i..<(i + key.count)].elementsEqual(key) else { return true }
        i += key.count
        skipSpace()
        guard i < json.count, json[i] == 0x3a else { return true }
        i += 1
        skipSpace()
        guard i < json.count, json[i] == 0x5b else { return true }
        var j = json.count - 1
        while j > 0, ByteSearch.isSpace(json[j]) { j -= 1 }
        j -= 1
        while j > 0, ByteSearch.isSpace(json[j]) { j -= 1 }
        return json[j] == 0x5d
    }

    /// The records in `json` that carry CloudTrail's required fields (eventVersion, eventSource, eventName, eventTime),
    /// bare or in an EventBridge envelope.
    static func countRecordsByFields(_ json: UnsafeRawBufferPointer) -> Int {
        var splitter = RecordSplitter(maxRecordBytes: 16 << 20)
        var count = 0
        splitter.feed(json) { record, _ in
            guard let value = try? RecordParser.parse(record), CloudTrailEvent.hasRequiredFields(value) else { return }
            count += 1
        }
        splitter.finish()
        return count
    }

    private static func isEmptyLog(_ json: UnsafeRawBufferPointer) -> Bool {
        let compact = json.filter { !ByteSearch.isSpace($0) }
        return compact == Array(#"{"Records":[]}"#.utf8) || compact == Array("[]".utf8)
    }

    static func describe(_ error: InflateError) -> String {
        switch error {
        case .corrupt: return "corrupt gzip data"
        case .truncated: return "gzip data ends early (truncated file?)"
        case .outOfMemory: return "out of memory while inflating"
        }
    }
}

/// A reusable buffer for whole inputs: mapped once in 2 MiB steps, grown by doubling, never zero-filled by rootguard.
/// Only the pages the largest input reaches are ever touched. (Transparent huge pages were measured and left out:
/// in this VM, zeroing whole 2 MiB pages on first touch cost more than the 4 KiB faults they save.)
package struct LargeBuffer {
    private var base: UnsafeMutableRawPointer?
    private var size = 0
    private static let step = 2 << 20

    package init() {}

    /// At least `capacity` bytes (the previous contents are not kept when it grows).
    package mutating func reserve(_ capacity: Int) -> UnsafeMutableRawBufferPointer {
        if capacity > size {
            release()
            let wanted = max(capacity, 2 * size, Self.step)
            let rounded = (wanted + Self.step - 1) / Self.step * Self.step
            guard let mapped = mmap(nil, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                mapped != MAP_FAILED
            else { fatalError("out of memory mapping \(rounded) bytes") }
            base = mapped
            size = rounded
        }
        return UnsafeMutableRawBufferPointer(start: base, count: size)
    }

    /// Unmaps the buffer (it is mapped again when next needed).
    package mutating func release() {
        if let base { munmap(base, size) }
        base = nil
        size = 0
    }
}
