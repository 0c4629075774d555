import Foundation
import VantageIdentity
import VantageWire

/// Admission of batches into origin logs (protocol/SPEC.md §5).
extension Ledger {
    mutating func insertBatch(_ fact: Verified<Batch>, nowMs: Int64) throws -> Admission {
        // Held in memory until admitted; only admitted batches are stored (and so survive a restart).
        let batch = fact.record
        let origin = fact.signer.id
        try checkShape(fact, origin: origin, nowMs: nowMs)
        if excluded.contains(origin) { throw LedgerError.excluded(origin: origin.short) }
        if isCut(batch, of: origin) {
            throw LedgerError.revoked(origin: origin.short, seq: batch.seq)
        }
        let log = origin.logID(batch.tier)
        if let decided = try hold(fact, origin: origin, log: log, nowMs: nowMs) { return decided }
        advance(log)
        settleRetention()
        if excluded.contains(origin) { return .equivocation(origin: origin) }
        return (logs[log]?.headSeq ?? 0) >= batch.seq ? .added : .held
    }

    /// True when a revocation of `origin` cuts `batch`: by seq in the raw log, by creation time in
    /// the summary log (whose seqs are its own).
    public func isCut(_ batch: Batch, of origin: NodeID) -> Bool {
        isCutByRevocation(origin, seq: batch.tier == .raw ? batch.seq : nil, createdMs: batch.createdMs)
    }

    /// Holds a batch that may link later, or appends one that links now (or decides it at once: a
    /// duplicate, a fork proof, a refusal over quota). Its own function, so no copy of the log
    /// outlives it.
    private mutating func hold(_ fact: Verified<Batch>, origin: NodeID, log logID: NodeID, nowMs: Int64) throws -> Admission? {
        let batch = fact.record
        var log = logs[logID] ?? OriginLog()
        if batch.seq <= log.floorSeq { return .duplicate }
        if batch.seq <= log.headSeq {
            // A store that cannot be read fails the next commit; the batch waits for another exchange.
            guard let existing = store.batch(of: logID, seq: batch.seq) else { return .duplicate }
            if existing.id == fact.id { return .duplicate }
            guard let mine = existing.decoded else { return .duplicate }
            return try insertProof(ProofFact(mine, fact)!, nowMs: nowMs)
        }
        if batch.seq == log.headSeq + 1 {
            guard log.links(batch) else {
                guard log.headSeq > log.floorSeq, let head = store.batch(of: logID, seq: log.headSeq)?.decoded else {
                    throw LedgerError.brokenChain(origin: origin.short, seq: batch.seq,
                                                  reason: "it does not link to the pruned batch #\(log.headSeq)")
                }
                return try insertProof(ProofFact(head, fact)!, nowMs: nowMs)
            }
            if knowsCampaign(of: batch) {
                try checkQuota(fact, after: log.index)
                try checkCampaignOrder(fact, after: log, of: logID)
                // The common case: it links, nothing waits, its signer is enrolled then and its
                // numbers were checked: appended at once, without being held.
                if log.heldCount == 0, enrollment(of: origin, coveringMs: batch.createdMs) != nil {
                    append(fact, to: &log)
                    logs[logID] = log
                    return nil
                }
            }
        }
        guard log.heldCount < limits.maxHeldPerOrigin, heldBatchCount < limits.maxHeldTotal else {
            throw LedgerError.heldFull(origin: origin.short, limit: min(limits.maxHeldPerOrigin, limits.maxHeldTotal))
        }
        guard log.hold(fact) else { return .duplicate }
        heldArrivals[fact.id] = nowMs
        heldBatchCount += 1
        logs[logID] = log
        return nil
    }

    /// Throws when `fact` would take its origin past the daily quota of the campaign it names (the
    /// defaults when it names none).
    private func checkQuota(_ fact: Verified<Batch>, after index: OriginIndex) throws {
        if let excess = quotaExcess(of: fact.record, payloadBytes: fact.envelope.payload.count, after: index) {
            throw LedgerError.overQuota(origin: fact.signer.id.short, seq: fact.record.seq, reason: excess)
        }
    }

