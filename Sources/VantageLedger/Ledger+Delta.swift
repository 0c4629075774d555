import Foundation
import VantageIdentity
import VantageWire

/// Deltas: the facts a peer lacks, given its version vector, small facts first.
extension Ledger {
    /// Roster, revocations, campaign and attestations, in that order.
    public var smallFactEnvelopes: [Envelope] {
        enrollments.values.sorted { $0.id < $1.id }.map(\.envelope)
            + revocations.values.sorted { $0.id < $1.id }.map(\.envelope)
            + (campaign.map { [$0.envelope] } ?? [])
            + attestations.values.sorted { $0.id < $1.id }.map(\.envelope)
    }

    /// The facts a replica with vector `peer` lacks, within about `maxBytes` of envelopes
    /// (at least one batch is always included so an exchange makes progress).
    /// Small facts are skipped when the peer's small-facts digest equals ours. When the peer's
    /// head of an origin differs from ours at the same seq, our batch at that seq is sent too,
    /// so the peer can detect the fork.
    public func delta(since peer: VersionVector, maxBytes: Int = Int.max) -> Delta {
        var delta = Delta()
        var budget = maxBytes
        if peer.smallFactsDigest != versionVector.smallFactsDigest {
            delta.facts = smallFactEnvelopes
            delta.proofs = proofs.values.sorted { $0.origin < $1.origin }.map(\.message)
            budget -= delta.facts.reduce(0) { $0 + $1.wireSize }
            budget -= delta.proofs.reduce(0) { $0 + $1.first.wireSize + $1.second.wireSize }
        }
        for (origin, log) in logs.sorted(by: { $0.key < $1.key }) {
            var start = log.floorSeq + 1
            if let theirs = peer[origin] {
                start = max(start, theirs.headSeq + 1)
                if let mine = log.batch(seq: theirs.headSeq), mine.id != theirs.headHash {
                    start = theirs.headSeq
                }
            }
            guard Self.appendBatches(of: log, from: start, to: log.headSeq, to: &delta, budget: &budget) else { return delta }
        }
        return delta
    }

    /// Appends batches `from...to` of a log while the budget lasts (at least one batch per delta);
    /// false, with `delta.truncated` set, when the budget ran out.
    private static func appendBatches(of log: OriginLog, from: UInt64, to: UInt64, to delta: inout Delta, budget: inout Int) -> Bool {
        let lower = max(from, log.floorSeq + 1)
        let upper = min(to, log.headSeq)
        guard lower <= upper else { return true }
        for seq in lower...upper {
            let envelope = log.batch(seq: seq)!.envelope
            if budget - envelope.wireSize < 0 && !delta.batches.isEmpty {
                delta.truncated = true
                return false
            }
            budget -= envelope.wireSize
            delta.batches.append(envelope)
        }
        return true
    }

    /// Verifies and inserts every fact of a delta from a peer. A refused fact is reported and
    /// skipped; the rest still enter. `verify` is Ed25519 verification; the simulator passes one
    /// that verifies each distinct envelope once.
    public mutating func apply(_ delta: Delta, nowMs: Int64,
                               verify: (Envelope) throws -> SignedFact = SignedFact.init(verifying:)) -> ApplyReport {
        var report = ApplyReport()
        for envelope in delta.facts {
            report.record { try insert(Self.verify(envelope, with: verify), nowMs: nowMs) }
        }
        for proof in delta.proofs {
            report.record { try insertProof(ProofFact(verifying: proof)) }
        }
        var pushed: [NodeID: UInt64] = [:]
        for envelope in delta.batches {
            report.record {
                let fact = try Self.verify(envelope, with: verify)
                if case .batch(let batch) = fact { pushed[batch.signer.id] = min(pushed[batch.signer.id] ?? .max, batch.record.seq) }
                return try insert(fact, nowMs: nowMs)
            }
        }
        report.gaps = gaps(below: pushed)
        return report
    }

    /// For each origin, the seqs missing between its head and the lowest seq received beyond it.
    private func gaps(below lowest: [NodeID: UInt64]) -> [ApplyReport.Gap] {
        lowest.sorted { $0.key < $1.key }.compactMap { origin, seq in
            guard !excluded.contains(origin) else { return nil }
            let head = head(of: origin).seq
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
        if let campaign = other.campaign { _ = try? insertCampaign(campaign) }
        for proof in other.proofs.values.sorted(by: { $0.origin < $1.origin }) { _ = try? insertProof(proof) }
        for fact in other.attestations.values.sorted(by: { $0.id < $1.id }) { _ = try? insertAttestation(fact) }
        for fact in other.heldAttestations.values.sorted(by: { $0.id < $1.id }) { _ = try? insertAttestation(fact) }
        for proof in other.heldProofs.values.sorted(by: { $0.id < $1.id }) { _ = try? insertProof(proof) }
        for (_, log) in other.logs.sorted(by: { $0.key < $1.key }) {
            for batch in log.batches + log.heldBatches { _ = try? insertBatch(batch, nowMs: nowMs) }
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
    /// Seqs still missing below batches that arrived ahead of their predecessors, by origin.
    public var gaps: [Gap] = []

    /// Seqs `fromSeq...toSeq` of `origin`, missing below a batch that arrived.
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
    var wireSize: Int { payload.count + signer.count + signature.count + 12 }
}

extension Ledger {
    /// The batches a peer asked for with Want ranges, within about `maxBytes`.
    public func delta(for ranges: [WantRange], maxBytes: Int) -> Delta {
        var delta = Delta()
        var budget = maxBytes
        for range in ranges {
            guard let origin = Hash256(bytes: range.origin), let log = logs[origin] else { continue }
            guard Self.appendBatches(of: log, from: range.fromSeq, to: range.toSeq, to: &delta, budget: &budget) else { return delta }
        }
        return delta
    }
}
