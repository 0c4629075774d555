import Foundation
import VantageIdentity
import VantageWire

/// Whole-ledger snapshots: every fact, for files, export and test vectors.
extension Ledger {
    /// Every fact of the ledger in canonical order (small facts, then batches by origin and seq).
    public var snapshot: LedgerSnapshot {
        var snapshot = LedgerSnapshot()
        snapshot.meshRoot = Data(root.raw)
        snapshot.facts = smallFactEnvelopes
        for origin in logs.keys.sorted() {
            snapshot.facts.append(contentsOf: storedBatches(of: origin).map(\.envelope))
        }
        snapshot.proofs = proofs.values.sorted { $0.origin < $1.origin }.map(\.message)
        return snapshot
    }

    /// Rebuilds a ledger from a snapshot, verifying every fact; refusals are returned, not thrown.
    public static func load(_ snapshot: LedgerSnapshot, nowMs: Int64, limits: LedgerLimits = LedgerLimits()) throws -> (Ledger, ApplyReport) {
        let root: PublicKey
        do {
            root = try PublicKey(raw: Array(snapshot.meshRoot))
        } catch {
            throw LedgerError.malformed(kind: "ledger snapshot", reason: "mesh_root is not a 32-byte Ed25519 key")
        }
        var ledger = Ledger(root: root, limits: limits)
        let report = ledger.apply(chainOrdered(snapshot.facts, proofs: snapshot.proofs), nowMs: nowMs)
        return (ledger, report)
    }

    /// A delta of `facts` with small facts first and batches in chain order (by log, then seq),
    /// so a long log is admitted batch after batch instead of being held (and, past the held limit,
    /// refused) until its predecessors come.
    static func chainOrdered(_ facts: [Envelope], proofs: [EquivocationProof]) -> Delta {
        var delta = Delta()
        delta.facts = facts.filter { $0.kind != .batch }
        let batches: [(envelope: Envelope, log: NodeID, seq: UInt64)] = facts.filter { $0.kind == .batch }.map { envelope in
            let position = envelope.batchPosition
            return (envelope, position?.log ?? .zero, position?.seq ?? 0)
        }
        delta.batches = batches.sorted { a, b in a.log == b.log ? a.seq < b.seq : a.log < b.log }.map(\.envelope)
        delta.proofs = proofs
        return delta
    }
}
