import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// One simulated node: the real gossip machine and the real ledger over an in-memory store,
/// which is what survives a crash.
struct SimNode {
    let index: Int
    let key: SigningKey
    let asn: UInt32
    var gossip: GossipNode
    var ledger: Ledger
    var up = true
    /// Batches this node had admitted when it last crashed, to check the restart kept them.
    var acknowledgedAtCrash: [NodeID: UInt64] = [:]

    var id: NodeID { key.publicKey.id }

    /// Commits the ledger's accepted facts to its store (memory: it cannot fail).
    mutating func commit() {
        try! ledger.commit()
    }

    /// Rebuilds the ledger from its store, as a restarted agent does, and forgets every peer.
    mutating func restart(settings: GossipSettings) {
        ledger = try! Ledger.open(root: ledger.root, store: ledger.store).0
        gossip = GossipNode(id: id, asn: asn, settings: settings)
        up = true
    }
}
