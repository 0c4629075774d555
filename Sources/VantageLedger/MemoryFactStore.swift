import Foundation
import VantageIdentity
import VantageWire

/// A store in memory: a value, so a copied ledger carries a copy of its store (the simulator
/// keeps a crashed node's store and rebuilds the node from it). Writes cannot fail.
public struct MemoryFactStore: FactStore {
    private var facts: [Hash256: Envelope] = [:]
    private var proofRows: [Hash256: EquivocationProof] = [:]
    private var batchRows: [NodeID: [UInt64: StoredBatch]] = [:]
    private var origins: [NodeID: OriginIndex] = [:]
    private var tallyRows: [NodeID: Tallies] = [:]
    private var basis: TallyBasis?
    /// Rows moved aside.
    public private(set) var quarantined: [UnreadableRow] = []

    /// An empty store.
    public init() {}

    public func load() -> StoredState {
        var state = StoredState()
        state.facts = facts.map { StoredRow(key: Data($0.key.bytes), value: $0.value) }
        state.proofs = proofRows.map { StoredRow(key: Data($0.key.bytes), value: $0.value) }
        state.origins = origins
        state.tallyBasis = basis
        return state
    }

    public mutating func putFact(_ id: Hash256, _ envelope: Envelope) { facts[id] = envelope }
    public mutating func deleteFact(_ id: Hash256) { facts[id] = nil }
    public mutating func putProof(_ proof: ProofFact) { proofRows[proof.id] = proof.message }
    public mutating func putBatch(_ batch: StoredBatch) { batchRows[batch.origin, default: [:]][batch.seq] = batch }

    public mutating func deleteBatches(of origin: NodeID, seqs: ClosedRange<UInt64>) {
        guard var rows = batchRows[origin] else { return }
        for seq in rows.keys where seqs.contains(seq) { rows[seq] = nil }
        batchRows[origin] = rows
    }

    public mutating func putOrigin(_ origin: NodeID, _ index: OriginIndex) { origins[origin] = index }

    public mutating func deleteOrigin(_ origin: NodeID) {
        origins[origin] = nil
        batchRows[origin] = nil
        tallyRows[origin] = nil
    }

    public mutating func addTallies(_ tallies: Tallies, of origin: NodeID, subtract: Bool) {
        var kept = tallyRows[origin] ?? Tallies()
        for (key, windows) in tallies.series {
            for (window, tally) in windows {
                var cell = kept.series[key]?[window] ?? WindowTally()
                if subtract { cell.subtract(tally) } else { cell.add(tally) }
                kept.series[key, default: [:]][window] = cell.isEmpty ? nil : cell
            }
            if kept.series[key]?.isEmpty == true { kept.series[key] = nil }
            kept.places[key.vantage] = tallies.places[key.vantage]
        }
        tallyRows[origin] = kept
    }

    public mutating func resetTallies(of origin: NodeID?) {
        if let origin { tallyRows[origin] = nil } else { tallyRows.removeAll() }
    }

    public mutating func putTallyBasis(_ basis: TallyBasis) { self.basis = basis }

    public func commit(powerSafe: Bool) {}
    public var hasUncommitted: Bool { false }

    public mutating func quarantine(_ rows: [UnreadableRow]) {
        for row in rows {
            guard let id = Hash256(bytes: row.key) else { continue }
            if row.table == "proof" { proofRows[id] = nil } else { facts[id] = nil }
        }
        quarantined += rows
    }

    public func batch(of origin: NodeID, seq: UInt64) -> StoredBatch? { batchRows[origin]?[seq] }

    public func batches(of origin: NodeID, seqs: ClosedRange<UInt64>, while take: (StoredBatch) -> Bool) -> [StoredBatch] {
        guard let rows = batchRows[origin] else { return [] }
        var taken: [StoredBatch] = []
        var seq = seqs.lowerBound
        while seq <= seqs.upperBound, let batch = rows[seq], take(batch) {
            taken.append(batch)
            if seq == .max { break }
            seq += 1
        }
        return taken
    }

    public func batches(of origin: NodeID, measuredIn span: Range<Int64>) -> [StoredBatch] {
        (batchRows[origin] ?? [:]).values.filter { $0.lastMs >= span.lowerBound && $0.firstMs < span.upperBound }.sorted { $0.seq < $1.seq }
    }

    public func tallies() -> Tallies {
        var all = Tallies()
        for origin in tallyRows.keys.sorted() { all.add(tallyRows[origin]!) }
        return all
    }

    public func tallySource() -> any TallySource { TalliesByWindow(tallies()) }

    /// Replaces a stored small fact's bytes, as a damaged disk would (for tests of quarantine).
    public mutating func damage(fact id: Hash256, _ change: (inout Envelope) -> Void) {
        change(&facts[id]!)
    }
}
