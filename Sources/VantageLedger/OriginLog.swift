import VantageIdentity
import VantageWire

/// What the ledger keeps in memory of one origin's log, and its store keeps beside the batches
/// (protocol/SPEC.md §8): the floor and head of the chain, what lies between, and the use of the
/// quota on the head's UTC day.
public struct OriginIndex: Sendable, Equatable {
    /// The last pruned batch (genesis when none was pruned).
    public var floor: ChainHead = .genesis
    /// The last admitted batch (the floor when the log keeps none).
    public var head: ChainHead = .genesis
    /// Creation time of the oldest batch kept (seq floor + 1); nil when none is kept.
    public var firstCreatedMs: Int64?
    /// Measurements in the batches kept.
    public var measurements = 0
    /// The UTC day (days since 1970) of the head's creation, and the batches and payload bytes of
    /// that day kept in the log.
    public var day: Int64 = 0
    public var dayBatches = 0
    public var dayBytes = 0

    /// An index.
    public init(floor: ChainHead = .genesis, head: ChainHead = .genesis, firstCreatedMs: Int64? = nil, measurements: Int = 0,
                day: Int64 = 0, dayBatches: Int = 0, dayBytes: Int = 0) {
        self.floor = floor
        self.head = head
        self.firstCreatedMs = firstCreatedMs
        self.measurements = measurements
        self.day = day
        self.dayBatches = dayBatches
        self.dayBytes = dayBytes
    }

    /// Batches kept: `floor.seq + 1 ... head.seq`.
    public var batchCount: Int { Int(head.seq - floor.seq) }

    /// The UTC day of a creation time.
    public static func day(of ms: Int64) -> Int64 { floorDiv(ms, 86_400_000) }

    /// The index after `batch` (of `measurements` measurements and `bytes` payload bytes) was appended.
    mutating func append(_ batch: StoredBatch) {
        if firstCreatedMs == nil { firstCreatedMs = batch.createdMs }
        head = ChainHead(seq: batch.seq, hash: batch.id, createdMs: batch.createdMs)
        measurements += batch.measurements
        let batchDay = Self.day(of: batch.createdMs)
        if batchDay != day || dayBatches == 0 { (day, dayBatches, dayBytes) = (batchDay, 0, 0) }
        dayBatches += 1
        dayBytes += batch.payloadBytes
    }
}

/// One origin's hash-chained log: its index (the batches themselves are in the store), and the
/// batches held in memory until their predecessor (or their signer's enrollment, or the campaign
/// they are numbered by) arrives.
public struct OriginLog: Sendable {
    /// Floor, head and counts.
    public internal(set) var index = OriginIndex()
    /// The head before the last batch appended in this process (nil after a restart): where the
    /// log stands for a settled digest while its head is recent (SPEC §7.3).
    private var previousHead: ChainHead?
    /// Batches not yet admitted, by seq; several per seq when the origin forked.
    private(set) var held: [UInt64: [Verified<Batch>]] = [:]

    /// A log with this index and nothing held.
    init(index: OriginIndex = OriginIndex()) { self.index = index }

    /// Batches up to this seq were pruned by retention (0: none).
    public var floorSeq: UInt64 { index.floor.seq }
    /// Highest contiguous seq admitted.
    public var headSeq: UInt64 { index.head.seq }
    /// Id of batch `headSeq`.
    public var headHash: Hash256 { index.head.hash }
    /// Creation time of batch `headSeq`.
    public var headCreatedMs: Int64 { index.head.createdMs }
    /// The end of the chain: where the next batch must link.
    public var head: ChainHead { index.head }
    /// Number of held batches.
    public var heldCount: Int { held.values.reduce(0) { $0 + $1.count } }
    /// The held batches, by seq then id.
    var heldBatches: [Verified<Batch>] {
        held.sorted { $0.key < $1.key }.flatMap { $0.value.sorted { $0.id < $1.id } }
    }
    /// True when the log holds nothing at all, admitted or pruned.
    var isEmpty: Bool { index.head.seq == 0 }

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

    /// Appends a batch that links to the head (checked by the caller); the caller stores it.
    mutating func append(_ batch: StoredBatch) {
        held[batch.seq] = nil
        previousHead = index.head
        index.append(batch)
    }

    /// Where the log stands for a digest settled at `horizonMs` (SPEC §7.3): the head, or, when the
    /// head batch was created after the horizon and the batch before it was not, that batch (when
    /// this process appended the head and the log still keeps it).
    func settledHead(horizonMs: Int64) -> ChainHead {
        guard head.createdMs > horizonMs, head.seq > floorSeq, let previousHead, previousHead.seq + 1 == head.seq,
              previousHead.seq >= floorSeq, previousHead.createdMs <= horizonMs else { return head }
        return previousHead
    }

    /// Restarts the log just below `batch`, whose predecessor is older than the retention cutoff:
    /// a replica that never saw the pruned batches starts where the others' floors are. The log
    /// must keep no batch (the caller checked the gap). The quota's count of the head's day
    /// survives: a restart never gives an origin a fresh day.
    mutating func restart(below batch: Batch) {
        precondition(batch.seq > headSeq + 1, "restart only skips a gap")
        let floor = ChainHead(seq: batch.seq - 1, hash: Hash256(bytes: batch.previousHash) ?? .zero, createdMs: batch.previousCreatedMs)
        index = OriginIndex(floor: floor, head: floor, day: index.day, dayBatches: index.dayBatches, dayBytes: index.dayBytes)
        held = held.filter { $0.key > floor.seq }
    }
}
