import VantageIdentity
import VantageWire

/// What readers outside the ledger (scoring, reports, status, recovery) may ask of it; the
/// batches are read from the store.
extension Ledger {
    /// Origins with a raw log (admitted or pruned batches), in ascending id.
    public var origins: [NodeID] {
        logs.filter { !$0.value.isEmpty && summaryLogOwners[$0.key] == nil }.keys.sorted()
    }

    /// Ids of the summary logs with admitted or pruned batches, in ascending id.
    public var summaryLogs: [NodeID] {
        logs.filter { !$0.value.isEmpty && summaryLogOwners[$0.key] != nil }.keys.sorted()
    }

    /// The origins that sign summaries (they have a summary log), and those that do not (files,
    /// imports): the scorer counts the first from their summaries, the second from raw batches.
    public var originsByTier: (summarising: [NodeID], unsummarised: [NodeID]) {
        let summarising = Set(summaryLogs.map { owner(ofLog: $0) })
        return (summarising.sorted(), origins.filter { !summarising.contains($0) })
    }

    /// The floor and head of log `origin` (a node id, or a summary log id): its batches are
    /// `floor.seq + 1 ... head.seq`.
    public func span(of origin: NodeID) -> (floor: UInt64, head: ChainHead) {
        guard let log = logs[origin] else { return (0, .genesis) }
        return (log.floorSeq, log.head)
    }

    /// `origin`'s admitted batch with this seq, when the log keeps it.
    public func batch(of origin: NodeID, seq: UInt64) -> Verified<Batch>? {
        guard let log = logs[origin], seq > log.floorSeq, seq <= log.headSeq else { return nil }
        return store.batch(of: origin, seq: seq)?.decoded
    }

    /// `origin`'s kept batches (with seqs in `seqs`, when given), in chain order, read from the
    /// store a chunk at a time.
    public func storedBatches(of origin: NodeID, seqs: ClosedRange<UInt64>? = nil) -> StoredBatches {
        let (floor, head) = span(of: origin)
        let lower = max(floor + 1, seqs?.lowerBound ?? 0), upper = min(head.seq, seqs?.upperBound ?? .max)
        return StoredBatches(store: store, origin: origin, nextSeq: lower, last: upper)
    }

    /// `origin`'s admitted batches with a measurement starting in `span`, decoded, in chain order.
    public func batches(of origin: NodeID, measuredIn span: Range<Int64>) -> [Verified<Batch>] {
        guard logs[origin] != nil else { return [] }
        return store.batches(of: origin, measuredIn: span).compactMap(\.decoded)
    }
}

/// An origin's stored batches in chain order, read from its store 256 at a time.
public struct StoredBatches: Sequence, IteratorProtocol {
    let store: any FactStore
    let origin: NodeID
    var nextSeq: UInt64
    let last: UInt64
    var chunk: [StoredBatch] = []
    var position = 0

    public mutating func next() -> StoredBatch? {
        if position == chunk.count {
            guard nextSeq <= last, nextSeq > 0 else { return nil }
            let upper = last - nextSeq >= 255 ? nextSeq + 255 : last
            chunk = store.batches(of: origin, seqs: nextSeq...upper) { _ in true }
            position = 0
            nextSeq = upper == .max ? 0 : upper + 1
            guard !chunk.isEmpty else { return nil }
        }
        position += 1
        return chunk[position - 1]
    }
}

extension Ledger {
    /// The highest seq of `origin`'s raw log this ledger knows to exist: its head when the log is
    /// kept here, else the highest raw seq named by its latest summary batch that holds summaries
    /// (of the last `knownRawHeadLookBack`; SPEC §7.5). 0 when the origin is not enrolled or is
    /// excluded: nobody asks on behalf of such a node.
    public func knownRawHead(of origin: NodeID) -> UInt64 {
        guard !excluded.contains(origin), !enrollments(of: origin).isEmpty else { return 0 }
        let (floor, head) = span(of: origin.summaryLogID)
        var named: UInt64 = 0
        for seq in stride(from: head.seq, to: max(floor, head.seq - min(head.seq, Self.knownRawHeadLookBack)), by: -1) {
            guard let summaries = batch(of: origin.summaryLogID, seq: seq)?.record.summaries, !summaries.isEmpty else { continue }
            named = summaries.compactMap(\.rawSeqs.last).max() ?? 0
            break
        }
        return max(span(of: origin).head.seq, named)
    }

    /// Summary batches read back from a log's head to find one with summaries (the others carry
    /// attestations).
    static let knownRawHeadLookBack: UInt64 = 16
}
