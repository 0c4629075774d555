import Metrics
import Synchronization
import VantageIdentity
import VantageLedger

/// The agent's counters and gauges (swift-metrics; exported by swift-prometheus at /metrics).
struct AgentMetrics: Sendable {
    let batchesIn = Counter(label: "vantage_batches_in_total")
    let batchesOut = Counter(label: "vantage_batches_out_total")
    let syncRounds = Counter(label: "vantage_sync_rounds_total")
    let ledgerBatches = Gauge(label: "vantage_ledger_batches")
    let ledgerMeasurements = Gauge(label: "vantage_ledger_measurements")
    let ledgerOrigins = Gauge(label: "vantage_ledger_origins")
    let peersConnected = Gauge(label: "vantage_peers_connected")
    /// 1 while the node waits for its peers to return its own log (its store was lost).
    let recovering = Gauge(label: "vantage_recovering")
    /// Stored batches decoded (for deltas, reports, evidence; never on open).
    let storedBatchesDecoded = Counter(label: "vantage_stored_batches_decoded_total")
    /// Envelope signatures verified (never for stored facts).
    let signaturesVerified = Counter(label: "vantage_signatures_verified_total")
    /// Size of the ledger's SQLite files.
    let storeBytes = Gauge(label: "vantage_store_bytes")
    /// Arrival minus creation time of batches admitted from peers.
    let propagationLag = Timer(label: "vantage_propagation_lag_seconds", preferredDisplayUnit: .seconds)
    private let copied = CopiedCounts()

    /// The refusal reasons exported at zero from the start (protocol/SPEC.md §9), so a dashboard
    /// and an alert rule find every series before the first refusal.
    static let refusalReasons = [
        "bad_signature", "origin_mismatch", "not_root", "wrong_mesh", "malformed", "revoked", "excluded", "broken_chain",
        "too_old", "future", "quota", "summary_counts", "equivocation", "quarantined", "duplicate_connection", "rate_limited", "slow_reader",
        "frame_malformed", "unsupported_version", "unknown_frame", "second_hello", "malformed_vector", "peer_error",
        "tls_handshake", "tls_or_io", "cover_page", "unexpected_peer", "out_of_tier", "forged_evidence", "unasked_evidence",
        "api_unauthorized", "api_bad_host", "bad_line",
    ]

    /// Creates the metrics; every refusal reason starts at zero.
    init() {
        for reason in Self.refusalReasons { Counter(label: "vantage_refusals_total", dimensions: [("reason", reason)]).increment(by: 0) }
    }
    let bytesIn = Counter(label: "vantage_bytes_in_total")
    let bytesOut = Counter(label: "vantage_bytes_out_total")

    /// Brings the process-wide counts kept by the ledger and identity modules into their counters
    /// (called before the metrics are read).
    func copyProcessCounts() {
        let now = (StoreCounters.batchesDecoded.load(ordering: .relaxed), SignatureCounter.verified.load(ordering: .relaxed))
        let before = copied.counts.withLock { counts in
            defer { counts = now }
            return counts
        }
        storedBatchesDecoded.increment(by: now.0 - before.0)
        signaturesVerified.increment(by: now.1 - before.1)
    }

    /// Counts a refusal under its reason.
    func refused(_ reason: String) {
        Counter(label: "vantage_refusals_total", dimensions: [("reason", reason)]).increment()
    }

    /// Counts a probe's result.
    func probed(target: String, kind: String, outcome: String) {
        Counter(label: "vantage_probe_outcomes_total", dimensions: [("target", target), ("kind", kind), ("outcome", outcome)]).increment()
    }

    /// Sets the active verdicts: one gauge per (scope, kind, target) now, and 0 for those of
    /// `previous` that are gone. Returns the keys set now.
    func activeVerdicts(_ keys: [String: Int], previous: Set<String>) -> Set<String> {
        for key in previous.union(keys.keys) {
            let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            Gauge(label: "vantage_active_verdicts", dimensions: [("scope", parts[0]), ("kind", parts[1]), ("target", parts[2])]).record(keys[key] ?? 0)
        }
        return Set(keys.keys)
    }

    /// Counts a finished exchange under its outcome.
    func exchange(_ outcome: String) {
        Counter(label: "vantage_sync_exchanges_total", dimensions: [("outcome", outcome)]).increment()
    }
}

/// The process-wide counts last copied into counters.
private final class CopiedCounts: Sendable {
    let counts = Mutex((0, 0))
}
