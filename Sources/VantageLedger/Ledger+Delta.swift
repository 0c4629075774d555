import Foundation
import VantageIdentity
import VantageWire

/// Deltas: the facts a peer lacks, given its version vector, small facts first.
extension Ledger {
    /// Roster, revocations and campaigns, in that order.
    public var smallFactEnvelopes: [Envelope] {
        enrollments.values.sorted { $0.id < $1.id }.map(\.envelope)
            + revocations.values.sorted { $0.id < $1.id }.map(\.envelope)
            + campaigns.values.sorted { $0.id < $1.id }.map(\.envelope)
    }

    /// The facts a replica with vector `peer` lacks, within about `maxBytes` of envelopes, every
    /// part counted: small facts of the buckets in which the peer differs (from `startBucket` on),
    /// then batches (at least one, so an exchange always makes progress). When the peer's head of
    /// an origin differs from ours at the same seq, our batch at that seq is sent too, so the peer
    /// can detect the fork. Of a partial vector only the origins it covers are answered, and of
    /// the logs only those in `scope` (SPEC §7.4).
    public func delta(since peer: VersionVector, scope: LogScope = .all, maxBytes: Int = Int.max, startBucket: Int = 0) -> Delta {
        var delta = Delta()
        var budget = maxBytes
        if peer.smallFactsDigest != smallFactsDigest {
            appendSmallFacts(for: peer, startBucket: startBucket, to: &delta, budget: &budget)
        }
        for (origin, log) in logs.sorted(by: { $0.key < $1.key }) where peer.covers(origin) && covers(scope, log: origin) {
            var start = log.floorSeq + 1
            if let theirs = peer[origin] {
                start = max(start, theirs.headSeq + 1)
                if theirs.headSeq > log.floorSeq, theirs.headSeq <= log.headSeq,
                   store.batch(of: origin, seq: theirs.headSeq)?.id != theirs.headHash {
                    start = theirs.headSeq
                }
            }
            guard appendBatches(of: origin, from: start, to: log.headSeq, to: &delta, budget: &budget) else { return delta }
        }
        return delta
    }

    /// Appends `origin`'s stored batches `from...to` while the budget lasts (at least one batch per
    /// delta); false, with `delta.truncated` set, when the budget ran out.
    private func appendBatches(of origin: NodeID, from: UInt64, to: UInt64, to delta: inout Delta, budget: inout Int) -> Bool {
        guard let log = logs[origin] else { return true }
        let lower = max(from, log.floorSeq + 1)
        let upper = min(to, log.headSeq)
        guard lower <= upper else { return true }
        var full = false
        _ = store.batches(of: origin, seqs: lower...upper) { batch in
            if budget - batch.wireSize < 0 && !delta.batches.isEmpty {
                full = true
                return false
            }
            budget -= batch.wireSize
            delta.batches.append(batch.envelope)
            return true
        }
        if full { delta.truncated = true }
        return !full
    }

    /// Verifies and inserts every fact of a delta from a peer. A fact the ledger holds already is
    /// a duplicate without being verified again; a refused fact is reported and skipped; the rest
    /// still enter. `verify` is Ed25519 verification; a shell may pass one that looks up facts it
    /// verified beforehand (off its actor), the simulator one that verifies each envelope once.
    public mutating func apply(_ delta: Delta, nowMs: Int64,
                               verify: (Envelope) throws -> SignedFact = SignedFact.init(verifying:)) -> ApplyReport {
        var report = ApplyReport()
        for envelope in delta.facts {
            if holds(envelope) { report.duplicates += 1; continue }
            report.record { try insert(Self.verify(envelope, with: verify), nowMs: nowMs) }
        }
        for proof in delta.proofs {
            report.record { try insertProof(ProofFact(verifying: proof), nowMs: nowMs) }
        }
        var pushed: [NodeID: UInt64] = [:]
        var before: [NodeID: UInt64] = [:]
        for envelope in delta.batches {
            if let (log, seq) = envelope.batchPosition {
                pushed[log] = min(pushed[log] ?? .max, seq)
                if before[log] == nil { before[log] = logs[log]?.head.seq ?? 0 }
            }
            if holds(envelope) { report.duplicates += 1; continue }
            report.record { try insert(Self.verify(envelope, with: verify), nowMs: nowMs) }
        }
        report.gaps = gaps(below: pushed)
        report.advanced = before.sorted { $0.key < $1.key }.compactMap { log, seq in
            let head = logs[log]?.head.seq ?? 0
            return head > seq ? ApplyReport.Gap(origin: log, fromSeq: seq + 1, toSeq: head) : nil
        }
        return report
    }

