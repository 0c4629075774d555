import Foundation
import VantageIdentity
import VantageWire

/// Admission of batches into origin logs (protocol/SPEC.md §5).
extension Ledger {
    mutating func insertBatch(_ fact: Verified<Batch>, nowMs: Int64) throws -> Admission {
        // Held until admitted; only admitted batches are journaled (and so survive a restart).
        let batch = fact.record
        let origin = fact.signer.id
        try checkShape(fact, origin: origin, nowMs: nowMs)
        if excluded.contains(origin) { throw LedgerError.excluded(origin: origin.short) }
        if isCutByRevocation(origin, seq: batch.seq, createdMs: batch.createdMs) {
            throw LedgerError.revoked(origin: origin.short, seq: batch.seq)
        }
        if let decided = try hold(fact, origin: origin, nowMs: nowMs) { return decided }
        advance(origin)
        settleRetention()
        if excluded.contains(origin) { return .equivocation(origin: origin) }
        return (logs[origin]?.headSeq ?? 0) >= batch.seq ? .added : .held
    }

    /// Holds a batch that may link later (or decides it at once: a duplicate, a fork proof). Its own
    /// function, so no copy of the log outlives it and `advance` can grow the log in place.
    private mutating func hold(_ fact: Verified<Batch>, origin: NodeID, nowMs: Int64) throws -> Admission? {
        let batch = fact.record
        var log = logs[origin] ?? OriginLog()
        if batch.seq <= log.floorSeq { return .duplicate }
        if let existing = log.batch(seq: batch.seq) {
            if existing.id == fact.id { return .duplicate }
            return try insertProof(ProofFact(existing, fact)!, nowMs: nowMs)
        }
        if batch.seq == log.headSeq + 1, !log.links(batch) {
            guard let head = log.batch(seq: log.headSeq) else {
                throw LedgerError.brokenChain(origin: origin.short, seq: batch.seq,
                                              reason: "it does not link to the pruned batch #\(log.headSeq)")
            }
            return try insertProof(ProofFact(head, fact)!, nowMs: nowMs)
        }
        guard log.heldCount < limits.maxHeldPerOrigin, heldBatchCount < limits.maxHeldTotal else {
            throw LedgerError.heldFull(origin: origin.short, limit: min(limits.maxHeldPerOrigin, limits.maxHeldTotal))
        }
        guard log.hold(fact) else { return .duplicate }
        heldArrivals[fact.id] = nowMs
        heldBatchCount += 1
        logs[origin] = log
        return nil
    }

    /// Checks what can be checked of a batch alone: origin, size, seq and link fields, clock.
    private func checkShape(_ fact: Verified<Batch>, origin: NodeID, nowMs: Int64) throws {
        let batch = fact.record
        guard Hash256(bytes: batch.origin) == origin else {
            throw LedgerError.originMismatch(origin: Hex.encode(batch.origin.prefix(6)), signer: origin.short)
        }
        if fact.envelope.payload.count > limits.maxBatchBytes {
            throw LedgerError.oversized(origin: origin.short, seq: batch.seq,
                                        reason: "\(fact.envelope.payload.count) bytes exceed the limit of \(limits.maxBatchBytes)")
        }
        if batch.measurements.count > limits.maxMeasurementsPerBatch {
            throw LedgerError.oversized(origin: origin.short, seq: batch.seq,
                                        reason: "\(batch.measurements.count) measurements exceed the limit of \(limits.maxMeasurementsPerBatch)")
        }
        guard batch.seq >= 1 else { throw LedgerError.malformed(kind: "batch", reason: "seq 0; logs start at 1") }
        guard let previous = Hash256(bytes: batch.previousHash) else {
            throw LedgerError.malformed(kind: "batch", reason: "previous_hash is not 32 bytes")
        }
        if batch.seq == 1, previous != .zero || batch.previousCreatedMs != 0 {
            throw LedgerError.malformed(kind: "batch", reason: "seq 1 must have a zero previous_hash and previous_created_ms")
        }
        guard batch.createdMs >= batch.previousCreatedMs else {
            throw LedgerError.malformed(kind: "batch", reason: "created before its predecessor")
        }
        if batch.createdMs > nowMs + limits.maxClockSkewMs {
            throw LedgerError.fromTheFuture(origin: origin.short, seq: batch.seq, createdMs: batch.createdMs, nowMs: nowMs)
        }
        if let late = batch.measurements.first(where: { $0.startTimeMs > batch.createdMs + limits.maxClockSkewMs }) {
            throw LedgerError.measurementFromTheFuture(origin: origin.short, seq: batch.seq, aheadMs: late.startTimeMs - batch.createdMs)
        }
        let maxAgeMs = maxMeasurementAgeMs
        if let old = batch.measurements.first(where: { $0.startTimeMs < batch.createdMs - maxAgeMs }) {
            throw LedgerError.measurementTooOld(origin: origin.short, seq: batch.seq, ageMs: batch.createdMs - old.startTimeMs, limitMs: maxAgeMs)
        }
    }

    /// Admits held batches of `origin` that now link to its head, detecting forks on the way.
    mutating func advance(_ origin: NodeID) {
        guard !excluded.contains(origin), (logs[origin]?.heldCount ?? 0) > 0, !enrollments(of: origin).isEmpty else { return }
        // Taken out of the dictionary while it grows, so appending does not copy its batches.
        var log = logs.removeValue(forKey: origin)!
        while true {
            let candidates = log.nextCandidates
            if candidates.count > 1 {
                logs[origin] = log
                exclude(ProofFact(candidates[0], candidates[1])!)
                return
            }
            guard let next = candidates.first else {
                guard let restart = restartPoint(log) else { break }
                let before = log.heldCount
                log.restart(below: restart)
                heldBatchCount -= before - log.heldCount
                continue
            }
            guard enrollment(of: origin, coveringMs: next.record.createdMs) != nil else { break }
            guard log.links(next.record) else {
                if let head = log.batch(seq: log.headSeq) {
                    logs[origin] = log
                    exclude(ProofFact(head, next)!)
                    return
                }
                log.dropHeld { $0.id == next.id }
                heldBatchCount -= 1
                continue
            }
            log.append(next)
            heldArrivals[next.id] = nil
            journalize(.fact(next.id, next.envelope))
            heldBatchCount -= 1
        }
        logs[origin] = log
    }

    /// The held batch to restart the log under, when its predecessor is older than the retention
    /// cutoff (so every replica has pruned it); nil otherwise.
    private func restartPoint(_ log: OriginLog) -> Batch? {
        guard let cutoff = retentionCutoffMs, let lowest = log.lowestHeld, lowest.count == 1 else { return nil }
        let batch = lowest[0].record
        guard batch.seq > log.headSeq + 1, batch.previousCreatedMs < cutoff else { return nil }
        return batch
    }
}
