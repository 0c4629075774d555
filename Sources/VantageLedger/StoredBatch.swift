import Foundation
import Synchronization
import VantageIdentity
import VantageWire

/// An admitted batch as a store keeps it: its envelope, and what the ledger's index and readers
/// need of it without decoding it.
public struct StoredBatch: Sendable {
    public var envelope: Envelope
    public var id: Hash256
    /// The log it belongs to: its signer's node id (raw tier) or summary log id (SPEC §5.8).
    public var origin: NodeID
    public var seq: UInt64
    public var createdMs: Int64
    /// Measurements it carries.
    public var measurements: Int
    /// Earliest and latest measurement start, or summarised window start (the batch's creation
    /// when it has none).
    public var firstMs: Int64
    public var lastMs: Int64

    /// The stored form of a verified batch.
    public init(_ batch: Verified<Batch>) {
        envelope = batch.envelope
        id = batch.id
        origin = batch.signer.id.logID(batch.record.tier)
        seq = batch.record.seq
        createdMs = batch.record.createdMs
        measurements = batch.record.measurements.count
        // A summary batch is found by the windows it summarises.
        let times = batch.record.tier == .summary ? batch.record.summaries.map(\.windowStartMs) : batch.record.measurements.map(\.startTimeMs)
        firstMs = times.min() ?? batch.record.createdMs
        lastMs = times.max() ?? batch.record.createdMs
    }

    /// A row read back from a store.
    public init(envelope: Envelope, id: Hash256, origin: NodeID, seq: UInt64, createdMs: Int64, measurements: Int, firstMs: Int64, lastMs: Int64) {
        self.envelope = envelope
        self.id = id
        self.origin = origin
        self.seq = seq
        self.createdMs = createdMs
        self.measurements = measurements
        self.firstMs = firstMs
        self.lastMs = lastMs
    }

    /// The batch, decoded without verifying it again (it was verified before it was stored); each
    /// decoding is counted in `StoreCounters`. Nil when the stored bytes no longer decode (a
    /// damaged disk): readers skip it.
    public var decoded: Verified<Batch>? {
        StoreCounters.batchesDecoded.add(1, ordering: .relaxed)
        return try? Verified(storedBatch: envelope)
    }

    /// Approximate encoded size of its envelope.
    public var wireSize: Int { envelope.wireSize }

    /// Bytes of its signed payload (what the daily quota counts).
    public var payloadBytes: Int { envelope.payload.count }
}

/// How often this process decoded stored batches: a restart reads the index, not the facts, and
/// tests count that it decoded none (`vantage_stored_batches_decoded_total`).
public enum StoreCounters {
    /// Stored batches decoded since the process started.
    public static let batchesDecoded = Atomic<Int>(0)
}
