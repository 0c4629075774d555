import Foundation
import VantageIdentity
import VantageWire

/// The end of an origin's hash chain: what the next batch must link to (protocol/SPEC.md §5.2).
/// The one place that makes and checks links, for signers (agent, simulator, bench, tests) and
/// for the ledger that admits their batches.
public struct ChainHead: Sendable, Equatable {
    /// Seq of the last batch (0 before the first).
    public var seq: UInt64
    /// Id of the last batch (zero before the first).
    public var hash: Hash256
    /// Creation time of the last batch (0 before the first).
    public var createdMs: Int64

    /// A head at the given position.
    public init(seq: UInt64, hash: Hash256, createdMs: Int64) {
        self.seq = seq
        self.hash = hash
        self.createdMs = createdMs
    }

    /// The head of a log that holds no batch yet.
    public static let genesis = ChainHead(seq: 0, hash: .zero, createdMs: 0)

    /// The next batch of `origin`'s chain after this head, created at `createdMs` (or at the head's
    /// time, if that is later: creation times never decrease along a chain).
    public func nextBatch(origin: NodeID, createdMs: Int64, measurements: [VantageWire.Measurement]) -> Batch {
        var batch = Batch()
        batch.origin = Data(origin.bytes)
        batch.seq = seq + 1
        batch.previousHash = Data(hash.bytes)
        batch.previousCreatedMs = self.createdMs
        batch.createdMs = max(createdMs, self.createdMs)
        batch.measurements = measurements
        return batch
    }

    /// True when `batch` is the next link: seq, previous hash and previous creation time match.
    public func isFollowed(by batch: Batch) -> Bool {
        batch.seq == seq + 1 && Hash256(bytes: batch.previousHash) == hash && batch.previousCreatedMs == createdMs
    }

    /// The head after `batch` (whose id is `id`) was appended.
    public func advanced(by batch: Batch, id: Hash256) -> ChainHead {
        ChainHead(seq: batch.seq, hash: id, createdMs: batch.createdMs)
    }
}

extension Ledger {
    /// The head of `origin`'s admitted log of `tier`: where its next batch of that tier must link.
    public func head(of origin: NodeID, tier: LogTier = .raw) -> ChainHead {
        logs[origin.logID(tier)]?.head ?? .genesis
    }
}
