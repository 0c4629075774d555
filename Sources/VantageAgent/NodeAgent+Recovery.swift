import Foundation
import Logging
import VantageIdentity
import VantageLedger
import VantageStore
import VantageWire

/// A node that lost its store must not sign again what it signed before: it learns its own logs
/// back from its peers first (protocol/SPEC.md §8, `signed.head` and `signed.summary-head`).
extension NodeAgent {
    /// The heads to wait for, per log, where the signed-head file is ahead of the store (a file
    /// behind the store is brought up to it).
    static func recoveryTargets(node: NodeDirectory, ledger: Ledger, id: NodeID, logger: Logger) throws -> [LogTier: ChainHead] {
        var targets: [LogTier: ChainHead] = [:]
        for tier in [LogTier.raw, .summary] {
            let path = node.signedHeadPath(tier)
            let stored = ledger.head(of: id, tier: tier)
            guard let signed = try SignedHeadFile.read(path) else {
                if stored.seq > 0 { try SignedHeadFile.write(stored, to: path) }
                continue
            }
            guard signed.seq > stored.seq else {
                if stored.seq > signed.seq { try SignedHeadFile.write(stored, to: path) }
                continue
            }
            logger.warning("recovering: this node signed batches up to seq \(signed.seq) but its store holds \(stored.seq) (\(tier.logName)); it signs nothing until its peers return its log",
                           metadata: ["signed_head": "\(signed.seq)", "stored_head": "\(stored.seq)", "log": "\(tier.logName)"])
            targets[tier] = signed
        }
        return targets
    }

    /// Leaves recovery of each log once the ledger holds it up to the signed head.
    func checkRecovery() {
        for (tier, target) in recovering.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let head = ledger.head(of: id, tier: tier)
            guard head.seq >= target.seq else { continue }
            let held = ledger.batch(of: id.logID(tier), seq: target.seq)
            if let held, held.id != target.hash {
                logger.critical("recovered \(tier.logName) differs from its signed head at seq \(target.seq); signing continues after the ledger's head",
                                metadata: ["ledger": "\(held.id.short)", "signed_head": "\(target.hash.short)"])
            }
            logger.notice("recovered: peers returned this node's log up to seq \(head.seq) (\(tier.logName))")
            recovering[tier] = nil
        }
    }

    /// Why this node cannot sign now, for the API and the probe loop; nil when it can.
    var cannotSign: String? {
        guard !recovering.isEmpty else { return nil }
        let logs = recovering.sorted { $0.key.rawValue < $1.key.rawValue }.map { "up to seq \($0.value.seq) of its \($0.key.logName)" }
        return "this node is recovering its own log (its store was lost): it signs again once its peers have returned its batches "
            + logs.joined(separator: " and ")
            + "; if it was cut off before they left it, no peer can: make a new node folder and have it enrolled (README, Reliability)"
    }

    /// Records a batch of log `tier` this node signed and committed, before it is announced.
    func rememberSigned(_ head: ChainHead, tier: LogTier) {
        do {
            try SignedHeadFile.write(head, to: node.signedHeadPath(tier))
        } catch {
            logger.critical("cannot write the signed head of the \(tier.logName); stopping", metadata: ["reason": "\(error)"])
            storeFailure = StoreError("\(error)")
        }
    }
}

extension LogTier {
    /// "raw log" or "summary log", for messages.
    var logName: String { self == .summary ? "summary log" : "raw log" }
}
