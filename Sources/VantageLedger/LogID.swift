import VantageIdentity
import VantageWire

/// Each origin keeps two hash-chained logs (protocol/SPEC.md §5.8): the raw log of its measurement
/// batches, whose id is the node id, and the summary log of its window summaries, whose id is
/// derived from the node id. Vectors, deltas, `Want` ranges and the store name logs by these ids.
extension NodeID {
    /// The id of this node's summary log: SHA-256 of `"vantage/summary-log/v2\0"` and the node id.
    public var summaryLogID: NodeID { Hash256.of(Domain.tag("summary-log") + bytes) }

    /// The id of this node's log of `tier`.
    public func logID(_ tier: LogTier) -> NodeID { tier == .summary ? summaryLogID : self }
}

extension Ledger {
    /// The node whose log `log` is (the id itself for a raw log, or one of an unknown node).
    public func owner(ofLog log: NodeID) -> NodeID { summaryLogOwners[log] ?? log }

    /// The tier of log `log`.
    public func tier(ofLog log: NodeID) -> LogTier { summaryLogOwners[log] == nil ? .raw : .summary }

    /// Records that `node` is enrolled, so its summary log is known by id.
    mutating func noteSummaryLog(of node: NodeID) {
        summaryLogOwners[node.summaryLogID] = node
    }
}

extension Envelope {
    /// The log and seq of a batch envelope, read without decoding it (nil when the payload is not
    /// well formed or the signer not a key): enough to order batches and to find a duplicate
    /// before verifying anything.
    public var batchPosition: (log: NodeID, seq: UInt64)? {
        guard signer.count == 32, let seq = BatchPeek.seq(payload), let tier = BatchPeek.tier(payload) else { return nil }
        return (Hash256.of(signer).logID(tier), seq)
    }
}

extension Ledger {
    /// The grace when the campaign names none (60 s).
    public static let defaultSummaryGraceSeconds: Int64 = 60

    /// Summaries of a window are signed this long after it ends (the campaign's
    /// `summary_grace_seconds`, or 60 s), so measurements still in flight make it in.
    public var summaryGraceMs: Int64 {
        let seconds = Int64(campaign?.record.summaryGraceSeconds ?? 0)
        return (seconds > 0 ? seconds : Self.defaultSummaryGraceSeconds) * 1000
    }
}
