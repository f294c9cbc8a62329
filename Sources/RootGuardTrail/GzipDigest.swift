import Crypto

/// The SHA-256 of a gzip file's first member, inflated as its bytes stream in — what `aws cloudtrail validate-logs`
/// hashes — with the inflated size bounded, so a file anyone with write access to the bucket could have replaced (a
/// gzip bomb, a file of another format) costs neither unbounded memory nor unbounded time. Memory is one 64 KiB
/// buffer, plus the inflated content when it is kept (digests, up to the limit).
public final class GzipDigest {
    public enum Outcome: Sendable, Equatable {
        /// The first member inflated: its SHA-256 (hex), its size, the bytes after it that are not zero padding
        /// (another member, appended data) and the content when it was kept.
        case content(sha256: String, size: Int, trailing: Int, kept: [UInt8]?)
        /// Not gzip at all (an uncompressed copy, another format).
        case notGzip
        /// gzip that does not inflate (corrupt, or ends before its member does).
        case corrupt(String)
        /// It inflates past the limit.
        case tooLarge(limit: Int)
    }

    private var inflater: StreamInflater?
    private var hasher = SHA256()
    private var head: [UInt8] = []
    private var size = 0
    private var trailing = 0
    private var memberDone = false
    private var failure: Outcome?
    private var kept: [UInt8]?
    private let limit: Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    /// `limit`: the most inflated bytes accepted; `keep`: whether the inflated content is returned.
    public init(limit: Int, keep: Bool = false) {
        self.limit = limit
        kept = keep ? [] : nil
    }

    /// The outcome for a whole object in memory.
    public static func of(_ bytes: [UInt8], limit: Int, keep: Bool = false) -> Outcome {
        let digest = GzipDigest(limit: limit, keep: keep)
        bytes.withUnsafeBytes { digest.feed($0) }
        return digest.finish()
    }

    /// True once the file inflated past the limit (feeding more is pointless).
    public var exceeded: Bool { if case .tooLarge = failure { true } else { false } }

    /// Feeds the next bytes of the file.
    public func feed(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil, chunk.count > 0 else { return }
        var input = chunk
        if inflater == nil {
            // The magic number may straddle two chunks.
            if head.count < 2 {
                let take = min(2 - head.count, input.count)
                head += input[0..<take]
                if head.count < 2 { return }
                guard head == [0x1f, 0x8b] else {
                    failure = .notGzip
                    return
                }
                let started = StreamInflater()
                inflater = started
                head.withUnsafeBytes { step(started, $0) }
                input = UnsafeRawBufferPointer(rebasing: input[take...])
            }
        }
        guard let inflater else { return }
        step(inflater, input)
    }

    private func step(_ inflater: StreamInflater, _ chunk: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < chunk.count, failure == nil {
            if memberDone {
                // What follows the first member: only zero padding is nothing.
                for byte in chunk[offset...] where byte != 0 { trailing += 1 }
                return
            }
            let rest = UnsafeRawBufferPointer(rebasing: chunk[offset...])
            // The output written before an error counts first, so the outcome does not depend on where the
            // input was cut (found by the log-integrity fuzz target: a bad CRC after the limit was passed).
            let (used, produced, bad) = buffer.withUnsafeMutableBytes { inflater.inflateCounting(rest, into: $0) }
            defer { if bad && failure == nil { failure = .corrupt("does not inflate") } }
            offset += used
            if produced > 0 {
                size += produced
                guard size <= limit else {
                    failure = .tooLarge(limit: limit)
                    return
                }
                buffer.withUnsafeBytes {
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<produced]))
                }
                kept? += buffer[0..<produced]
            }
            if bad { return }
            if inflater.finished { memberDone = true }
            if used == 0 && produced == 0 && !memberDone { break }
        }
    }

    /// The outcome once every byte was fed.
    public func finish() -> Outcome {
        if let failure { return failure }
        guard inflater != nil else { return head.isEmpty ? .corrupt("is empty") : .notGzip }
        guard memberDone else { return .corrupt("ends before its gzip member does") }
        let hash = hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
        }.joined()
        return .content(sha256: hash, size: size, trailing: trailing, kept: kept)
    }
}
