import NIOConcurrencyHelpers

/// Counts open connections, those still in their handshake (in all and per remote address, an
/// IPv6 address by its /64), and clients without a mesh certificate being served the cover page,
/// so that neither the whole node, nor handshakes, nor one address, nor web clients can take more
/// than their limit.
final class ConnectionSlots: Sendable {
    private struct Counts {
        var open = 0
        var handshaking: [String: Int] = [:]
        var handshakingTotal = 0
        var coverClients = 0
    }

    private let counts = NIOLockedValueBox(Counts())
    private let settings: TransportSettings

    init(settings: TransportSettings) {
        self.settings = settings
    }

    /// Connections open now.
    var open: Int { counts.withLockedValue { $0.open } }

    /// Takes a slot for a new connection (and a handshake slot for `address`, when inbound), or
    /// says which limit refuses it.
    func reserve(handshakeFrom ip: String?) -> TransportError? {
        let address = ip.map(Self.addressKey)
        return counts.withLockedValue { counts in
            guard counts.open < settings.maxConnections else { return .tooManyConnections(settings.maxConnections) }
            if let address {
                guard counts.handshaking[address, default: 0] < settings.maxHandshakesPerAddress else {
                    return .tooManyHandshakes(address: address, limit: settings.maxHandshakesPerAddress)
                }
                guard counts.handshakingTotal < settings.maxHandshakes else {
                    return .tooManyHandshakes(address: "all addresses", limit: settings.maxHandshakes)
                }
                counts.handshaking[address, default: 0] += 1
                counts.handshakingTotal += 1
            }
            counts.open += 1
            return nil
        }
    }

    /// The handshake from `address` ended (Hello verified, or the connection failed).
    func handshakeEnded(from ip: String?) {
        guard let address = ip.map(Self.addressKey) else { return }
        counts.withLockedValue { counts in
            let left = counts.handshaking[address, default: 1] - 1
            counts.handshaking[address] = left > 0 ? left : nil
            counts.handshakingTotal -= 1
        }
    }

    /// A connection closed.
    func closed() {
        counts.withLockedValue { $0.open -= 1 }
    }

    /// Takes one of the `maxCoverClients` slots for a client that finished TLS without a mesh
    /// certificate (its handshake slot is given back by then); the refusal when all are taken.
    func reserveCoverClient() -> TransportError? {
        counts.withLockedValue { counts in
            guard counts.coverClients < settings.maxCoverClients else {
                return .tooManyHandshakes(address: "clients without a mesh certificate", limit: settings.maxCoverClients)
            }
            counts.coverClients += 1
            return nil
        }
    }

    /// A client without a mesh certificate was served (or timed out).
    func coverClientEnded() {
        counts.withLockedValue { $0.coverClients -= 1 }
    }

    /// What the per-address limit counts by: an IPv4 address itself, an IPv6 address by its /64
    /// (one host is handed a whole /64 by most ISPs).
    static func addressKey(_ ip: String) -> String {
        guard ip.contains(":") else { return ip }
        var groups = ip.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let gap = groups.firstIndex(of: "") {
            // Expand "::" into the zero groups it stands for.
            let present = groups.filter { !$0.isEmpty }
            groups = Array(groups[..<gap].filter { !$0.isEmpty }) + Array(repeating: "0", count: max(0, 8 - present.count))
                + Array(groups[(gap + 1)...].filter { !$0.isEmpty })
        }
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":") + "::/64"
    }
}
