import VantageIdentity
import VantageWire

/// Attestations are entries of their signer's summary log (protocol/SPEC.md §13.8): they travel,
/// are cut by revocations and pruned by retention with the summary batch that carries them. The
/// ledger indexes those batches so that reports find them without reading every summary.
extension Ledger {
    /// Indexes an admitted summary batch that carries attestations.
    mutating func noteAttestations(_ batch: Verified<Batch>) {
        guard batch.record.tier == .summary, !batch.record.attestations.isEmpty else { return }
        attestationBatches[batch.id] = batch
        store.putFact(batch.id, batch.envelope)
    }

    /// Deletes the batches of log `logID` with seqs in `seqs` from the store, and from the index
    /// the attestations they carried.
    mutating func deleteBatches(of logID: NodeID, seqs: ClosedRange<UInt64>) {
        store.deleteBatches(of: logID, seqs: seqs)
        forgetAttestations(of: logID, seqs: seqs)
    }

    /// Forgets the indexed attestation batches of log `logID` with seqs in `seqs`.
    mutating func forgetAttestations(of logID: NodeID, seqs: ClosedRange<UInt64>) {
        guard let owner = summaryLogOwners[logID] else { return }
        for (id, batch) in attestationBatches where batch.signer.id == owner && seqs.contains(batch.record.seq) {
            attestationBatches[id] = nil
            store.deleteFact(id)
        }
    }

    /// The newest attestation batch signed by `node`, if any.
    public func latestAttestationBatch(of node: NodeID) -> Verified<Batch>? {
        attestationBatches.values.filter { $0.signer.id == node }.max { $0.record.seq < $1.record.seq }
    }
}
