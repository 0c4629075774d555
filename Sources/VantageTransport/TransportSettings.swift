import VantageWire

/// The transport's limits, each with its documented default (protocol/SPEC.md §9).
public struct TransportSettings: Sendable {
    /// Most simultaneous connections, inbound and outbound together (default 64).
    public var maxConnections: Int
    /// Most inbound connections from one IP address still before a verified Hello (default 8):
    /// bounds a flood of handshakes from one address without refusing other peers.
    public var maxHandshakesPerAddress: Int
    /// Most inbound connections before a verified Hello from all addresses (default 32, half of
    /// `maxConnections`): a flood from many addresses still leaves room to dial out and keep peers.
    public var maxHandshakes: Int
    /// Clients without a mesh certificate served the cover page at once (default 8): they leave
    /// the handshake slots when their TLS handshake ends, and take one of these.
    public var maxCoverClients: Int
    /// Time a client without a mesh certificate has to send its request and read the page, in ms
    /// (default 5 s).
    public var coverTimeoutMs: Int64
    /// Time allowed from TCP accept/connect to a verified Hello, in ms (default 10 s): bounds slow handshakes.
    public var helloTimeoutMs: Int64
    /// A connection that receives nothing for this long is closed, in ms (default 30 s).
    public var idleTimeoutMs: Int64
    /// Time allowed for a frame to arrive whole once its first byte came, in ms (default 60 s):
    /// bounds a peer that trickles a frame to hold the connection.
    public var frameTimeoutMs: Int64
    /// Time allowed for a TCP connect, in ms (default 5 s).
    public var connectTimeoutMs: Int64
    /// Frames queued to one peer and not yet written before it is dropped as too slow (default 1,024).
    public var maxQueuedFrames: Int
    /// Bytes of encoded frames queued to one peer and not yet taken by its socket before it is
    /// dropped as too slow (default 16 MiB: four deltas of the largest frame).
    public var maxQueuedBytes: Int
    /// Frame limits.
    public var wire: WireLimits
    /// The HTML page a listener answers a TLS client without a mesh certificate with (a browser,
    /// `curl`): the operator's choice (`cover_page`), by default a plain placeholder page.
    public var coverPage = CoverPage.defaultPage
    /// Connections the kernel queues for the listener before they are accepted (256).
    public static let listenBacklog: Int32 = 256

    /// Settings with their documented defaults.
    public init(maxConnections: Int = 64, maxHandshakesPerAddress: Int = 8, maxHandshakes: Int = 32, maxCoverClients: Int = 8,
                coverTimeoutMs: Int64 = 5_000, helloTimeoutMs: Int64 = 10_000,
                idleTimeoutMs: Int64 = 30_000, frameTimeoutMs: Int64 = 60_000, connectTimeoutMs: Int64 = 5_000,
                maxQueuedFrames: Int = 1_024, maxQueuedBytes: Int = 16 << 20, wire: WireLimits = WireLimits()) {
        self.maxConnections = maxConnections
        self.maxHandshakesPerAddress = maxHandshakesPerAddress
        self.maxHandshakes = maxHandshakes
        self.maxCoverClients = maxCoverClients
        self.coverTimeoutMs = coverTimeoutMs
        self.helloTimeoutMs = helloTimeoutMs
        self.idleTimeoutMs = idleTimeoutMs
        self.frameTimeoutMs = frameTimeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.maxQueuedFrames = maxQueuedFrames
        self.maxQueuedBytes = maxQueuedBytes
        self.wire = wire
    }
}
