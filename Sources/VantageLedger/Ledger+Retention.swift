import VantageIdentity

/// Retention: batches (with a summary batch, its attestations) older than the campaign's retention
/// are pruned by every replica by the same rule, measured against the ledger's own newest batch, never a local clock.
/// Held facts (waiting for a predecessor or an enrollment) expire after `held_ttl_ms`.
extension Ledger {
    /// A measurement may start at most this long before its batch when the campaign names no limit.
    public static let defaultMaxMeasurementAgeDays = 7

    /// Retention in days: the campaign's, or the default.
    public var retentionDays: Int {
        let days = Int(campaign?.record.retentionDays ?? 0)
        return days > 0 ? days : limits.defaultRetentionDays
    }

    /// How long before its batch's creation a measurement may start: the campaign's
    /// `max_measurement_age_days`, or 7 days.
    public var maxMeasurementAgeMs: Int64 {
        let days = Int64(campaign?.record.maxMeasurementAgeDays ?? 0)
        return (days > 0 ? days : Int64(Self.defaultMaxMeasurementAgeDays)) * 86_400_000
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
            guard heldBatchCount > 0 else { continue }
            for origin in logs.keys.sorted() where logs[origin]!.heldCount > 0 {
                advance(origin)
            }
        }
    }

    /// Prunes every log to the current cutoff. Nothing is read while the cutoff is below the
    /// oldest batch kept.
    mutating func pruneAll() {
        guard let cutoff = retentionCutoffMs else { return }
        if let oldest = oldestKeptMs, oldest < cutoff {
            for origin in logs.keys.sorted() where (logs[origin]!.index.firstCreatedMs ?? .max) < cutoff {
                prune(origin, before: cutoff)
            }
            oldestKeptMs = logs.values.compactMap(\.index.firstCreatedMs).min()
        }
    }

    /// Moves `origin`'s floor up past every batch created before `cutoffMs`, deleting them and
    /// what they counted for. Creation times never decrease along a chain, so they are a prefix.
    private mutating func prune(_ origin: NodeID, before cutoffMs: Int64) {
        var index = logs[origin]!.index
        var pruned = 0
        while index.head.seq > index.floor.seq {
            let seqs = (index.floor.seq + 1)...min(index.head.seq, index.floor.seq + 256)
            let old = store.batches(of: origin, seqs: seqs) { $0.createdMs < cutoffMs }
            guard let last = old.last else { break }
            uncount(origin, seqs: old[0].seq...last.seq)
            deleteBatches(of: origin, seqs: old[0].seq...last.seq)
            index.floor = ChainHead(seq: last.seq, hash: last.id, createdMs: last.createdMs)
            index.measurements -= old.reduce(0) { $0 + $1.measurements }
            for batch in old where index.dayBatches > 0 && OriginIndex.day(of: batch.createdMs) == index.day {
                index.dayBatches -= 1
                index.dayBytes -= batch.payloadBytes
            }
            pruned += old.count
            guard old.count == seqs.count else { break }
        }
        index.firstCreatedMs = index.head.seq > index.floor.seq ? store.batch(of: origin, seq: index.floor.seq + 1)?.createdMs : nil
        logs[origin]!.index = index
        if pruned > 0 { changedOrigins.insert(origin) }
    }

    /// Drops held facts that arrived before `nowMs − ttlMs` and are still held: a batch whose
    /// predecessor never came, a fact whose signer was never enrolled. Anti-entropy offers them
    /// again if they still matter. Returns how many were dropped.
    @discardableResult
    public mutating func expireHeld(nowMs: Int64, ttlMs: Int64) -> Int {
        let expired = Set(heldArrivals.filter { $0.value < nowMs - ttlMs }.keys)
        guard !expired.isEmpty else { return 0 }
        let before = heldCount
        for id in expired {
            heldArrivals[id] = nil
            heldProofs[id] = nil
        }
        for origin in Array(logs.keys) where logs[origin]!.heldCount > 0 {
            let count = logs[origin]!.heldCount
            logs[origin]!.dropHeld { expired.contains($0.id) }
            heldBatchCount -= count - logs[origin]!.heldCount
            if logs[origin]!.isEmpty && logs[origin]!.heldCount == 0 { logs[origin] = nil }
        }
        return before - heldCount
    }
}