    /// Throws when `fact` names a campaign older (by version) than the one the batch it follows
    /// in its log named (SPEC §5.6): a log never goes back to an older, looser campaign's quota,
    /// windows or count bounds. Nothing to compare after a pruned head, nor for a batch naming the
    /// current campaign (the newest: what honest nodes name), so the usual append reads nothing.
    private func checkCampaignOrder(_ fact: Verified<Batch>, after log: OriginLog, of logID: NodeID) throws {
        if let current = campaign, fact.record.campaign == CampaignName.of(current.id) { return }
        guard log.headSeq > log.floorSeq, let head = store.batch(of: logID, seq: log.headSeq),
              let name = BatchPeek.campaign(head.envelope.payload) else { return }
        let before = campaign(named: name)?.record.version ?? 0
        let now = campaign(named: fact.record.campaign)?.record.version ?? 0
        guard now >= before else {
            throw LedgerError.malformed(kind: "batch", reason: "\(fact.signer.id.short)#\(fact.record.seq): it names campaign version \(now), "
                                        + "older than version \(before) that the batch before it named")
        }
    }

    /// Checks what can be checked of a batch alone: origin, size, seq and link fields, clock, and
    /// its numbers against the campaign it names when this ledger has it.
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
        guard batch.campaign.isEmpty || batch.campaign.count == CampaignName.byteCount else {
            throw LedgerError.malformed(kind: "batch", reason: "campaign is not the \(CampaignName.byteCount)-byte name of a campaign")
        }
        if batch.createdMs > nowMs + limits.maxClockSkewMs {
            throw LedgerError.fromTheFuture(origin: origin.short, seq: batch.seq, createdMs: batch.createdMs, nowMs: nowMs)
        }
        if let late = batch.measurements.first(where: { $0.startTimeMs > batch.createdMs + limits.maxClockSkewMs }) {
            throw LedgerError.measurementFromTheFuture(origin: origin.short, seq: batch.seq, aheadMs: late.startTimeMs - batch.createdMs)
        }
        let maxAgeMs = maxMeasurementAgeMs
        if let problem = SummaryShape.problem(of: batch, maxAgeMs: maxAgeMs, skewMs: limits.maxClockSkewMs) {
            throw LedgerError.malformed(kind: "batch", reason: "\(origin.short)#\(batch.seq): \(problem)")
        }
        if let old = batch.measurements.first(where: { $0.startTimeMs < batch.createdMs - maxAgeMs }) {
            throw LedgerError.measurementTooOld(origin: origin.short, seq: batch.seq, ageMs: batch.createdMs - old.startTimeMs, limitMs: maxAgeMs)
        }
        if knowsCampaign(of: batch) { try checkCampaignRules(batch, origin: origin) }
    }

    /// Checks what needs the campaign a batch names (the defaults when it names none): its
    /// numbers (§5.6) and its summaries' counts (§5.8).
    private func checkCampaignRules(_ batch: Batch, origin: NodeID) throws {
        do {
            try Self.checkNumbers(batch, numbering(of: batch))
        } catch {
            throw LedgerError.malformed(kind: "batch", reason: "\(origin.short)#\(batch.seq): \(error)")
        }
        if let problem = SummaryCountLimit.problem(of: batch, campaign: campaign(named: batch.campaign)?.record) {
            throw LedgerError.summaryCounts(origin: origin.short, seq: batch.seq, reason: problem)
        }
    }

    /// Why the ledger would refuse `batch` for its shape or its campaign's rules alone (no chain,
    /// clock or quota): what a report's verifier asks of the batches it carries.
    public func shapeProblem(of batch: Batch) -> String? {
        if let problem = SummaryShape.problem(of: batch, maxAgeMs: maxMeasurementAgeMs, skewMs: limits.maxClockSkewMs) { return problem }
        guard let origin = Hash256(bytes: batch.origin) else { return "origin is not 32 bytes" }
        do {
            try checkCampaignRules(batch, origin: origin)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// True when the ledger has the campaign a batch names (or it names none).
    func knowsCampaign(of batch: Batch) -> Bool {
        batch.campaign.isEmpty || campaign(named: batch.campaign) != nil
    }

    /// Admits held batches of log `logID` that now link to its head, detecting forks on the way. A
    /// batch waits while no enrollment covers it or its campaign is missing; one that turns out
    /// over quota or misnumbered is dropped (its successors then cannot link either).
    mutating func advance(_ logID: NodeID) {
        let origin = owner(ofLog: logID)
        guard !excluded.contains(origin), (logs[logID]?.heldCount ?? 0) > 0, !enrollments(of: origin).isEmpty else { return }
        var log = logs.removeValue(forKey: logID)!
        while true {
            let candidates = log.nextCandidates
            if candidates.count > 1 {
                logs[logID] = log
                exclude(ProofFact(candidates[0], candidates[1])!)
                return
            }
            guard let next = candidates.first else {
                guard let restart = restartPoint(log) else { break }
                let before = log.heldCount
                deleteKept(of: logID, &log)
                log.restart(below: restart)
                heldBatchCount -= before - log.heldCount
                changedOrigins.insert(logID)
                continue
            }
            guard enrollment(of: origin, coveringMs: next.record.createdMs) != nil, knowsCampaign(of: next.record) else { break }
            guard log.links(next.record) else {
                if log.headSeq > log.floorSeq, let head = store.batch(of: logID, seq: log.headSeq)?.decoded {
                    logs[logID] = log
                    exclude(ProofFact(head, next)!)
                    return
                }
                drop(next, from: &log)
                continue
            }
            guard (try? checkQuota(next, after: log.index)) != nil, (try? checkCampaignRules(next.record, origin: origin)) != nil,
                  (try? checkCampaignOrder(next, after: log, of: logID)) != nil else {
                drop(next, from: &log)
                continue
            }
            admit(next, to: &log)
        }
        logs[logID] = log
    }

    /// Drops a held batch that can never be admitted.
    private mutating func drop(_ batch: Verified<Batch>, from log: inout OriginLog) {
        log.dropHeld { $0.id == batch.id }
        heldArrivals[batch.id] = nil
        heldBatchCount -= 1
    }

    /// Appends a held batch that links to the head.
    private mutating func admit(_ batch: Verified<Batch>, to log: inout OriginLog) {
        heldArrivals[batch.id] = nil
        heldBatchCount -= 1
        append(batch, to: &log)
    }

    /// Appends a batch that links to the head: stores it and counts its tallies.
    private mutating func append(_ batch: Verified<Batch>, to log: inout OriginLog) {
        let stored = StoredBatch(batch)
        let firstSummary = batch.record.tier == .summary && log.isEmpty
        log.append(stored)
        store.putBatch(stored)
        noteAttestations(batch)
        // From its first summary on, an origin's windows count from its summary log alone.
        if firstSummary { store.resetTallies(of: batch.signer.id) }
        count(batch, subtract: false)
        changedOrigins.insert(stored.origin)
        newestBatchMs = max(newestBatchMs ?? stored.createdMs, stored.createdMs)
        oldestKeptMs = min(oldestKeptMs ?? stored.createdMs, log.index.firstCreatedMs ?? stored.createdMs)
    }

    /// Deletes every batch a log keeps (with its tallies), leaving its floor where it was.
    mutating func deleteKept(of logID: NodeID, _ log: inout OriginLog) {
        guard log.headSeq > log.floorSeq else { return }
        let seqs = (log.floorSeq + 1)...log.headSeq
        uncount(logID, seqs: seqs)
        deleteBatches(of: logID, seqs: seqs)
    }

    /// The held batch to restart the log under (SPEC §5.5), when every replica has pruned what
    /// lies below it: its predecessor is older than the retention cutoff, so is every batch this
    /// log keeps, and the batch itself is not (nor older than the log's head: a log's time never
    /// runs backwards). Anything else is a gap to fill, never a reason to drop what is kept.
    private func restartPoint(_ log: OriginLog) -> Batch? {
        guard let cutoff = retentionCutoffMs, let lowest = log.lowestHeld, lowest.count == 1 else { return nil }
        let batch = lowest[0].record
        guard batch.seq > log.headSeq + 1, batch.previousCreatedMs < cutoff, log.head.createdMs < cutoff,
              batch.createdMs >= cutoff, batch.createdMs >= log.head.createdMs, batch.previousCreatedMs >= log.head.createdMs else { return nil }
        return batch
    }
}
