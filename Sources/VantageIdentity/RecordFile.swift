import Foundation
import VantageWire

/// Envelope and ledger files: a one-line magic header naming the kind and protocol version, then
/// the protobuf bytes. The header tells `vantage ledger inspect` what a file holds (protocol/SPEC.md §8).
public enum RecordFile {
    /// Header of a file holding one `Envelope`.
    public static let envelopeMagic = magic("envelope")
    /// Header of a file holding one `LedgerSnapshot`.
    public static let ledgerMagic = magic("ledger")
    /// Header of a file holding one `VersionVector` message: what a node holds, for `export --since`.
    public static let vectorMagic = magic("vector")

    /// `vantage-KIND-vN\n` for this protocol version.
    static func magic(_ kind: String, version: UInt32 = ProtocolVersion.current) -> [UInt8] {
        Array("vantage-\(kind)-v\(version)\n".utf8)
    }

    /// What a record file holds.
    public enum Contents: Sendable {
        case envelope(Envelope)
        case ledger(LedgerSnapshot)
        case vector(VersionVectorMessage)
    }

    /// The bytes of an envelope file.
    public static func encode(_ envelope: Envelope) -> Data {
        Data(envelopeMagic) + (try! envelope.serializedBytes() as Data)
    }

    /// The bytes of a ledger file.
    public static func encode(_ snapshot: LedgerSnapshot) -> Data {
        Data(ledgerMagic) + (try! snapshot.serializedBytes() as Data)
    }

    /// The bytes of a version vector file.
    public static func encode(_ vector: VersionVectorMessage) -> Data {
        Data(vectorMagic) + (try! vector.serializedBytes() as Data)
    }

    /// Parses file bytes; `path` names the source in errors.
    public static func decode(_ data: Data, path: String) throws -> Contents {
        let bytes = [UInt8](data)
        do {
            if bytes.starts(with: envelopeMagic) {
                return .envelope(try Envelope(serializedBytes: Array(bytes[envelopeMagic.count...])))
            }
            if bytes.starts(with: ledgerMagic) {
                return .ledger(try LedgerSnapshot(serializedBytes: Array(bytes[ledgerMagic.count...])))
            }
            if bytes.starts(with: vectorMagic) {
                return .vector(try VersionVectorMessage(serializedBytes: Array(bytes[vectorMagic.count...])))
            }
        } catch {
            throw IdentityError.fileCorrupt(path: path, reason: "the protobuf body does not decode: \(error)")
        }
        if let older = ["envelope", "ledger", "vector"].first(where: { bytes.starts(with: magic($0, version: 1)) }) {
            throw IdentityError.fileCorrupt(path: path, reason: "a \(older) file of protocol version 1; this Vantage reads version \(ProtocolVersion.current) only (nothing of version 1 was deployed: make the file again)")
        }
        let names = ["envelope", "ledger", "vector"].map { String(decoding: magic($0).dropLast(), as: UTF8.self) }
        throw IdentityError.fileCorrupt(path: path, reason: "not a Vantage file (no \(names.joined(separator: ", ")) header)")
    }

    /// Reads and parses a file.
    public static func read(_ path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError.fileMissing(path: path)
        }
        return try decode(data, path: path)
    }

    /// Reads a file that must hold one envelope.
    public static func readEnvelope(_ path: String) throws -> Envelope {
        guard case .envelope(let envelope) = try read(path) else {
            throw IdentityError.fileCorrupt(path: path, reason: "holds a ledger or vector, not an envelope")
        }
        return envelope
    }

    /// Writes an envelope file, replacing any old one.
    public static func write(_ envelope: Envelope, to path: String) throws {
        try encode(envelope).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes any record file, replacing any old one.
    public static func write(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes a ledger file, replacing any old one.
    public static func write(_ snapshot: LedgerSnapshot, to path: String) throws {
        try encode(snapshot).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Unix-millisecond time, the unit of every timestamp in the protocol.
extension Date {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The date of a Unix-millisecond timestamp.
    public init(unixMilliseconds ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }

    /// RFC 3339 UTC text, e.g. 2024-01-20T13:05:00Z.
    public var rfc3339: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: self)
    }
}
