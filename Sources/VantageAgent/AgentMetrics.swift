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
    private let copied = CopiedCounts()
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

    /// Counts a finished exchange under its outcome.
    func exchange(_ outcome: String) {
        Counter(label: "vantage_sync_exchanges_total", dimensions: [("outcome", outcome)]).increment()
    }
}

/// The process-wide counts last copied into counters.
private final class CopiedCounts: Sendable {
    let counts = Mutex((0, 0))
}
