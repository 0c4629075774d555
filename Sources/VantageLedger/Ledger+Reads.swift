import VantageIdentity
import VantageWire

/// What readers outside the ledger (scoring, reports, status) may ask of it, so that where the
/// batches live (memory or the store) stays the ledger's business.
extension Ledger {
    /// Origins with a log (admitted or pruned batches), in ascending id.
    public var origins: [NodeID] {
        logs.filter { !$0.value.isEmpty }.keys.sorted()
    }

    /// The floor and head of `origin`'s log: its batches are `floor.seq + 1 ... head.seq`.
    public func span(of origin: NodeID) -> (floor: UInt64, head: ChainHead) {
        guard let log = logs[origin] else { return (0, .genesis) }
        return (log.floorSeq, log.head)
    }

    /// The admitted batches of `origin` with a seq above `seq`, in chain order.
    public func batches(of origin: NodeID, after seq: UInt64 = 0) -> [Verified<Batch>] {
        guard let log = logs[origin] else { return [] }
        return Array(log.batches.dropFirst(Int(seq > log.floorSeq ? seq - log.floorSeq : 0)))
    }
}
