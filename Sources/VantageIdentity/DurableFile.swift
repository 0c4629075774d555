import Foundation

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Small files that must survive a power cut once written: written to a temporary file, synced,
/// renamed over the old one, and the folder synced.
public enum DurableFile {
    /// Replaces `path` with `contents`; when it returns, a power cut keeps the new contents.
    public static func write(_ contents: Data, to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw failure(path, "cannot create \(temporary)") }
        let written = contents.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == contents.count, synced else { throw failure(path, "cannot write and sync \(temporary)") }
        guard rename(temporary, path) == 0 else { throw failure(path, "cannot rename \(temporary)") }
        let folder = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    private static func failure(_ path: String, _ what: String) -> IdentityError {
        IdentityError.fileCorrupt(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
