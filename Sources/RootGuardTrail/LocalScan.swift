import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file to scan: the path as the file system knows it (any bytes; Linux file names need not be UTF-8) and the
/// same path for people, where a byte that is not UTF-8 reads `\xNN`.
public struct LocalFile: Sendable, Hashable {
    /// The path's bytes, as the folder listing returned them (opened by these, never by `path`).
    public let bytes: [UInt8]
    /// The path for reports and messages.
    public let path: String
    /// The size the walk saw, when known.
    public let size: Int

    public init(bytes: [UInt8], size: Int) {
        self.bytes = bytes
        self.path = Self.display(bytes)
        self.size = size
    }

    public init(path: String, size: Int = -1) {
        self.init(bytes: Array(path.utf8), size: size)
    }

    /// Opens the file by its bytes.
    func open(_ flags: Int32) -> Int32 {
        (bytes + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { Glibc.open($0.baseAddress!, flags) }
        }
    }

    /// UTF-8 as it is; any byte that does not begin a valid UTF-8 sequence is written `\xNN`.
    static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var result = ""
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let length =
                lead < 0x80
                ? 1
                : lead >= 0xC2 && lead <= 0xDF
                    ? 2
                    : lead >= 0xE0 && lead <= 0xEF
                        ? 3
                        : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
            if length > 0, i + length <= bytes.count,
                let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self)
            {
                result += scalar
                i += length
            } else {
                result += "\\x" + String(lead, radix: 16, uppercase: true)
                i += 1
            }
        }
        return result
    }
}

/// Finds the CloudTrail files under the paths given and scans them on several threads.
public enum LocalScan {
    /// The files to read: every path given as a file, and under each directory every CloudTrail-looking file
    /// (`isLogName`) outside integrity-digest folders. Where the tree follows CloudTrail's layout, folders of other
    /// accounts, regions and days are not entered. Symbolic links are followed, but a folder is entered once
    /// (a link back to a parent is reported, not walked forever); FIFOs, sockets and devices are reported and
    /// skipped (reading a FIFO would block); a folder holding no log file at all is reported. Sorted, so runs
    /// repeat; sizes come from the same walk.
    /// What every source says when it holds no log file (inside the filter): a folder, an S3 prefix.
    public static func noLogFiles(filter: TrailFilter) -> String {
        "no CloudTrail log files here (\(logSuffixes.joined(separator: ", ")), optionally .gz)\(filter.isEmpty ? "" : " inside the filter")"
    }

