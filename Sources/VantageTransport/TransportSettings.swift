import VantageWire

/// The transport's limits, each with its documented default (protocol/SPEC.md §9).
public struct TransportSettings: Sendable {
    /// Most simultaneous connections, inbound and outbound together (default 64).
    public var maxConnections: Int
    /// Time allowed from TCP accept/connect to a verified Hello, in ms (default 10 s): bounds slow handshakes.
    public var helloTimeoutMs: Int64
    /// A connection that receives nothing for this long is closed, in ms (default 30 s).
    public var idleTimeoutMs: Int64
    /// Time allowed for a TCP connect, in ms (default 5 s).
    public var connectTimeoutMs: Int64
    /// Frame limits.
    public var wire: WireLimits

    /// Settings with their documented defaults.
    public init(maxConnections: Int = 64, helloTimeoutMs: Int64 = 10_000, idleTimeoutMs: Int64 = 30_000,
                connectTimeoutMs: Int64 = 5_000, wire: WireLimits = WireLimits()) {
        precondition(maxConnections > 0 && helloTimeoutMs > 0 && idleTimeoutMs > 0 && connectTimeoutMs > 0, "transport limits must be positive")
        self.maxConnections = maxConnections
        self.helloTimeoutMs = helloTimeoutMs
        self.idleTimeoutMs = idleTimeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.wire = wire
    }
}
