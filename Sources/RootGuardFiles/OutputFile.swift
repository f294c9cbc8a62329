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

    public static func write(_ data: Data, to path: String) throws {
        let target = try check(path)
        do {
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw Failure(description: "\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