    public static func files(
        under paths: [String], filter: TrailFilter, problems: inout [InputProblem]
    ) -> [LocalFile] {
        var result: [LocalFile] = []
        var visited: Set<FileIdentity> = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                problems.append(
                    InputProblem(input: path, message: "cannot be read: \(String(cString: strerror(errno)))"))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                var found: [LocalFile] = []
                let folder = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
                walk(
                    Array(folder.utf8), identity: FileIdentity(info), filter: filter, visited: &visited, into: &found,
                    problems: &problems)
                if found.isEmpty {
                    problems.append(
                        InputProblem(
                            input: path,
                            message: noLogFiles(filter: filter)
                        ))
                }
                result += found.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            case S_IFREG:
                result.append(LocalFile(path: path, size: Int(info.st_size)))
            default:
                problems.append(
                    InputProblem(input: path, message: "not a regular file or folder (\(kind(info))); skipped"))
            }
        }
        return result
    }

    /// A file's device and inode: a folder reached twice (through a link) is walked once.
    struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    static func kind(_ info: stat) -> String {
        switch info.st_mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a regular file"
        }
    }

    /// Walks a folder by the bytes of its path: entries are opened by the names the listing returned, so a name that is
    /// not UTF-8 is read like any other (and shown with `\xNN` for its odd bytes).
    private static func walk(
        _ directory: [UInt8], identity: FileIdentity, filter: TrailFilter, visited: inout Set<FileIdentity>,
        into found: inout [LocalFile], problems: inout [InputProblem]
    ) {
        let shown = LocalFile.display(directory)
        guard visited.insert(identity).inserted else {
            problems.append(
                InputProblem(
                    input: shown,
                    message: "folder loop: this folder was already read (a link back to it); not read again"))
            return
        }
        guard
            let handle = (directory + [0]).withUnsafeBufferPointer({
                $0.withMemoryRebound(to: CChar.self) { opendir($0.baseAddress!) }
            })
        else {
            problems.append(
                InputProblem(input: shown, message: "cannot be listed: \(String(cString: strerror(errno)))"))
            return
        }
        defer { closedir(handle) }
        let folder = dirfd(handle)
        while let entry = readdir(handle) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { name in Array(name.prefix { $0 != 0 }) }
            if raw == [0x2e] || raw == [0x2e, 0x2e] { continue }
            let name = LocalFile.display(raw)
            let full = directory + [0x2f] + raw
            let type = Int32(entry.pointee.d_type)
            // Only what is, or may be through a link, a folder or a log file is looked at closer.
            guard type == Int32(DT_DIR) || type == Int32(DT_LNK) || type == Int32(DT_UNKNOWN) || isLogName(name) else {
                continue
            }
            // Relative to the open folder: the kernel resolves one name, not the whole path again.
            var info = stat()
            let status = (raw + [0]).withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { fstatat(folder, $0.baseAddress!, &info, 0) }
            }
            guard status == 0 else {
                problems.append(
                    InputProblem(
                        input: LocalFile.display(full), message: "cannot be read: \(String(cString: strerror(errno)))"))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if name.hasPrefix("CloudTrail-Digest") || name == "CloudTrail-Insight" { continue }
                if !filter.isEmpty, !CloudTrailKey.folderMayContain(LocalFile.display(full) + "/", filter) { continue }
                walk(
                    full, identity: FileIdentity(info), filter: filter, visited: &visited, into: &found,
                    problems: &problems)
            case S_IFREG:
                if isLogName(name), !isDigestName(name) {
                    found.append(LocalFile(bytes: full, size: Int(info.st_size)))
                }
            default:
                if isLogName(name) {
                    problems.append(
                        InputProblem(
                            input: LocalFile.display(full), message: "not a regular file (\(kind(info))); skipped"))
                }
            }
        }
    }

    /// The names a log file may have, before an optional `.gz`, compared without regard to case.
    static let logSuffixes = [".json", ".jsonl", ".ndjson", ".log"]

    public static func isLogName(_ name: String) -> Bool {
        var bytes = Substring(name).utf8[...]
        if hasSuffixIgnoringCase(bytes, ".gz") { bytes = bytes.dropLast(3) }
        return logSuffixes.contains { hasSuffixIgnoringCase(bytes, $0) }
    }

    /// True when the file name is an integrity digest's (`…_CloudTrail-Digest_…`).
    static func isDigestName(_ name: String) -> Bool {
        name.utf8.firstRange(of: "_CloudTrail-Digest_".utf8) != nil
    }

    /// ASCII suffix comparison without allocating (the walk calls this for every entry).
    private static func hasSuffixIgnoringCase(_ bytes: Substring.UTF8View.SubSequence, _ suffix: String) -> Bool {
        let tail = suffix.utf8
        guard bytes.count >= tail.count else { return false }
        return zip(bytes.suffix(tail.count), tail).allSatisfy { a, b in
            (a >= 0x41 && a <= 0x5a ? a | 0x20 : a) == b
        }
    }

    /// Scans the files with `jobs` threads. `progress` is called with the bytes read so far.
    /// `sizes`, when given, are the files' sizes as the walk saw them (saves a `fstat` per file).
    public static func scan(
        files: [LocalFile], jobs: Int, filter: TrailFilter, progress: (@Sendable (Int) -> Void)? = nil
    ) -> ScanOutput {
        let state = SharedState(files: files)
        let workers = max(1, min(jobs, files.count))
        let threads = (0..<workers).map { _ in
            Thread {
                let scanner = TrailBufferScanner(filter: filter)
                var local = ScanOutput()
                let buffer = FileBuffer()
                while let file = state.next() {
                    let before = local.stats.bytesRead
                    scanFile(file, scanner: scanner, buffer: buffer, into: &local)
                    let total = state.addBytes(local.stats.bytesRead - before)
                    progress?(total)
                }
                state.finish(local)
            }
        }
        for thread in threads {
            thread.stackSize = 1 << 22
            thread.start()
        }
        state.waitForAll(workers)
        return state.output
    }

    /// Reads one file (whole, or streamed when large) into the scanner.
    public static func scanFile(
        _ file: LocalFile, scanner: TrailBufferScanner, buffer: FileBuffer, into result: inout ScanOutput
    ) {
        let path = file.path
        let known: Int? = file.size >= 0 ? file.size : nil
        let fd = file.open(O_RDONLY)
        guard fd >= 0 else {
            result.stats.inputs += 1
            result.problems.append(
                InputProblem(input: path, message: "cannot be read: \(String(cString: strerror(errno)))"))
            result.stats.problems += 1
            return
        }
        defer { close(fd) }
        let size: Int
        if let known {
            size = known  // a regular file, as the walk found it
        } else {
            var info = stat()
            fstat(fd, &info)
            size = Int(info.st_size)
            if (info.st_mode & S_IFMT) == S_IFDIR {
                result.problems.append(InputProblem(input: path, message: "is a directory"))
                result.stats.problems += 1
                return
            }
        }
        if size > scanner.maxWholeBytes / 4 {
            scanner.scanStream(name: path, into: &result) { chunk in
                let n = Glibc.read(fd, chunk.baseAddress, chunk.count)
                if n < 0 { throw ReadError(message: String(cString: strerror(errno))) }
                return n
            }
            return
        }
        do {
            let bytes = try buffer.read(fd, size: size)
            scanner.scan(bytes, name: path, into: &result)
        } catch {
            result.stats.inputs += 1
            result.problems.append(InputProblem(input: path, message: "cannot be read: \(error)"))
            result.stats.problems += 1
        }
    }

    struct ReadError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A reusable read buffer.
    public final class FileBuffer {
        private var buffer = LargeBuffer()

        public init() {}

        deinit { buffer.release() }

        func read(_ fd: Int32, size: Int) throws -> UnsafeRawBufferPointer {
            let storage = buffer.reserve(size + 1)
            var total = 0
            while true {
                let n = Glibc.read(fd, storage.baseAddress! + total, storage.count - total)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ReadError(message: String(cString: strerror(errno)))
                }
                if n == 0 { break }
                total += n
                // Every byte fstat announced has arrived: no further call only to learn of the end.
                if total == size && size > 0 { break }
                if total == storage.count { break }  // grew while reading; take what fits
            }
            return UnsafeRawBufferPointer(rebasing: storage[0..<total])
        }
    }

    private final class SharedState: @unchecked Sendable {
        private let lock = NSCondition()
        private let files: [LocalFile]
        private var index = 0
        private var bytes = 0
        private var done = 0
        private(set) var output = ScanOutput()

        init(files: [LocalFile]) {
            self.files = files
        }

        func next() -> LocalFile? {
            lock.lock()
            defer { lock.unlock() }
            guard index < files.count else { return nil }
            index += 1
            return files[index - 1]
        }

        func addBytes(_ count: Int) -> Int {
            lock.lock()
            defer { lock.unlock() }
            bytes += count
            return bytes
        }

        func finish(_ local: ScanOutput) {
            lock.lock()
            output.merge(local)
            done += 1
            lock.broadcast()
            lock.unlock()
        }

        func waitForAll(_ count: Int) {
            lock.lock()
            while done < count { lock.wait() }
            lock.unlock()
        }
    }
}
