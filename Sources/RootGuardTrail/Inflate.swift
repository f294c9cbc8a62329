import CRootGuardInflate

/// Which inflater whole-buffer gzip decompression uses in this process.
public enum Inflater {
    /// "libdeflate" when `libdeflate.so.0` could be loaded (and `ROOTGUARD_INFLATE` is not `zlib`), else "zlib".
    public static var name: String { rg_have_libdeflate() != 0 ? "libdeflate" : "zlib" }
}

/// Errors the inflaters report; the scanner turns them into one line per input.
enum InflateError: Error, Equatable {
    case corrupt
    case truncated
    case outOfMemory
}

/// Whole-buffer gzip inflation, one per worker thread (libdeflate's decompressor is not thread-safe).
final class WholeInflater {
    private let handle: OpaquePointer

    init() {
        guard let handle = rg_whole_new() else { fatalError("out of memory allocating an inflater") }
        self.handle = handle
    }

    deinit { rg_whole_free(handle) }

    enum Outcome {
        case inflated(Int)
        /// The declared size was wrong or more than one gzip member follows: use a stream.
        case needsStreaming
    }

    func gunzip(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Outcome {
        var produced = 0
        let status = rg_whole_gunzip(
            handle, input.baseAddress, input.count, output.baseAddress, output.count, &produced)
        switch Int(status) {
        case Int(RG_OK): return .inflated(produced)
        case Int(RG_SHORT_OUTPUT): return .needsStreaming
        case Int(RG_TRUNCATED): throw InflateError.truncated
        case Int(RG_NO_MEMORY): throw InflateError.outOfMemory
        default: throw InflateError.corrupt
        }
    }
}

/// Streaming gzip inflation (zlib), for standard input, objects read in pieces and very large files.
final class StreamInflater {
    private let handle: OpaquePointer
    private(set) var finished = false

    init() {
        guard let handle = rg_stream_new() else { fatalError("out of memory allocating an inflater") }
        self.handle = handle
    }

    deinit { rg_stream_free(handle) }

    /// Inflates as much of `input` as fits in `output`; returns (consumed, produced) and whether the data is bad —
    /// the output written before the error is counted too (a bad CRC comes after the member's last output).
    func inflateCounting(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> (
        used: Int, produced: Int, bad: Bool
    ) {
        var used = 0
        var produced = 0
        var done: Int32 = 0
        let status = rg_stream_inflate(
            handle, input.baseAddress, input.count, &used, output.baseAddress, output.count, &produced, &done)
        finished = done != 0
        return (used, produced, Int(status) != Int(RG_OK))
    }

    /// Inflates as much of `input` as fits in `output`; returns (consumed, produced).
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> (Int, Int) {
        var used = 0
        var produced = 0
        var done: Int32 = 0
        let status = rg_stream_inflate(
            handle, input.baseAddress, input.count, &used, output.baseAddress, output.count, &produced, &done)
        if Int(status) != Int(RG_OK) { throw InflateError.corrupt }
        finished = done != 0
        return (used, produced)
    }
}

/// True when the bytes start with the gzip magic number.
func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// The uncompressed size a single-member gzip file declares in its trailer (modulo 2^32).
func gzipDeclaredSize(_ bytes: UnsafeRawBufferPointer) -> Int {
    guard bytes.count >= 18 else { return 0 }
    let n = bytes.count
    return Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
}
