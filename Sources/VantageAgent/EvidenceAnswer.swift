import Foundation
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageWire

/// `GET /v1/evidence/ID`: a batch a current verdict's `supporting_batches` names and the raw
/// batches behind it (SPEC §7.4). For a summary batch these are the raw batches its summaries
/// name, fetched from archivers when this node lacks them; for a raw batch, itself.
public struct EvidenceAnswer: Codable, Sendable, Equatable {
    /// The batch asked for.
    public var batch: String
    /// `summary` or `raw`.
    public var tier: String
    /// Its signer's node id.
    public var signer: String
    /// The batch and then its raw batches: base64 envelopes in origin and seq order.
    public var envelopes: [String]
    /// Raw batches its summaries name that neither this node nor an archiver it reached holds
    /// (`SIGNER #SEQ`).
    public var missing: [String]

    enum CodingKeys: String, CodingKey { case batch, tier, signer, envelopes, missing }
}

extension NodeAgent {
    /// The evidence behind `batchID` if a current verdict names it, else nil.
    public nonisolated func evidence(batchID: String) async -> EvidenceAnswer? {
        let verdicts = await verdicts(country: nil).verdicts.filter { $0.supportingBatches.contains(batchID) }
        guard let verdict = verdicts.first, let batch = await supportingBatch(batchID, of: verdict) else { return nil }
        let named = batch.record.tier == .summary ? Set(batch.record.summaries.flatMap(\.rawSeqs)).sorted() : []
        let held = await heldRawBatches(of: batch.signer.id, seqs: named)
        let toFetch = named.filter { held[$0] == nil }.map { seq in
            WantRange(log: Data(batch.signer.id.bytes), seqs: seq...seq)
        }
        let fetched = Dictionary(await fetchEvidence(toFetch).map { ($0.record.seq, $0) }) { first, _ in first }
        let raw = named.compactMap { held[$0] ?? fetched[$0] }
        func encode(_ envelope: Envelope) -> String { ((try? envelope.serializedData()) ?? Data()).base64EncodedString() }
        return EvidenceAnswer(batch: batchID, tier: batch.record.tier == .summary ? "summary" : "raw", signer: batch.signer.id.hex,
                              envelopes: ([batch] + raw).map { encode($0.envelope) },
                              missing: named.filter { held[$0] == nil && fetched[$0] == nil }.map { "\(batch.signer.id.hex) #\($0)" })
    }

    private func supportingBatch(_ id: String, of verdict: Verdict) -> Verified<Batch>? {
        (VerdictEvidenceSet.summaryBatches(of: verdict, in: ledger) + VerdictEvidenceSet.batches(of: verdict, in: ledger)).first { $0.id.hex == id }
    }

    private func heldRawBatches(of origin: NodeID, seqs: [UInt64]) -> [UInt64: Verified<Batch>] {
        Dictionary(seqs.compactMap { seq in ledger.batch(of: origin, seq: seq).map { (seq, $0) } }) { first, _ in first }
    }
}
