import Crypto
import Foundation

/// A 32-byte SHA-256 value: the id of a fact, a node id, a mesh id or a digest.
/// Stored as four words so that maps keyed by ids do not allocate per key.
public struct Hash256: Hashable, Comparable, Sendable, CustomStringConvertible {
    private let w0, w1, w2, w3: UInt64

    /// The all-zero value, used as the previous hash of a log's first batch.
    public static let zero = Hash256(words: (0, 0, 0, 0))

    private init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
    }

    /// Reads exactly 32 bytes; nil for any other length.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        self = bytes.withContiguousStorageIfAvailable { Hash256(buffer: UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { Hash256(buffer: $0) }
    }

    /// Reads exactly 32 bytes of Data (ids arrive as protobuf bytes fields); nil for any other length.
    public init?(bytes: Data) {
        guard bytes.count == 32 else { return nil }
        self = bytes.withUnsafeBytes { Hash256(buffer: $0) }
    }

    /// The four big-endian words of 32 bytes in memory.
    private init(buffer: UnsafeRawBufferPointer) {
        func word(_ i: Int) -> UInt64 { UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
        self.init(words: (word(0), word(1), word(2), word(3)))
    }

    /// Parses 64 hex digits; nil otherwise.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// SHA-256 of the given bytes.
    public static func of<Bytes: DataProtocol>(_ bytes: Bytes) -> Hash256 {
        Hash256(digest: SHA256.hash(data: bytes))
    }

    /// Wraps a finished SHA-256 digest.
    public init(digest: SHA256.Digest) {
        self = digest.withUnsafeBytes { Hash256(buffer: $0) }
    }

    /// The 32 bytes, big-endian.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8((word >> UInt64(shift)) & 0xff))
            }
        }
        return out
    }

    /// The first byte, e.g. to spread ids over buckets.
    public var leadingByte: UInt8 { UInt8(w0 >> 56) }

    /// The first 8 bytes as a big-endian number: a short fingerprint.
    public var leadingWord: UInt64 { w0 }

    /// Lower-case hex.
    public var hex: String { Hex.encode(bytes) }

    /// The first 12 hex digits, for people.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}

/// A node's id: SHA-256 of its 32-byte raw Ed25519 public key.
public typealias NodeID = Hash256

/// Hex encoding of bytes.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of the bytes.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of an even-length hex string (either case); nil when it is not hex.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
