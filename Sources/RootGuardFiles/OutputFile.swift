import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files rootguard writes (snapshots, reports): the path's symbolic links are followed to the real target, a
/// target that exists must be a regular file, and the bytes go to a temporary file beside it that is renamed
/// over it (readers never see half a file).
public enum OutputFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The real path to write, after refusing what must not be replaced or cannot be written.
    public static func check(_ path: String) throws -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var info = stat()
        if lstat(resolved, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw Failure(description: "\(path): not a regular file; refusing to replace it")
            }
            guard access(resolved, W_OK) == 0 else { throw Failure(description: "\(path): not writable") }
        } else {
            let folder = (resolved as NSString).deletingLastPathComponent
            guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
                throw Failure(description: "\(path): the folder does not exist or is not writable")
            }
        }
        return resolved
    }

    /// Writes `data` to `path` atomically (a temporary file beside it, renamed over it). An existing file keeps its
    /// mode and owner (a 0600 report stays 0600, also through a link); a new one gets `newFileMode` (nil: 0666 less
    /// the umask, as other tools create files).
    public static func write(_ data: Data, to path: String, newFileMode: mode_t? = nil) throws {
        try stream(to: path, newFileMode: newFileMode) { writer in
            try data.withUnsafeBytes { try writer.write($0) }
        }
    }

    /// Writes through `body` what may be too large to hold (a report of 300,000 detections), with the same
    /// guarantees as `write`: the file appears whole, by rename, or not at all.
    public static func stream(
        to path: String, newFileMode: mode_t? = nil, _ body: (inout Writer) throws -> Void
    ) throws {
        let target = try check(path)
        func fail(_ what: String) -> Failure {
            Failure(description: "\(path): cannot write: \(what): \(String(cString: strerror(errno)))")
        }
        var existing = stat()
        let exists = stat(target, &existing) == 0
        let folder = (target as NSString).deletingLastPathComponent
        var template = Array(((folder.isEmpty ? "." : folder) + "/.rootguard-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw fail("cannot create a temporary file beside it") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            let mode: mode_t
            if exists {
                mode = existing.st_mode & 0o7777
                // Keep the owner where we may (root, or the same owner: then this changes nothing).
                _ = fchown(descriptor, existing.st_uid, existing.st_gid)
            } else if let newFileMode {
                mode = newFileMode
            } else {
                let mask = umask(0)
                umask(mask)
                mode = 0o666 & ~mask
            }
            guard fchmod(descriptor, mode) == 0 else { throw fail("cannot set its mode") }
            var writer = Writer(descriptor: descriptor, path: path)
            try body(&writer)
            try writer.flush()
            guard fsync(descriptor) == 0 else { throw fail("cannot flush it") }
        }
        guard rename(temporary, target) == 0 else { throw fail("cannot replace it") }
        renamed = true
    }

    /// Buffered writes to the temporary file (1 MiB at a time).
    public struct Writer {
        let descriptor: Int32
        let path: String
        private var buffer: [UInt8] = []

        init(descriptor: Int32, path: String) {
            self.descriptor = descriptor
            self.path = path
            buffer.reserveCapacity(1 << 20)
        }

        public mutating func write(_ text: String) throws {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 20 { try flush() }
        }

        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
            try flush()
            try Self.write(bytes, to: descriptor, path: path)
        }

        mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            try buffer.withUnsafeBytes { try Self.write($0, to: descriptor, path: path) }
            buffer.removeAll(keepingCapacity: true)
        }

        static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(
                        description: "\(path): cannot write: write failed: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }
}
