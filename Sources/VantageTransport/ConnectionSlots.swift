import NIOConcurrencyHelpers

/// Counts open connections and those still in their handshake (in all and per remote address), so
/// that neither the whole node, nor handshakes, nor one address can take more than its limit.
final class ConnectionSlots: Sendable {
    private struct Counts {
        var open = 0
        var handshaking: [String: Int] = [:]
        var handshakingTotal = 0
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
    func reserve(handshakeFrom address: String?) -> TransportError? {
        counts.withLockedValue { counts in
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
    func handshakeEnded(from address: String?) {
        guard let address else { return }
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
}
