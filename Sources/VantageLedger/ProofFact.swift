import Foundation
import VantageIdentity
import VantageWire

/// A verified equivocation proof: two batches signed by one origin into the same log (tier) that
/// no honest chain can both contain — two different batches with the same seq, or consecutive seqs whose link
/// (previous hash or previous creation time) does not match.
public struct ProofFact: Sendable {
    /// SHA-256 of "vantage/equivocation/v2\0" followed by the two batch ids in ascending order.
    public let id: Hash256
    /// The node that equivocated.
    public let origin: NodeID
    /// The batch with the smaller id.
    public let first: Verified<Batch>
    /// The batch with the larger id.
    public let second: Verified<Batch>

    /// Builds a proof from two conflicting batches; nil when they do not conflict.
    public init?(_ a: Verified<Batch>, _ b: Verified<Batch>) {
        guard a.id != b.id, a.signer == b.signer, a.record.tier == b.record.tier, Self.conflict(a, b) else { return nil }
        (first, second) = a.id < b.id ? (a, b) : (b, a)
        origin = a.signer.id
        id = Hash256.of(Domain.tag("equivocation") + first.id.bytes + second.id.bytes)
    }

    /// Verifies a proof received from a peer: both signatures, one signer, a real conflict.
    public init(verifying proof: EquivocationProof) throws {
        let a: Verified<Batch>
        let b: Verified<Batch>
        do {
            a = try Verified(batch: proof.first)
            b = try Verified(batch: proof.second)
        } catch let error as IdentityError {
            throw LedgerError.unverified("equivocation proof: \(error)")
        }
        guard Hash256(bytes: a.record.origin) == a.signer.id, Hash256(bytes: b.record.origin) == b.signer.id else {
            throw LedgerError.malformed(kind: "equivocation proof", reason: "a batch's origin is not its signer")
        }
        guard let fact = ProofFact(a, b) else {
            throw LedgerError.malformed(kind: "equivocation proof", reason: "the two batches do not conflict")
        }
        self = fact
    }

    /// The proof as a wire message.
    public var message: EquivocationProof {
        var proof = EquivocationProof()
        proof.first = first.envelope
        proof.second = second.envelope
        return proof
    }

    private static func conflict(_ a: Verified<Batch>, _ b: Verified<Batch>) -> Bool {
        let (x, y) = (a.record, b.record)
        if x.seq == y.seq { return true }
        let (earlier, later) = x.seq < y.seq ? (a, b) : (b, a)
        guard later.record.seq == earlier.record.seq + 1 else { return false }
        return Hash256(bytes: later.record.previousHash) != earlier.id
            || later.record.previousCreatedMs != earlier.record.createdMs
    }
}

extension Ledger {
    /// Inserts a verified equivocation proof: the origin is excluded and its log dropped.
    /// A proof for an origin that has no enrollment yet is held until one arrives.
    @discardableResult
    public mutating func insertProof(_ proof: ProofFact, nowMs: Int64) throws -> Admission {
        guard proofs[proof.origin] == nil, heldProofs[proof.id] == nil else { return .duplicate }
        for batch in [proof.first, proof.second] where batch.envelope.payload.count > limits.maxBatchBytes {
            throw LedgerError.oversized(origin: proof.origin.short, seq: batch.record.seq,
                                        reason: "a batch of an equivocation proof has \(batch.envelope.payload.count) bytes, beyond the limit of \(limits.maxBatchBytes)")
        }
        stamp = LedgerMemo.freshStamp()
        guard !enrollments(of: proof.origin).isEmpty else {
            guard heldProofs.count < limits.maxHeldOther else {
                throw LedgerError.heldFull(origin: proof.origin.short, limit: limits.maxHeldOther)
            }
            heldProofs[proof.id] = proof
            heldArrivals[proof.id] = nowMs
            return .held
        }
        exclude(proof)
        return .equivocation(origin: proof.origin)
    }

    /// Records (and stores) the proof and drops the origin's log, batches and tallies: an origin
    /// that forked its log is trusted for nothing.
    mutating func exclude(_ proof: ProofFact) {
        precondition(proofs[proof.origin] == nil, "an origin is excluded once")
        proofs[proof.origin] = proof
        store.putProof(proof)
        smallStamp = LedgerMemo.freshStamp()
        for logID in [proof.origin, proof.origin.summaryLogID] {
            guard let log = logs.removeValue(forKey: logID) else { continue }
            heldBatchCount -= log.heldCount
            store.deleteOrigin(logID)
            changedOrigins.remove(logID)
            noteTimes()
        }
        forgetAttestations(of: proof.origin.summaryLogID, seqs: 0...UInt64.max)
    }
}
