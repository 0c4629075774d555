import NIOSSL

/// How probes run: timeouts, which resolver, what to trust, how much to fetch.
public struct ProbeSettings: Sendable {
    /// Where the `dns` probe asks: the system resolver, or a resolver over UDP at "host:port".
    public enum Resolver: Sendable, Equatable {
        case system
        case udp(host: String, port: Int)
    }

    /// Per-step timeout in ms: DNS answer, TCP connect, TLS handshake, HTTP response (default 10 s).
    public var timeoutMs: Int64 = 10_000
    /// How long a `tcp` probe waits after connecting for a reset (default 300 ms).
    public var resetWatchMs: Int64 = 300
    /// The resolver of the `dns` probe (default: the system's).
    public var resolver: Resolver = .system
    /// Fixed addresses for host names, as curl's --resolve: used instead of resolving them.
    public var fixedAddresses: [String: String] = [:]
    /// Certificates to trust instead of the system's (PEM), e.g. a test fixture's CA.
    public var trustedCertificates: [NIOSSLCertificate]? = nil
    /// The most bytes a `throughput` probe fetches (default 1 MiB); `http` keeps the first 64 KiB.
    public var throughputBytes = 1 << 20
    /// Texts whose presence in a body marks a block page, by name.
    public var fingerprints: [(name: String, text: String)] = []
    /// Most probes in flight at once (default 8).
    public var concurrency = 8

    /// The defaults.
    public init() {}
}
