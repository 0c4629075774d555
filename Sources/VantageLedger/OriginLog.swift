import VantageIdentity
import VantageWire

/// One origin's hash-chained log: contiguous batches above a floor, and batches held
/// until their predecessor (or their signer's enrollment) arrives.
public struct OriginLog: Sendable {
    /// Batches up to this seq were pruned by retention (0: none).
    public private(set) var floorSeq: UInt64 = 0
    /// Id of batch `floorSeq` (zero when `floorSeq` is 0).
    public private(set) var floorHash: Hash256 = .zero
    /// Creation time of batch `floorSeq` (0 when `floorSeq` is 0).
    public private(set) var floorCreatedMs: Int64 = 0
    /// Batches `floorSeq + 1 ... headSeq`, in order.
    public private(set) var batches: [Verified<Batch>] = []
    /// Batches not yet admitted, by seq; several per seq when the origin forked.
    private(set) var held: [UInt64: [Verified<Batch>]] = [:]

    /// Highest contiguous seq held.
    public var headSeq: UInt64 { floorSeq + UInt64(batches.count) }
    /// Id of batch `headSeq`.
    public var headHash: Hash256 { batches.last?.id ?? floorHash }
    /// Creation time of batch `headSeq`.
    public var headCreatedMs: Int64 { batches.last?.record.createdMs ?? floorCreatedMs }
    /// Number of held batches.
    public var heldCount: Int { held.values.reduce(0) { $0 + $1.count } }
    /// The held batches, by seq then id.
    var heldBatches: [Verified<Batch>] {
        held.sorted { $0.key < $1.key }.flatMap { $0.value.sorted { $0.id < $1.id } }
    }
    /// True when the log holds nothing at all, admitted or pruned.
    var isEmpty: Bool { floorSeq == 0 && batches.isEmpty }

    /// The admitted batch with this seq, if held.
    public func batch(seq: UInt64) -> Verified<Batch>? {
        guard seq > floorSeq, seq <= headSeq else { return nil }
        return batches[Int(seq - floorSeq - 1)]
    }

    /// The end of the chain: where the next batch must link.
    public var head: ChainHead { ChainHead(seq: headSeq, hash: headHash, createdMs: headCreatedMs) }

    /// True when `batch` may follow the current head in the chain.
    func links(_ batch: Batch) -> Bool { head.isFollowed(by: batch) }

    /// Holds a batch; false when the same batch is already held.
    mutating func hold(_ batch: Verified<Batch>) -> Bool {
        let seq = batch.record.seq
        if held[seq, default: []].contains(where: { $0.id == batch.id }) { return false }
        held[seq, default: []].append(batch)
        return true
    }

    /// True when a batch with this id and seq is held.
    func isHolding(id: Hash256, seq: UInt64) -> Bool {
        held[seq]?.contains { $0.id == id } ?? false
    }

    /// Held batches for the seq after the head, sorted by id.
    var nextCandidates: [Verified<Batch>] {
        (held[headSeq + 1] ?? []).sorted { $0.id < $1.id }
    }

    /// Held batches with the lowest seq, if any.
    var lowestHeld: [Verified<Batch>]? {
        held.keys.min().map { held[$0]! }
    }

    /// Removes held batches for which `drop` is true.
    mutating func dropHeld(where drop: (Verified<Batch>) -> Bool) {
        for (seq, list) in held {
            let kept = list.filter { !drop($0) }
            held[seq] = kept.isEmpty ? nil : kept
        }
    }

    /// Appends a batch that links to the head (checked by the caller) and removes it from the held set.
    mutating func append(_ batch: Verified<Batch>) {
        precondition(links(batch.record), "append of a batch that does not link to the head")
        held[batch.record.seq] = nil
        batches.append(batch)
    }

    /// Drops admitted batches with seq >= `seq` (used by revocations).
    mutating func truncate(from seq: UInt64) {
        guard seq <= headSeq else { return }
        let keep = seq <= floorSeq ? 0 : Int(seq - floorSeq - 1)
        batches.removeLast(batches.count - keep)
    }

    /// Moves the floor up past every admitted batch created before `cutoffMs` (retention).
    /// Creation times never decrease along a chain, so the pruned batches are a prefix.
    mutating func prune(before cutoffMs: Int64) {
        let count = batches.prefix { $0.record.createdMs < cutoffMs }.count
        guard count > 0 else { return }
        let last = batches[count - 1]
        floorSeq = last.record.seq
        floorHash = last.id
        floorCreatedMs = last.record.createdMs
        batches.removeFirst(count)
    }

    /// Restarts the log just below `batch`, whose predecessor is older than the retention cutoff:
    /// a replica that never saw the pruned batches starts where the others' floors are.
    mutating func restart(below batch: Batch) {
        precondition(batch.seq > headSeq + 1, "restart only skips a gap")
        batches.removeAll()
        floorSeq = batch.seq - 1
        floorHash = Hash256(bytes: batch.previousHash) ?? .zero
        floorCreatedMs = batch.previousCreatedMs
        held = held.filter { $0.key > floorSeq }
    }
}
