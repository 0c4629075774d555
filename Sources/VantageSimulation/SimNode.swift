import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// One simulated node: the real gossip machine and the real ledger, plus what it made durable.
struct SimNode {
    let index: Int
    let key: SigningKey
    let asn: UInt32
    var gossip: GossipNode
    var ledger: Ledger
    /// Every fact this node persisted, in order: what a restart replays.
    var durable: [JournalEntry] = []
    var up = true
    /// Batches this node had admitted when it last crashed, to check the restart kept them.
    var acknowledgedAtCrash: [NodeID: UInt64] = [:]

    var id: NodeID { key.publicKey.id }

    /// Moves the ledger's journal to the durable list.
    mutating func persist() {
        durable += ledger.takeJournal()
    }

    /// Rebuilds the ledger from `base` (the roster every node starts with) and the durable facts.
    mutating func restart(base: Ledger, settings: GossipSettings, nowMs: Int64, cache: VerificationCache) {
        var ledger = base
        ledger.journaling = true
        var delta = Delta()
        var proofs: [ProofFact] = []
        for entry in durable {
            switch entry {
            case .fact(_, let envelope):
                if envelope.kind == .batch { delta.batches.append(envelope) } else { delta.facts.append(envelope) }
            case .proof(let proof):
                proofs.append(proof)
            }
        }
        _ = ledger.apply(delta, nowMs: nowMs, verify: cache.verify)
        for proof in proofs { _ = try? ledger.insertProof(proof) }
        _ = ledger.takeJournal()
        self.ledger = ledger
        gossip = GossipNode(id: id, asn: asn, settings: settings)
        up = true
    }
}
