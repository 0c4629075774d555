import Foundation
import VantageIdentity
import VantageWire

/// Opening a stored ledger and committing to it (protocol/SPEC.md §8).
extension Ledger {
    /// Writes what changed since the last commit durably (`powerSafe`: synced so that a power cut
    /// keeps it). Nothing that depends on it may be announced before this returns; a failure names
    /// the store and what was lost.
    public mutating func commit(powerSafe: Bool = false) throws {
        for origin in changedOrigins.sorted() {
            if let log = logs[origin] { store.putOrigin(origin, log.index) }
        }
        changedOrigins.removeAll()
        if storedTallyBasis != tallyBasis {
            store.putTallyBasis(tallyBasis)
            storedTallyBasis = tallyBasis
        }
        try store.commit(powerSafe: powerSafe)
    }

    /// True when accepted facts wait for `commit`.
    public var hasUncommitted: Bool { !changedOrigins.isEmpty || storedTallyBasis != tallyBasis || store.hasUncommitted }

    /// The ledger kept in `store`, read from its index: the small facts are decoded (not verified:
    /// they were verified before they were stored), each origin's floor and head come from its
    /// index row, and the batches and tallies stay in the store. A row that no longer decodes is
    /// moved aside; tallies counted under another window or measurement age are counted again.
    public static func open(root: PublicKey, store: any FactStore, limits: LedgerLimits = LedgerLimits()) throws -> (Ledger, OpenReport) {
        let state = try store.load()
        var ledger = Ledger(root: root, limits: limits, store: store)
        var report = OpenReport(quarantined: state.unreadable, repaired: state.repaired)
        ledger.storedTallyBasis = state.tallyBasis
        for row in state.facts {
            do {
                try ledger.restore(SignedFact(stored: row.value))
            } catch {
                report.quarantined.append(UnreadableRow(table: "fact", key: row.key, reason: "\(error)"))
            }
        }
        for row in state.proofs {
            do {
                let proof = try ProofFact(stored: row.value)
                ledger.proofs[proof.origin] = proof
            } catch {
                report.quarantined.append(UnreadableRow(table: "proof", key: row.key, reason: "\(error)"))
            }
        }
        for (origin, index) in state.origins where ledger.proofs[ledger.owner(ofLog: origin)] == nil {
            ledger.logs[origin] = OriginLog(index: index)
        }
        ledger.changedOrigins.formUnion(state.repaired.filter { ledger.logs[$0] != nil })
        ledger.noteTimes()
        if !report.quarantined.isEmpty { ledger.store.quarantine(report.quarantined) }
        if state.tallyBasis != ledger.tallyBasis {
            ledger.recountTallies(of: nil)
            report.recounted = true
        } else {
            for origin in state.repaired where ledger.logs[origin] != nil { ledger.recountTallies(of: origin) }
        }
        try ledger.commit()
        return (ledger, report)
    }

    /// Puts a stored small fact back into its set, with what is derived from it.
    private mutating func restore(_ fact: SignedFact) throws {
        switch fact {
        case .enrollment(let v):
            let node = try PublicKey(raw: Array(v.record.nodePublicKey)).id
            enrollments[v.id] = v
            enrollmentsByNode[node, default: []].append(v)
            noteLogs(of: node)
        case .revocation(let v):
            guard let node = Hash256(bytes: v.record.nodeID) else { throw LedgerError.malformed(kind: "revocation", reason: "node_id is not 32 bytes") }
            revocations[v.id] = v
            revocationsByNode[node, default: []].append(v)
        case .campaign(let v):
            addCampaign(v)
        case .batch(let v) where v.record.tier == .summary && !v.record.attestations.isEmpty:
            attestationIndex[v.id] = AttestationEntry(v)
        case .batch, .enrollmentRequest:
            throw LedgerError.malformed(kind: "stored fact", reason: "a raw batch or an enrollment request among the small facts")
        }
    }

    /// Recomputes the newest batch time and the oldest kept batch time from the logs.
    mutating func noteTimes() {
        let kept = logs.values.filter { !$0.isEmpty }
        newestBatchMs = kept.map(\.headCreatedMs).max()
        oldestKeptMs = kept.compactMap(\.index.firstCreatedMs).min()
    }
}

extension ProofFact {
    /// A proof read back from this node's own store (verified before it was stored).
    init(stored proof: EquivocationProof) throws {
        guard let fact = ProofFact(try Verified(storedBatch: proof.first), try Verified(storedBatch: proof.second)) else {
            throw LedgerError.malformed(kind: "stored equivocation proof", reason: "the two batches do not conflict")
        }
        self = fact
    }
}
