import VantageIdentity

/// Retention: batches older than the campaign's retention are pruned by every replica by the same
/// rule, measured against the ledger's own newest batch, never a local clock.
extension Ledger {
    /// Retention in days: the campaign's, or the default.
    public var retentionDays: Int {
        let days = Int(campaign?.record.retentionDays ?? 0)
        return days > 0 ? days : limits.defaultRetentionDays
    }

    /// Creation time of the newest admitted batch (each log's head is its newest).
    public var newestBatchMs: Int64? {
        logs.values.filter { !$0.isEmpty }.map(\.headCreatedMs).max()
    }

    /// Batches created before this time are pruned; nil while the ledger holds no batch.
    public var retentionCutoffMs: Int64? {
        newestBatchMs.map { $0 - Int64(retentionDays) * 86_400_000 }
    }

    /// Prunes every log to the cutoff and admits held batches the new cutoff lets restart,
    /// until nothing moves.
    mutating func settleRetention() {
        var lastCutoff: Int64? = nil
        while let cutoff = retentionCutoffMs, cutoff != lastCutoff {
            lastCutoff = cutoff
            pruneAll()
            for (origin, log) in logs where log.heldCount > 0 {
                advance(origin)
            }
        }
    }

    /// Prunes every log to the current cutoff.
    mutating func pruneAll() {
        guard let cutoff = retentionCutoffMs else { return }
        for origin in Array(logs.keys) {
            logs[origin]!.prune(before: cutoff)
        }
    }
}
