import Foundation
import Logging
import VantageIdentity
import VantageLedger
import VantageStore

/// A node that lost its store must not sign again what it signed before: it learns its own log
/// back from its peers first (protocol/SPEC.md §8, `signed.head`).
extension NodeAgent {
    /// The head to wait for, when `signed.head` is ahead of the store; nil when the store is
    /// current (the file is brought up to the store when the store is ahead of it).
    static func recoveryTarget(node: NodeDirectory, ledger: Ledger, id: NodeID, logger: Logger) throws -> ChainHead? {
        let stored = ledger.head(of: id)
        guard let signed = try SignedHeadFile.read(node.signedHeadPath) else {
            if stored.seq > 0 { try SignedHeadFile.write(stored, to: node.signedHeadPath) }
            return nil
        }
        guard signed.seq > stored.seq else {
            if stored.seq > signed.seq { try SignedHeadFile.write(stored, to: node.signedHeadPath) }
            return nil
        }
        logger.warning("recovering: this node signed batches up to seq \(signed.seq) but its store holds \(stored.seq); it signs nothing until its peers return its log",
                       metadata: ["signed_head": "\(signed.seq)", "stored_head": "\(stored.seq)"])
        return signed
    }

    /// Leaves recovery once the ledger holds this node's log up to the signed head.
    func checkRecovery() {
        guard let target = recovering else { return }
        let head = ledger.head(of: id)
        guard head.seq >= target.seq else { return }
        let held = ledger.batch(of: id, seq: target.seq)
        if let held, held.id != target.hash {
            logger.critical("recovered log differs from signed.head at seq \(target.seq); signing continues after the ledger's head",
                            metadata: ["ledger": "\(held.id.short)", "signed_head": "\(target.hash.short)"])
        }
        logger.notice("recovered: peers returned this node's log up to seq \(head.seq); signing again")
        recovering = nil
    }

    /// Why this node cannot sign now, for the API and the probe loop; nil when it can.
    var cannotSign: String? {
        recovering.map { "this node is recovering its own log (its store was lost): it signs again once its peers have returned its batches up to seq \($0.seq)" }
    }

    /// Records a batch this node signed and committed, before it is announced.
    func rememberSigned(_ head: ChainHead) {
        do {
            try SignedHeadFile.write(head, to: node.signedHeadPath)
        } catch {
            logger.critical("cannot write signed.head; stopping", metadata: ["reason": "\(error)"])
            storeFailure = StoreError("\(error)")
        }
    }
}
