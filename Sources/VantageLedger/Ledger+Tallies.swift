import Foundation
import VantageIdentity
import VantageWire

/// The scorer's tallies, kept in the store as batches are admitted, pruned, cut or excluded, so
/// that scoring reads counts instead of batches (protocol/SPEC.md §13.8).
extension Ledger {
    /// The scoring window: the campaign policy's `window_seconds`, or 600 s.
    public var windowMs: Int64 {
        let seconds = Int64(campaign?.record.policy.windowSeconds ?? 0)
        return (seconds > 0 ? seconds : Int64(Placement.defaultWindowSeconds)) * 1000
    }

    /// What the tallies are counted with.
    var tallyBasis: TallyBasis { TallyBasis(windowMs: windowMs, maxAgeMs: maxMeasurementAgeMs) }

    /// The measurements of an admitted batch, with names for their numbers.
    public func measurements(of batch: Verified<Batch>) -> [VantageWire.Measurement] {
        (try? Self.named(batch.record, numbering(of: batch.record))) ?? []
    }

    /// The numbering a batch names (nil when it names none, or one this ledger lacks).
    func numbering(of batch: Batch) -> CampaignNumbering? {
        Hash256(bytes: batch.campaign).flatMap { numberings[$0] }
    }

    /// The measurements of `batch` with names for their numbers; throws naming the first that does
    /// not fit the campaign it names.
    static func named(_ batch: Batch, _ numbering: CampaignNumbering?) throws(NumberingError) -> [VantageWire.Measurement] {
        try CampaignNumbering.named(batch.measurements, by: numbering)
    }

    /// Every tally of the ledger, read from the store.
    public var tallies: Tallies { store.tallies() }

    /// Adds (or takes away) what an admitted batch counts for.
    mutating func count(_ batch: Verified<Batch>, subtract: Bool) {
        let origin = batch.signer.id
        let tallies = Placement.tallies(measurements(of: batch), of: batch.record, origin: origin, among: enrollments(of: origin),
                                        maxAgeMs: maxMeasurementAgeMs, windowMs: windowMs)
        if !tallies.series.isEmpty { store.addTallies(tallies, of: origin, subtract: subtract) }
    }

    /// Takes away what stored batches counted for, before they are deleted; returns how many
    /// measurements they held.
    @discardableResult
    mutating func uncount(_ origin: NodeID, seqs: ClosedRange<UInt64>) -> Int {
        var measurements = 0
        for stored in StoredBatches(store: store, origin: origin, nextSeq: seqs.lowerBound, last: seqs.upperBound) {
            measurements += stored.measurements
            if let batch = stored.decoded { count(batch, subtract: true) }
        }
        return measurements
    }

    /// Counts the tallies of `origin` (every origin when nil) again from its stored batches: when
    /// the window or the measurement age changed, or a new enrollment may place them elsewhere.
    mutating func recountTallies(of origin: NodeID?) {
        store.resetTallies(of: origin)
        for node in origin.map({ [$0] }) ?? logs.keys.sorted() {
            for stored in storedBatches(of: node) {
                if let batch = stored.decoded { count(batch, subtract: false) }
            }
        }
    }
}
