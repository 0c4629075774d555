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
        for (_, log) in logs.sorted(by: { $0.key < $1.key }) {
            snapshot.facts.append(contentsOf: log.batches.map(\.envelope))
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
}
