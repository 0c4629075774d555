import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold secrets (private keys, API tokens): created with mode 0600, never overwritten,
/// and refused when group or others may read them.
public enum SecretFile {
    /// Creates `path` with mode 0600 and writes `contents`; refuses an existing file.
    public static func create(_ path: String, contents: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw IdentityError.fileExists(path: path) }
            throw IdentityError.keyFileUnreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        let written = contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count else {
            throw IdentityError.keyFileUnreadable(path: path, reason: "short write (\(written) of \(contents.count) bytes)")
        }
    }

    /// Reads `path` after checking it exists and is not readable by group or others.
    public static func read(_ path: String) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw IdentityError.keyFileMissing(path: path) }
            throw IdentityError.keyFileUnreadable(path: path, reason: String(cString: strerror(code)))
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw IdentityError.keyFileTooOpen(path: path, mode: String(mode, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError.keyFileUnreadable(path: path, reason: "permission denied or not a regular file")
        }
        return data
    }
}
