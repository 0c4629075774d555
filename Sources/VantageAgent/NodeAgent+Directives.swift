import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageStore
import VantageWire

/// Performing the gossip machine's directives, and inserting facts durably.
extension NodeAgent {
    func perform(_ directives: [GossipDirective]) {
        for directive in directives {
            switch directive {
            case .send(let frame, let peer):
                connections[peer]?.send(frame)
                if case .delta(let delta) = frame.body { metrics.batchesOut.increment(by: delta.batches.count) }
                if case .push = frame.body { metrics.batchesOut.increment() }
            case .apply(let delta, let peer):
                perform(gossip.onApplied(apply(delta, from: peer), from: peer, ledger: ledger, using: &rng))
            case .dial(let address):
                dialRequests?.yield((address, ledger.coverName))
            case .disconnect(let peer, let reason):
                logger.warning("disconnecting peer", metadata: ["peer": "\(peer.short)", "reason": "\(reason)"])
                metrics.refused(reason.label)
                connections[peer]?.close()
            case .outOfTier(let peer, let count):
                metrics.refused("out_of_tier")
                logger.warning("batches refused: their logs are kept by archivers only", metadata: ["peer": "\(peer.short)", "batches": "\(count)"])
            case .evidence(let batches, let peer):
                receiveEvidence(batches, from: peer)
            case .forwardEvidence(let ranges, let peer):
                forwardEvidence(ranges, to: peer)
            case .rateLimited(let peer):
                metrics.refused("rate_limited")
                logger.debug("request not answered: rate limit", metadata: ["peer": "\(peer.short)"])
            case .exchangeEnded(let peer, let outcome):
                metrics.syncRounds.increment()
                switch outcome {
                case .inSync: metrics.exchange("in_sync")
                case .synced: metrics.exchange("synced")
                case .failed(let reason):
                    metrics.exchange("failed")
                    logger.info("exchange failed", metadata: ["peer": "\(peer.short)", "reason": "\(reason)"])
                }
            }
        }
    }

    /// Refusals of one delta logged one by one; the rest are logged as a count by reason.
    static let refusalsLoggedPerDelta = 3

    /// Verifies and inserts a delta, makes what was accepted durable, and logs its refusals.
    func apply(_ delta: Delta, from peer: NodeID) -> ApplyReport {
        let before = ledger.batchCount
        let verified = verifiedAhead
        let report = ledger.apply(delta, nowMs: nowMs) { envelope in
            try verified[envelope]?.get() ?? SignedFact(verifying: envelope)
        }
        commit()
        metrics.batchesIn.increment(by: max(0, ledger.batchCount - before))
        for log in Set(report.advanced.map(\.origin)) {
            metrics.propagationLag.recordMilliseconds(max(0, nowMs - ledger.span(of: log).head.createdMs))
        }
        for refusal in report.refused { metrics.refused(refusal.label) }
        // The first few by name; the rest of a delta counted by reason, so that a peer relaying a
        // hostile origin's thousand entries does not bury the log.
        for refusal in report.refused.prefix(Self.refusalsLoggedPerDelta) {
            logger.warning("fact refused", metadata: ["peer": "\(peer.short)", "reason": "\(refusal)"])
        }
        if report.refused.count > Self.refusalsLoggedPerDelta {
            let rest = Dictionary(grouping: report.refused.dropFirst(Self.refusalsLoggedPerDelta), by: \.label).mapValues(\.count)
            logger.warning("more facts of the same delta refused", metadata: [
                "peer": "\(peer.short)", "count": "\(report.refused.count - Self.refusalsLoggedPerDelta)",
                "reasons": "\(rest.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"])
        }
        // An honest node forwards only facts it verified, so a forged one marks its sender: drop it.
        if report.refused.contains(where: \.isForgery), let connection = connections[peer] {
            logger.warning("disconnecting peer", metadata: ["peer": "\(peer.short)", "reason": "it sent a forged fact"])
            connection.close()
        }
        return report
    }

    /// Inserts envelopes from a local source (Hello, API), persisting what was accepted.
    @discardableResult
    func insert(_ envelopes: [Envelope], from source: String, powerSafe: Bool = false) -> [String] {
        var errors: [String] = []
        for (index, envelope) in envelopes.enumerated() {
            do {
                try ledger.insert(envelope: envelope, nowMs: nowMs)
            } catch {
                metrics.refused((error as? LedgerError)?.label ?? "invalid")
                errors.append("fact \(index + 1): \(error)")
                logger.warning("fact refused", metadata: ["source": "\(source)", "reason": "\(error)"])
            }
        }
        commit(powerSafe: powerSafe)
        return errors
    }

    /// Logs and counts each origin newly proven to equivocate: its log is dropped from the ledger
    /// and from scoring, on every node the proof reaches.
    func reportEquivocations() {
        for (origin, proof) in ledger.proofs where !reportedEquivocations.contains(origin) {
            reportedEquivocations.insert(origin)
            metrics.refused("equivocation")
            logger.warning("equivocation: node signed two conflicting batches; excluded from the ledger and from scoring",
                           metadata: ["origin": "\(origin.short)", "seqs": "\(proof.first.record.seq), \(proof.second.record.seq)",
                                      "proof": "\(proof.id.short)"])
        }
    }

    /// Closes connections to peers that a revocation or an equivocation proof now excludes.
    func dropExcludedPeers() {
        let now = nowMs
        for (peer, connection) in connections
        where ledger.excluded.contains(peer) || ledger.isCutByRevocation(peer, seq: nil, createdMs: now) {
            logger.warning("disconnecting peer", metadata: ["peer": "\(peer.short)", "reason": "revoked or excluded"])
            metrics.refused("revoked")
            connection.close()
        }
    }

    /// Commits what the ledger accepted to its store. A store that cannot be written stops the
    /// node: it must not announce what it cannot keep.
    func commit(powerSafe: Bool = false) {
        guard ledger.hasUncommitted else { return }
        defer {
            reportEquivocations()
            dropExcludedPeers()
            checkRecovery()
        }
        do {
            try ledger.commit(powerSafe: powerSafe)
        } catch {
            logger.critical("cannot write the ledger store; stopping", metadata: ["reason": "\(error)"])
            storeFailure = error as? StoreError ?? StoreError("\(error)")
        }
    }
}
