/// Addresses no public name should resolve to: an answer among them is DNS injection.
public enum Bogons {
    /// IPv4 ranges (network, prefix length): this network, private, carrier-grade NAT, loopback,
    /// link-local, documentation, benchmarking, multicast and reserved.
    static let ranges: [(UInt32, Int)] = [
        (0x0000_0000, 8), (0x0A00_0000, 8), (0x6440_0000, 10), (0x7F00_0000, 8), (0xA9FE_0000, 16),
        (0xAC10_0000, 12), (0xC000_0000, 24), (0xC000_0200, 24), (0xC0A8_0000, 16), (0xC612_0000, 15),
        (0xC633_6400, 24), (0xCB00_7100, 24), (0xE000_0000, 4), (0xF000_0000, 4),
    ]

    /// Whether a dotted IPv4 address (or an IPv6 one that is loopback, unspecified, link-local or
    /// unique-local) is a bogon.
    public static func contains(_ address: String) -> Bool {
        if address.contains(":") {
            let lower = address.lowercased()
            return lower == "::1" || lower == "::" || lower.hasPrefix("fe80:") || lower.hasPrefix("fc") || lower.hasPrefix("fd")
        }
        let parts = address.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return false }
        let value = parts.reduce(0) { $0 << 8 | $1 }
        return ranges.contains { network, length in value >> (32 - length) == network >> (32 - length) }
    }

    /// Whether `address` is a loopback address (127.0.0.0/8 or ::1).
    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.split(separator: ".").first == "127"
    }
}
