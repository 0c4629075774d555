import Foundation
import VantageGossip
import VantageLedger
import VantageProbes
import VantageTransport
import VantageWire

/// Everything `vantage agent` can be told, with defaults.
public struct AgentSettings: Sendable {
    /// The node folder (key, enrollment, certificates, ledger.sqlite, api.token, api.url).
    public var nodePath: String
    /// "host:port" to accept peers on; nil for a node that only dials out.
    public var listen: String?
    /// "host:port" of the HTTP API (default 127.0.0.1:0, a free port written to NODE/api.url).
    public var api: String = "127.0.0.1:0"
    /// Addresses to dial at start.
    public var join: [String] = []
    /// Gossip settings (interval, fanout, …).
    public var gossip = GossipSettings()
    /// Transport limits.
    public var transport = TransportSettings()
    /// Ledger limits.
    public var ledger = LedgerLimits()
    /// Most peers connected at once; a further peer is refused with BUSY at Hello (default 32).
    public var maxPeers = 32
    /// Connected peers at most, instead of `maxPeers`, when the campaign lists this node as a
    /// relay (protocol/SPEC.md §7.5, §9): every ordinary node dials the relays.
    public var relayMaxPeers = 512
    /// Connections a relay accepts beyond `relayMaxPeers` (handshakes in progress, duplicate
    /// connections being replaced).
    public static let relayConnectionHeadroom = 64

    /// The transport's limits for this node: a relay's connections and handshakes scale with
    /// `relayMaxPeers` (a quarter of them may be in their handshake at once), so a few addresses
    /// holding idle connections cannot take every handshake slot of a hub.
    public func transportSettings(relay: Bool) -> TransportSettings {
        var settings = transport
        guard relay else { return settings }
        settings.maxConnections = max(settings.maxConnections, relayMaxPeers + Self.relayConnectionHeadroom)
        settings.maxHandshakes = max(settings.maxHandshakes, relayMaxPeers / 4)
        return settings
    }
    /// Log the addresses of peers that connected to this node (`--log-peer-addresses`); off by
    /// default: logs name peers by node id.
    public var logPeerAddresses = false
    /// Longest JSON line accepted by the API, in bytes (default 64 KiB).
    public var maxLineBytes = MeasurementLines.defaultMaxLineBytes
    /// Most measurements signed into one batch from the API (default 1,000).
    public var measurementsPerBatch = 1_000
    /// Largest API request body, in bytes (default 32 MiB).
    public var maxRequestBytes = 32 << 20
    /// How probes run; nil for a relay-only node (`--no-probes`).
    public var probes: ProbeSettings? = ProbeSettings()
    /// How often the node rescores its country to attest changed verdicts, in ms (default 60 s; 0: never).
    public var attestIntervalMs: Int64 = 60_000
    /// The operator means this node to be an archiver (`--archive`): it refuses to start when the
    /// campaign names archivers and not this node (protocol/SPEC.md §7.4).
    public var archive = false
    /// Where to POST alerts of the node's country's disruptions (`--alert-webhook`), and the
    /// HMAC-SHA256 secret that signs them; none: no alerts.
    public var alertWebhooks: [String] = []
    public var alertSecret = Data()

    /// Remote addresses whose handshake-flood refusals are counted for logging at once; past it the
    /// counts restart, so a flood from many addresses cannot grow memory (1,024).
    public static let maxFloodLogAddresses = 1_024
    /// Refused lines of one API request that are logged one by one; the rest are counted and
    /// summed up in one line (10).
    public static let refusedLinesLogged = 10
    /// Dial requests queued for the dialer; older ones are dropped first (256).
    public static let maxQueuedDials = 256

    /// Settings for the node in `nodePath`.
    public init(nodePath: String) {
        self.nodePath = nodePath
    }

    /// The step of the gossip clock: a quarter of the interval, between 10 and 250 ms.
    var tickMs: Int64 { min(max(gossip.intervalMs / 4, 10), 250) }
}

/// Durations written as `200ms`, `1s`, `5m`, `2h`.
public enum DurationText {
    /// Milliseconds of a duration text, or nil when it is not one.
    public static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value > 0, value * Double(factor) < 1e12 else { return nil }
            return Int64((value * Double(factor)).rounded())
        }
        return nil
    }
}
