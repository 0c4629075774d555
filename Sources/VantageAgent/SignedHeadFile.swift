import Foundation
import VantageIdentity
import VantageLedger

/// `NODE/signed.head`: the last batch this node signed, as `seq hash created_ms`, written durably
/// after the batch is durable in the store and before it is announced. A node whose store was lost
/// knows from it that it has signed before, and up to which seq (protocol/SPEC.md §8).
public enum SignedHeadFile {
    /// The head in the file, or nil when the node never signed (no file). A file that cannot be
    /// read is an error naming it: guessing could make the node sign a seq twice.
    public static func read(_ path: String) throws -> ChainHead? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw IdentityError.fileCorrupt(path: path, reason: "cannot be read")
        }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 3, let seq = UInt64(parts[0]), let hash = Hash256(hex: String(parts[1])), let created = Int64(parts[2]) else {
            throw IdentityError.fileCorrupt(path: path, reason: "not 'SEQ HASH CREATED_MS'")
        }
        return ChainHead(seq: seq, hash: hash, createdMs: created)
    }

    /// Writes `head` so that a power cut keeps it.
    static func write(_ head: ChainHead, to path: String) throws {
        try DurableFile.write(Data("\(head.seq) \(head.hash.hex) \(head.createdMs)\n".utf8), to: path)
    }
}
