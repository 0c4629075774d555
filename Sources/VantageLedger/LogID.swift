import Foundation
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

    /// Records that `node` is enrolled, so its summary log is known by id and its logs by prefix.
    mutating func noteLogs(of node: NodeID) {
        summaryLogOwners[node.summaryLogID] = node
        for log in [node, node.summaryLogID] {
            let prefix = Self.prefix(of: log.bytes)
            if let known = logsByPrefix[prefix], known != log { sharedPrefixes.insert(prefix) }
            logsByPrefix[prefix] = log
        }
    }

    /// Bytes of a log id that name it in `Want`s and `Announce`s (SPEC §7.3).
    public static let logPrefixBytes = 4

    /// The first `logPrefixBytes` of an id (or of a name that long) as a number.
    static func prefix(of bytes: some Collection<UInt8>) -> UInt64 {
        bytes.prefix(logPrefixBytes).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The log a `Want` or `Announce` names: its whole 32-byte id, or the first 4 bytes of the id
    /// of a log of an enrolled node that no other such log starts with; nil otherwise.
    public func log(named name: Data) -> NodeID? {
        if name.count == 32 { return Hash256(bytes: name) }
        guard name.count == Self.logPrefixBytes else { return nil }
        let prefix = Self.prefix(of: name)
        return sharedPrefixes.contains(prefix) ? nil : logsByPrefix[prefix]
    }

    /// How this node names `log` in `Want`s and `Announce`s: by its first 4 bytes when they name
    /// only that log here, else by the whole id.
    public func name(ofLog log: NodeID) -> Data {
        let prefix = Self.prefix(of: log.bytes)
        return logsByPrefix[prefix] == log && !sharedPrefixes.contains(prefix) ? Data(log.bytes.prefix(Self.logPrefixBytes)) : Data(log.bytes)
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
