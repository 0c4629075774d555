import Foundation
import VantageIdentity

/// `NODE/summaries.pending`: the start times (Unix ms) of the windows whose summaries this node
/// has still to sign, one per line (protocol/SPEC.md §13c).
enum UnsummarisedFile {
    /// The windows in the file; none when there is no file. A line that is not a number is an
    /// error naming the file and the line.
    static func read(_ path: String) throws -> Set<Int64> {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw IdentityError.fileCorrupt(path: path, reason: "cannot be read")
        }
        var windows: Set<Int64> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let start = Int64(line.trimmingCharacters(in: .whitespaces)) else {
                throw IdentityError.fileCorrupt(path: path, reason: "line \(index + 1) is not a window start in Unix ms")
            }
            windows.insert(start)
        }
        return windows
    }

    /// Writes `windows` so that a power cut keeps them.
    static func write(_ windows: Set<Int64>, to path: String) throws {
        try DurableFile.write(Data(windows.sorted().map { "\($0)\n" }.joined().utf8), to: path)
    }
}
