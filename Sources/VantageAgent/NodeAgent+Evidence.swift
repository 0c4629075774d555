import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageWire

/// Raw evidence from archivers (protocol/SPEC.md §7.4): an ordinary node holds only its own raw
/// log, so the raw batches a report needs come from the archivers and origins it is connected to,
/// by a `Want` of evidence. What arrives is verified and kept only for the report that asked.
extension NodeAgent {
    /// How long a report waits for evidence.
    static let evidenceWaitMs: Int64 = 8_000

    /// The raw batches of `ranges` (one seq each) that the connected archivers, relays and origins
    /// hold, verified; waits up to `waitMs`, asking again half-way for what is still missing. A
    /// relay forwarding a peer's request (`forwardedFor`) asks its archivers alone, once: never
    /// another relay, never an origin on another node's behalf (SPEC §7.5).
    nonisolated func fetchEvidence(_ ranges: [WantRange], waitMs: Int64 = evidenceWaitMs, forwardedFor requester: NodeID? = nil) async -> [Verified<Batch>] {
        let wanted = Set(ranges.compactMap { range in Hash256(bytes: range.origin).map { EvidencePlace(origin: $0, seq: range.fromSeq) } })
        guard !wanted.isEmpty else { return [] }
        await beginEvidence(wanted)
        guard await askForEvidence(wanted, forwardedFor: requester) > 0 else { return await takeEvidence(wanted) }
        let start = Date().unixMilliseconds
        var askedAgain = requester != nil
        while Date().unixMilliseconds - start < waitMs {
            try? await Task.sleep(for: .milliseconds(50))
            let missing = await missingEvidence(of: wanted)
            if missing.isEmpty { break }
            if !askedAgain, Date().unixMilliseconds - start > waitMs / 2 {
                askedAgain = true
                await askForEvidence(missing, forwardedFor: requester)
            }
        }
        return await takeEvidence(wanted)
    }

    /// A relay's answer to ranges of a `Want` of evidence it does not hold (SPEC §7.5): fetched
    /// from its archivers within half a report's wait, so that the asker has them before it asks
    /// again, and sent on in frames of at most `max_delta_bytes`; then the gossip machine may
    /// forward the peer's ranges again.
    func forwardEvidence(_ ranges: [WantRange], to peer: NodeID) {
        Task {
            let found = await fetchEvidence(ranges, waitMs: Self.evidenceWaitMs / 2, forwardedFor: peer)
            sendEvidence(found.map(\.envelope), to: peer)
            gossip.onEvidenceForwarded(ranges, for: peer)
            logger.info("evidence forwarded", metadata: ["peer": "\(peer.short)", "asked": "\(ranges.count)", "sent": "\(found.count)"])
        }
    }

    private func sendEvidence(_ envelopes: [Envelope], to peer: NodeID) {
        var frame: [Envelope] = []
        var bytes = 0
        for envelope in envelopes {
            if !frame.isEmpty, bytes + envelope.wireSize > gossip.settings.maxDeltaBytes {
                connections[peer]?.send(Frame.evidence(frame))
                (frame, bytes) = ([], 0)
            }
            frame.append(envelope)
            bytes += envelope.wireSize
        }
        if !frame.isEmpty { connections[peer]?.send(Frame.evidence(frame)) }
    }

    /// Sends `Want`s of evidence for `places` to every connected archiver and relay, and to each
    /// origin for its own (for a forwarded request: to the archivers alone); returns how many
    /// peers were asked.
    @discardableResult
    private func askForEvidence(_ places: Set<EvidencePlace>, forwardedFor requester: NodeID?) -> Int {
        let sorted = places.sorted()
        let perWant = gossip.settings.maxEvidenceRanges
        var peers = 0
        for peer in connections.keys.sorted() where peer != requester {
            let asksAll = ledger.archivers.contains(peer) || (requester == nil && ledger.relays[peer] != nil)
            let asked = asksAll ? sorted : requester == nil ? sorted.filter { $0.origin == peer } : []
            if !asked.isEmpty { peers += 1 }
            for chunk in stride(from: 0, to: asked.count, by: perWant) {
                let ranges = asked[chunk..<min(chunk + perWant, asked.count)].map { place in
                    WantRange(log: Data(place.origin.bytes), seqs: place.seq...place.seq)
                }
                connections[peer]?.send(Frame.evidenceWant(ranges))
            }
        }
        return peers
    }

    /// Marks `places` as asked for by one more fetch: several fetches (a report, a relay's
    /// forwarding for two peers) may want the same batch at once.
    private func beginEvidence(_ places: Set<EvidencePlace>) {
        for place in places { evidenceAsked[place, default: 0] += 1 }
    }

    private func missingEvidence(of wanted: Set<EvidencePlace>) -> Set<EvidencePlace> {
        wanted.filter { evidenceReceived[$0] == nil }
    }

    /// What arrived of `wanted`; forgets a batch once no fetch waits for it any more.
    private func takeEvidence(_ wanted: Set<EvidencePlace>) -> [Verified<Batch>] {
        let found = wanted.sorted().compactMap { evidenceReceived[$0] }
        for place in wanted {
            let waiting = (evidenceAsked[place] ?? 1) - 1
            evidenceAsked[place] = waiting > 0 ? waiting : nil
            if waiting <= 0 { evidenceReceived[place] = nil }
        }
        logger.info("evidence fetched", metadata: ["asked": "\(wanted.count)", "received": "\(found.count)"])
        return found
    }

    /// An Evidence frame from `peer`: keeps the batches that were asked for and verify; counts
    /// and logs the rest.
    func receiveEvidence(_ envelopes: [Envelope], from peer: NodeID) {
        var unasked = 0
        for envelope in envelopes {
            guard let position = envelope.batchPosition, evidenceAsked[EvidencePlace(origin: position.log, seq: position.seq)] != nil,
                  evidenceReceived[EvidencePlace(origin: position.log, seq: position.seq)] == nil else {
                unasked += 1
                continue
            }
            guard case .batch(let batch)? = try? SignedFact(verifying: envelope), batch.record.tier == .raw,
                  Hash256(bytes: batch.record.origin) == batch.signer.id else {
                metrics.refused("forged_evidence")
                logger.warning("evidence refused: not a raw batch signed by its origin", metadata: ["peer": "\(peer.short)"])
                continue
            }
            evidenceReceived[EvidencePlace(origin: position.log, seq: position.seq)] = batch
        }
        if unasked > 0 {
            metrics.refused("unasked_evidence")
            logger.debug("evidence not asked for, dropped", metadata: ["peer": "\(peer.short)", "batches": "\(unasked)"])
        }
    }
}
