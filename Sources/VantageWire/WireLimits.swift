/// Limits of the wire format. Every default is listed in protocol/SPEC.md §9.
public struct WireLimits: Sendable, Equatable {
    /// Largest frame body accepted or sent, in bytes (default 4 MiB).
    public var maxFrameBytes: Int
    /// Longest length prefix: a varint of 5 bytes holds any 32-bit length (SPEC §2).
    public static let maxLengthPrefixBytes = 5

    /// Limits with their documented defaults.
    public init(maxFrameBytes: Int = 4 * 1024 * 1024) {
        precondition(maxFrameBytes > 0, "maxFrameBytes must be positive")
        self.maxFrameBytes = maxFrameBytes
    }
}
