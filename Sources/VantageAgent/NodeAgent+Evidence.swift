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
    /// How long a report waits for evidence, and how many ranges one `Want` asks for.
    static let evidenceWaitMs: Int64 = 8_000
    static let evidenceRangesPerWant = 256

    /// The raw batches of `ranges` (one seq each) that the connected archivers and origins hold,
    /// verified; waits up to `evidenceWaitMs`, asking again half-way for what is still missing.
    nonisolated func fetchEvidence(_ ranges: [WantRange]) async -> [Verified<Batch>] {
        let wanted = Set(ranges.compactMap { range in Hash256(bytes: range.origin).map { EvidencePlace(origin: $0, seq: range.fromSeq) } })
        guard !wanted.isEmpty, await askForEvidence(wanted) > 0 else { return [] }
        let start = Date().unixMilliseconds
        var askedAgain = false
        while Date().unixMilliseconds - start < Self.evidenceWaitMs {
            try? await Task.sleep(for: .milliseconds(50))
            let missing = await missingEvidence(of: wanted)
            if missing.isEmpty { break }
            if !askedAgain, Date().unixMilliseconds - start > Self.evidenceWaitMs / 2 {
                askedAgain = true
                await askForEvidence(missing)
            }
        }
        return await takeEvidence(wanted)
    }

    /// Sends `Want`s of evidence for `places` to every connected archiver, and to each origin for
    /// its own; returns how many peers were asked.
    @discardableResult
    private func askForEvidence(_ places: Set<EvidencePlace>) -> Int {
        evidenceAsked.formUnion(places)
        let sorted = places.sorted()
        var peers = 0
        for peer in connections.keys.sorted() {
            let asked = ledger.archivers.contains(peer) ? sorted : sorted.filter { $0.origin == peer }
            if !asked.isEmpty { peers += 1 }
            for chunk in stride(from: 0, to: asked.count, by: Self.evidenceRangesPerWant) {
                let ranges = asked[chunk..<min(chunk + Self.evidenceRangesPerWant, asked.count)].map { place in
                    WantRange(log: Data(place.origin.bytes), seqs: place.seq...place.seq)
                }
                connections[peer]?.send(Frame.evidenceWant(ranges))
            }
        }
        return peers
    }

    private func missingEvidence(of wanted: Set<EvidencePlace>) -> Set<EvidencePlace> {
        wanted.subtracting(evidenceReceived.keys)
    }

    private func takeEvidence(_ wanted: Set<EvidencePlace>) -> [Verified<Batch>] {
        evidenceAsked.subtract(wanted)
        let found = wanted.sorted().compactMap { evidenceReceived.removeValue(forKey: $0) }
        logger.info("evidence fetched", metadata: ["asked": "\(wanted.count)", "received": "\(found.count)"])
        return found
    }

    /// An Evidence frame from `peer`: keeps the batches that were asked for and verify; counts
    /// and logs the rest.
    func receiveEvidence(_ envelopes: [Envelope], from peer: NodeID) {
        var unasked = 0
        for envelope in envelopes {
            guard let position = envelope.batchPosition, evidenceAsked.contains(EvidencePlace(origin: position.log, seq: position.seq)),
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

/// A raw batch by its origin and seq: how summaries name evidence.
struct EvidencePlace: Hashable, Comparable {
    var origin: NodeID
    var seq: UInt64
    static func < (a: EvidencePlace, b: EvidencePlace) -> Bool { (a.origin, a.seq) < (b.origin, b.seq) }
}
