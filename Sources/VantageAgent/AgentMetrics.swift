import Metrics

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
    let bytesIn = Counter(label: "vantage_bytes_in_total")
    let bytesOut = Counter(label: "vantage_bytes_out_total")

    /// Counts a refusal under its reason.
    func refused(_ reason: String) {
        Counter(label: "vantage_refusals_total", dimensions: [("reason", reason)]).increment()
    }

    /// Counts a finished exchange under its outcome.
    func exchange(_ outcome: String) {
        Counter(label: "vantage_sync_exchanges_total", dimensions: [("outcome", outcome)]).increment()
    }
}
