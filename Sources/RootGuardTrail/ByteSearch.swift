import CRootGuardInflate

/// The byte-level prefilter (C, `rg_scan`): a record that contains none of these cannot be root activity.
///
/// It only has to be fast and never miss. A root record carries the JSON token `"Root"` as its
/// `userIdentity.type` (whatever the whitespace or key order around it), the AssumeRoot call carries
/// `AssumeRoot"`: both end in `Root"`. Root password recovery and primary e-mail changes are matched
/// by name because their identity type is not documented. A JSON writer may spell any of these
/// letters as a `\u00XX` escape, so a record holding an escape of an ASCII letter or digit is
/// decoded too (real CloudTrail writers escape only punctuation, so this costs nothing in practice).
enum Prefilter {
    /// True when `bytes` may hold a root record.
    static func mayMatch(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var records = 0
        return rg_scan(bytes.baseAddress, bytes.count, &records) != 0
    }
}

enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `bytes` at or after `start` (libc memmem).
    static func firstIndex(of needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        return needle.withUnsafeBytes { n -> Int? in
            guard let hit = rg_memmem(base + start, bytes.count - start, n.baseAddress, n.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// The first and last non-whitespace bytes.
    static func ends(_ bytes: UnsafeRawBufferPointer) -> (first: UInt8, last: UInt8)? {
        var i = 0
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        var j = bytes.count - 1
        while j > i, isSpace(bytes[j]) { j -= 1 }
        guard i < bytes.count else { return nil }
        return (bytes[i], bytes[j])
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09 }
}
