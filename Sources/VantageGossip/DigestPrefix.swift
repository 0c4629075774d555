import Foundation
import VantageIdentity

/// A ledger digest as `Summary` frames carry it: its first 16 bytes (SPEC §7.3). Two ledgers
/// that differ do not share them by accident, and a peer that wanted to look in sync could as
/// well lie about a whole digest; the other 16 bytes cost every exchange.
public struct DigestPrefix: Hashable, Sendable {
    /// Bytes of a digest a `Summary` carries.
    public static let byteCount = 16

    /// The prefix's bytes.
    public let bytes: Data

    /// The prefix of `digest`.
    public init(_ digest: Hash256) {
        bytes = Data(digest.bytes.prefix(Self.byteCount))
    }

    /// The prefix a frame carries; nil unless it is `byteCount` bytes (empty: none sent).
    public init?(wire: Data) {
        guard wire.count == Self.byteCount else { return nil }
        bytes = wire
    }

    /// Lower-case hex of the bytes.
    public var hex: String { Hex.encode(bytes) }

    /// True when this is the prefix of `digest`.
    public func matches(_ digest: Hash256) -> Bool { self == DigestPrefix(digest) }
}