    /// The envelopes of `delta` that this ledger does not hold: what is worth verifying.
    public func unheld(in delta: Delta) -> [Envelope] {
        (delta.facts + delta.batches).filter { !holds($0) }
    }

    /// For each log, the seqs missing between its head and the lowest seq received beyond it.
    private func gaps(below lowest: [NodeID: UInt64]) -> [ApplyReport.Gap] {
        lowest.sorted { $0.key < $1.key }.compactMap { origin, seq in
            guard !excluded.contains(owner(ofLog: origin)) else { return nil }
            let head = logs[origin]?.head.seq ?? 0
            return seq > head + 1 ? ApplyReport.Gap(origin: origin, fromSeq: head + 1, toSeq: seq - 1) : nil
        }
    }

    /// Merges another replica: set union of every fact it received, admitted or held. Both hold
    /// only verified facts, so nothing is verified again. What is admitted is a function of the
    /// union alone, which makes merge commutative, associative and idempotent.
    public mutating func merge(_ other: Ledger, nowMs: Int64) {
        precondition(other.root == root, "merge of ledgers of different meshes")
        stamp = LedgerMemo.freshStamp()
        for fact in other.enrollments.values.sorted(by: { $0.id < $1.id }) { _ = try? insertEnrollment(fact) }
        for fact in other.revocations.values.sorted(by: { $0.id < $1.id }) { _ = try? insertRevocation(fact) }
        for fact in other.campaigns.values.sorted(by: { $0.id < $1.id }) { _ = try? insertCampaign(fact) }
        for proof in other.proofs.values.sorted(by: { $0.origin < $1.origin }) { _ = try? insertProof(proof, nowMs: nowMs) }
        for proof in other.heldProofs.values.sorted(by: { $0.id < $1.id }) { _ = try? insertProof(proof, nowMs: nowMs) }
        for (origin, log) in other.logs.sorted(by: { $0.key < $1.key }) {
            for stored in other.storedBatches(of: origin) {
                if let batch = stored.decoded { _ = try? insertBatch(batch, nowMs: nowMs) }
            }
            for batch in log.heldBatches { _ = try? insertBatch(batch, nowMs: nowMs) }
        }
    }
}

/// What applying a delta did, fact by fact.
public struct ApplyReport: Sendable, Equatable {
    /// Facts that entered the ledger.
    public var added = 0
    /// Facts already held.
    public var duplicates = 0
    /// Facts held waiting for a predecessor or an enrollment.
    public var held = 0
    /// Origins found equivocating.
    public var equivocations = 0
    /// Refusals, each with its reason.
    public var refused: [LedgerError] = []
    /// Seqs still missing below batches that arrived ahead of their predecessors, by log.
    public var gaps: [Gap] = []
    /// Seqs the delta's batches admitted (its logs' heads moved over them), by log.
    public var advanced: [Gap] = []

    /// Seqs `fromSeq...toSeq` of log `origin`: missing below a batch that arrived, or admitted.
    public struct Gap: Sendable, Equatable {
        public var origin: NodeID
        public var fromSeq: UInt64
        public var toSeq: UInt64

        /// A gap of `origin`'s log.
        public init(origin: NodeID, fromSeq: UInt64, toSeq: UInt64) {
            self.origin = origin
            self.fromSeq = fromSeq
            self.toSeq = toSeq
        }
    }

    mutating func record(_ insert: () throws -> Admission) {
        do {
            switch try insert() {
            case .added: added += 1
            case .duplicate, .superseded: duplicates += 1
            case .held: held += 1
            case .equivocation: equivocations += 1
            }
        } catch let error as LedgerError {
            refused.append(error)
        } catch {
            refused.append(.malformed(kind: "fact", reason: "\(error)"))
        }
    }
}

extension Envelope {
    /// Approximate encoded size: the three byte fields and their tags.
    public var wireSize: Int { payload.count + signer.count + signature.count + 12 }
}

extension Ledger {
    /// The batches of logs in `scope` a peer asked for with Want ranges, within about `maxBytes`.
    public func delta(for ranges: [WantRange], scope: LogScope = .all, maxBytes: Int) -> Delta {
        var delta = Delta()
        var budget = maxBytes
        for range in ranges {
            guard let origin = log(named: range.origin), logs[origin] != nil, covers(scope, log: origin), let seqs = range.seqs else { continue }
            guard appendBatches(of: origin, from: seqs.lowerBound, to: seqs.upperBound, to: &delta, budget: &budget) else { return delta }
        }
        return delta
    }
}
