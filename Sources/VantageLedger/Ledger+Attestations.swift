import VantageIdentity
import VantageWire

/// Attestations are entries of their signer's summary log (protocol/SPEC.md §13.8): they travel,
/// are cut by revocations and pruned by retention with the summary batch that carries them. The
/// ledger indexes those batches (signer, seq, the verdicts named) so that reports find them
/// without reading every summary; the batches themselves stay in the store.
extension Ledger {
    /// Indexes an admitted summary batch that carries attestations.
    mutating func noteAttestations(_ batch: Verified<Batch>) {
        guard batch.record.tier == .summary, !batch.record.attestations.isEmpty else { return }
        attestationIndex[batch.id] = AttestationEntry(batch)
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
        for (id, entry) in attestationIndex where entry.signer == owner && seqs.contains(entry.seq) {
            attestationIndex[id] = nil
            store.deleteFact(id)
        }
    }

    /// The indexed attestation batch with this id, read from the store.
    public func attestationBatch(_ id: Hash256) -> Verified<Batch>? {
        guard let entry = attestationIndex[id], let batch = batch(of: entry.signer.summaryLogID, seq: entry.seq), batch.id == id else { return nil }
        return batch
    }

    /// The newest attestation batch signed by `node`, if any.
    public func latestAttestationBatch(of node: NodeID) -> Verified<Batch>? {
        attestationIndex.filter { $0.value.signer == node }.max { $0.value.seq < $1.value.seq }.flatMap { attestationBatch($0.key) }
    }

    /// The indexed attestation batches with an attestation that names verdict `id`, by batch id.
    public func attestationBatches(naming id: String) -> [Verified<Batch>] {
        attestationIndex.filter { $0.value.verdictIDs.contains(id) }.keys.sorted().compactMap(attestationBatch)
    }
}

/// What the ledger keeps in memory of an admitted summary batch that carries attestations.
public struct AttestationEntry: Sendable, Equatable {
    /// The batch's signer and its seq in the signer's summary log.
    public let signer: NodeID
    public let seq: UInt64
    /// How many attestations the batch carries.
    public let attestations: Int
    /// Every verdict id they name.
    public let verdictIDs: Set<String>

    /// The entry of `batch`.
    init(_ batch: Verified<Batch>) {
        signer = batch.signer.id
        seq = batch.record.seq
        attestations = batch.record.attestations.count
        verdictIDs = Set(batch.record.attestations.flatMap(\.verdictIds))
    }
}
