import CRootGuardInflate

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the CloudTrail records in a JSON byte stream without decoding them.
///
/// Understands every container CloudTrail records arrive in: `{"Records":[…]}` log files, bare
/// arrays of records, one record (or EventBridge envelope) per line, and a single record. It tracks
/// only strings and nesting, so it runs at memory speed; records are decoded later and only when
/// the prefilter says they may be root activity. Input may arrive in chunks of any size: a record
/// cut by a chunk boundary is carried over (up to `maxRecordBytes`).
///
/// One bad spot does not hide the rest: in JSON lines, a line that ends inside a record is reported and
/// the split resumes at the next line; anywhere, a new `{"Records"` document starting while the previous
/// one is unfinished (concatenated files, one of them truncated) is reported and the split resumes there.
package struct RecordSplitter {
    let maxRecordBytes: Int
    /// Records seen, complete or not.
    package private(set) var records = 0
    /// The first structural problem; once set, the rest of the input is ignored.
    package private(set) var failure: String?
    /// Problems that did not stop the split (records over the size or nesting limit, resume points): the first
    /// `maxListedProblems`; `unlisted` counts the rest, so hostile input cannot grow the list without bound.
    package private(set) var skipped: [String] = []
    package private(set) var unlisted = 0
    package static let maxListedProblems = 100
    /// Deeper nesting than any CloudTrail record has (the record decoder's own limit): the record is cut here.
    package static let maxDepth = 512
    /// How deep the split is inside the current value (bounded by `maxDepth`).
    package var depth: Int { stack.count }
    /// When set, the split stops after the first record that ends beyond this offset (the caller knows nothing
    /// after it needs decoding); `stoppedAt` then says where.
    package var stopAfter: Int?
    package private(set) var stoppedAt: Int?
    /// True once a top-level `Records` array was found.
    private(set) var sawRecordsArray = false
    /// Spots where the split gave up on a broken record or document and resumed.
    private(set) var resumed = 0
    /// One complete record per line so far: a raw line break inside a record means the line was cut.
    private var linesMode = false
    /// The end of the previous chunk when it may begin a `{"Records"` document.
    private var held: [UInt8] = []
    /// A top-level record spanned several lines (pretty-printed records one after another): never lines mode.
    private var multiLine = false
    private var newlineInRecord = false
    /// In JSON lines: a raw line break inside a top-level value, not yet known to be a cut line or pretty printing.
    private var lineBreakPending = false
    /// The last byte outside strings that was not white space.
    private var lastSignificant: UInt8 = 0

    private var stack: [UInt8] = []
    private var inString = false
    private var escaped = false
    private var consumed = 0
    /// Stack depth at which an opening brace starts a record inside an array of records.
    private var recordsArrayDepth: Int?
    /// Stack depth before the brace of the record being captured, and where it started.
    private var captureDepth: Int?
    private var captureStart = 0
    private var carry: [UInt8] = []
    private var carrying = false
    private var oversized = false
    private var expectingKey = false
    private var key: [UInt8] = []
    private var capturingKey = false
    private var lastKey: [UInt8] = []

    private static let recordsKey = Array("Records".utf8)
    private static let documentMarker = Array(#"{"Records""#.utf8)

    package init(maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
        stack.reserveCapacity(64)
    }

    /// Feeds the next chunk; `emit` receives each complete record's bytes and its offset in the input.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer, Int) -> Void) {
        guard failure == nil, stoppedAt == nil, chunk.baseAddress != nil else { return }
        // The bytes held back from the previous chunk (the start of a possible `{"Records"`) go first, so that a
        // document start cut by a chunk boundary is seen exactly as in one piece.
        if !held.isEmpty {
            let combined = held + Array(chunk)
            held = []
            combined.withUnsafeBytes { split($0, final: false, emit: emit) }
        } else {
            split(chunk, final: false, emit: emit)
        }
    }

    /// Splits `chunk`; unless `final`, holds back a trailing part that may begin a `{"Records"` document.
    private mutating func split(
        _ chunk: UnsafeRawBufferPointer, final: Bool, emit: (UnsafeRawBufferPointer, Int) -> Void
    ) {
        guard failure == nil, let base = chunk.baseAddress else { return }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        // Held back until the next chunk: the start of a possible `{"Records"`, and at the very start of the input a
        // piece of a byte order mark.
        let bomPrefix =
            consumed == 0 && chunk.count < 3
            && chunk.indices.allSatisfy { chunk[$0] == [0xEF, 0xBB, 0xBF][$0] }
        let n = final ? chunk.count : bomPrefix ? 0 : chunk.count - Self.partialMarker(at: chunk)
        var i = 0
        // Where the record being captured starts in this chunk (0 when it began in an earlier one).
        var startInChunk: Int? = captureDepth != nil ? 0 : nil
        // A UTF-8 byte order mark before the first value is not data.
        if consumed == 0, n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        // Where a new `{"Records"` document starts in this chunk: resume points if the current one is broken.
        // Searched for in windows as the split advances (it may stop long before the end of the chunk): `marker` is
        // the next one, or Int.max when there is none before `searched`.
        var marker = Int.max
        var searched = 0
        func findMarker(from start: Int) {
            let window = 1 << 16
            let end = min(chunk.count, start + window + Self.documentMarker.count - 1)
            let part = UnsafeRawBufferPointer(rebasing: chunk[start..<end])
            marker = ByteSearch.firstIndex(of: Self.documentMarker, in: part).map { start + $0 } ?? Int.max
            searched = min(chunk.count, start + window)
        }
        while i < n {
            if marker < i || (marker == Int.max && i >= searched) { findMarker(from: i) }
            // A new document where the current one cannot continue: a raw `{"` cannot occur inside a JSON string
            // (the quote would be escaped), and an object can only follow `:`, `,` or `[`.
            if marker == i, !stack.isEmpty || inString,
                inString ? !escaped : ![0x3a, 0x2c, 0x5b].contains(lastSignificant)
            {
                restart(
                    "the JSON before byte \(consumed + i) is incomplete (truncated?); resumed at the next {\"Records\" document"
                )
                startInChunk = nil
            }
            let c = bytes[i]
            if inString {
                if escaped {
                    escaped = false
                    if capturingKey { appendKey(c) }
                } else if c == 0x5c {  // backslash
                    escaped = true
                    if capturingKey { appendKey(c) }
                } else if c == 0x22 {  // quote
                    inString = false
                    if capturingKey {
                        capturingKey = false
                        lastKey = key
                    }
                } else if capturingKey {
                    appendKey(c)
                } else if c == 0x0a && linesMode {
                    restart("line ending at byte \(consumed + i) holds an incomplete record; resumed at the next line")
                    startInChunk = nil
                } else {
                    // Skip ahead to the next quote or backslash (SIMD in C: strings are most of the bytes), but not
                    // past a resume point: a line break in JSON lines, or the start of a new document.
                    var next = i + 1 + rg_find_quote_or_backslash(bytes + i + 1, max(0, n - i - 1))
                    if min(marker, max(searched, i + 1)) < next { next = min(marker, max(searched, i + 1)) }
                    if linesMode, let newline = memchr(bytes + i + 1, 0x0a, next - i - 1) {
                        next = UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer(newline))
                    }
                    i = next
                    continue
                }
                i += 1
                continue
            }
            if c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09 {
                // After a line break inside a value in JSON lines: an object that cannot continue the value (not after
                // `:`, `[` or an array's `,`) means the line was cut and a new record starts here; anything else was
                // a pretty-printed document between the lines (any mix of containers reads as the files would).
                if lineBreakPending {
                    lineBreakPending = false
                    let inArray = stack.last == 0x5b
                    let canOpen =
                        lastSignificant == 0x3a || lastSignificant == 0x5b || (lastSignificant == 0x2c && inArray)
                    if c == 0x7b, !stack.isEmpty, !canOpen {
                        restart(
                            "line ending before byte \(consumed + i) holds an incomplete record; resumed at the next line"
                        )
                        startInChunk = nil
                    }
                }
                lastSignificant = c
            }
            switch c {
            case 0x22:
                inString = true
                if expectingKey && stack.count == 1 {
                    capturingKey = true
                    key.removeAll(keepingCapacity: true)
                }
            case 0x7b where stack.count >= Self.maxDepth, 0x5b where stack.count >= Self.maxDepth:
                // An unfinished structure nested past any real record (`yes '{'`): cut it, report it, resume at the
                // top level, so memory stays flat whatever the input.
                restart(
                    "value at byte \(consumed + i) is nested deeper than \(Self.maxDepth) levels; cut there and resumed"
                )
                startInChunk = nil
            case 0x7b:  // {
                let depth = stack.count
                if depth == 1, stack[0] == 0x7b, lastKey == Self.recordsKey, !expectingKey {
                    note(
                        "\"Records\" at byte \(consumed + i) is an object, not an array of records; not examined")
                }
                if depth == 0 || depth == recordsArrayDepth {
                    captureDepth = depth
                    captureStart = consumed + i
                    startInChunk = i
                    carry.removeAll(keepingCapacity: true)
                    carrying = false
                    oversized = false
                }
                stack.append(c)
                if depth == 0 { expectingKey = true }
            case 0x5b:  // [
                let depth = stack.count
                if depth == 0 {
                    recordsArrayDepth = 1
                } else if depth == 1, stack[0] == 0x7b, lastKey == Self.recordsKey {
                    // The top-level object is a log file envelope, not a record.
                    recordsArrayDepth = 2
                    sawRecordsArray = true
                    captureDepth = nil
                    startInChunk = nil
                    carry.removeAll()
                    carrying = false
                }
                stack.append(c)
            case 0x7d, 0x5d:  // } ]
                let opener: UInt8 = c == 0x7d ? 0x7b : 0x5b
                guard let top = stack.last, top == opener else {
                    failure = "malformed JSON at byte \(consumed + i): unexpected '\(Character(Unicode.Scalar(c)))'"
                    return
                }
                stack.removeLast()
                defer {
                    // A top-level value ended: the next one is a container of its own (a `{"Records"}` document
                    // followed by envelope lines, an array then a document), judged afresh.
                    if stack.isEmpty && failure == nil {
                        recordsArrayDepth = nil
                        lastKey = []
                        expectingKey = false
                    }
                }
                if let depth = captureDepth, stack.count == depth {
                    // Records one per line at the top level, not in an array: JSON lines.
                    if depth == 0, recordsArrayDepth == nil {
                        if newlineInRecord { multiLine = true }
                        linesMode = !multiLine
                    }
                    newlineInRecord = false
                    finishRecord(bytes, chunkStart: startInChunk, end: i + 1, emit: emit)
                    captureDepth = nil
                    startInChunk = nil
                    if let stop = stopAfter, consumed + i + 1 > stop {
                        stoppedAt = consumed + i + 1
                        return
                    }
                }
            case 0x2c:  // ,
                if stack.count == 1 && stack[0] == 0x7b { expectingKey = true }
            case 0x3a:  // :
                if stack.count == 1 { expectingKey = false }
            case 0x0a:
                if !stack.isEmpty { newlineInRecord = true }
                if linesMode && !stack.isEmpty { lineBreakPending = true }
            case 0x20, 0x0d, 0x09:
                break
            default:
                if stack.isEmpty {
                    failure = "not JSON records: unexpected data at byte \(consumed + i)"
                    return
                }
            }
            i += 1
        }
        // Carry an unfinished record into the next chunk.
        if captureDepth != nil, let from = startInChunk { appendCarry(bytes + from, n - from) }
        consumed += n
        if failure == nil, n < chunk.count { held = Array(UnsafeRawBufferPointer(rebasing: chunk[n...])) }
    }

    /// Call after the last chunk; returns a problem if the input ended inside a value.
    package mutating func finish() {
        if !held.isEmpty {
            let rest = held
            held = []
            rest.withUnsafeBytes { split($0, final: true) { _, _ in } }  // too short to hold a whole record
        }
        guard failure == nil else { return }
        if !stack.isEmpty || inString {
            failure = "JSON ends inside a value at byte \(consumed) (truncated?)"
        }
    }

    /// How many bytes at the end of `chunk` are a proper beginning of `{"Records"` (held back until the next chunk).
    static func partialMarker(at chunk: UnsafeRawBufferPointer) -> Int {
        let count = chunk.count
        for length in stride(from: min(documentMarker.count - 1, count), through: 1, by: -1)
        where chunk[count - length] == 0x7b {
            if (0..<length).allSatisfy({ chunk[count - length + $0] == documentMarker[$0] }) { return length }
        }
        return 0
    }

    /// Gives up on the unfinished record or document and starts afresh at the top level.
    private mutating func restart(_ message: String) {
        note(message)
        resumed += 1
        stack.removeAll(keepingCapacity: true)
        inString = false
        escaped = false
        recordsArrayDepth = nil
        captureDepth = nil
        carry.removeAll(keepingCapacity: carry.capacity <= 1 << 20)
        carrying = false
        oversized = false
        expectingKey = false
        capturingKey = false
        lastKey = []
        lastSignificant = 0
        newlineInRecord = false
        lineBreakPending = false
    }

    private mutating func note(_ message: String) {
        if skipped.count < Self.maxListedProblems {
            skipped.append(message)
        } else {
            unlisted += 1
        }
    }

    private mutating func appendKey(_ c: UInt8) {
        if key.count < 32 { key.append(c) }
    }

    private mutating func appendCarry(_ from: UnsafePointer<UInt8>, _ count: Int) {
        carrying = true
        guard !oversized else { return }
        if carry.count + count > maxRecordBytes {
            oversized = true
            carry.removeAll()
            return
        }
        carry.append(contentsOf: UnsafeBufferPointer(start: from, count: count))
    }

    private mutating func finishRecord(
        _ bytes: UnsafePointer<UInt8>, chunkStart: Int?, end: Int, emit: (UnsafeRawBufferPointer, Int) -> Void
    ) {
        records += 1
        let start = chunkStart ?? 0
        if carrying {
            appendCarry(bytes + start, end - start)
            if !oversized { carry.withUnsafeBytes { emit($0, captureStart) } }
        } else if end - start > maxRecordBytes {
            oversized = true
        } else {
            emit(UnsafeRawBufferPointer(start: bytes + start, count: end - start), captureStart)
        }
        if oversized {
            note(
                "record at byte \(captureStart) is larger than \(maxRecordBytes / 1_048_576) MiB; not examined")
        }
        carry.removeAll(keepingCapacity: carry.capacity <= 1 << 20)
        carrying = false
        oversized = false
    }
}
