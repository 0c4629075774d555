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

    /// The window summaries of a summary batch (admitted, or of a report), their targets named
    /// (SPEC §5.6).
    public func summaries(of batch: Verified<Batch>) -> [WindowSummaryRecord] {
        (try? CampaignNumbering.named(batch.record.summaries, by: numbering(of: batch.record))) ?? []
    }

    /// The numbering a batch names (nil when it names none, or one this ledger lacks).
    func numbering(of batch: Batch) -> CampaignNumbering? {
        campaign(named: batch.campaign).flatMap { numberings[$0.id] }
    }

    /// The measurements of `batch` with names for their numbers; throws naming the first that does
    /// not fit the campaign it names.
    static func named(_ batch: Batch, _ numbering: CampaignNumbering?) throws(NumberingError) -> [VantageWire.Measurement] {
        try CampaignNumbering.named(batch.measurements, by: numbering)
    }

    /// Throws naming the first measurement or summary target of `batch` whose number does not
    /// fit the campaign it names.
    static func checkNumbers(_ batch: Batch, _ numbering: CampaignNumbering?) throws(NumberingError) {
        _ = try named(batch, numbering)
        _ = try CampaignNumbering.named(batch.summaries, by: numbering)
    }

    /// Every tally of the ledger, read from the store.
    public var tallies: Tallies { store.tallies() }

    /// The ledger's tallies, read from the store a stretch of windows at a time (scoring).
    public var tallySource: any TallySource { store.tallySource() }

    /// Adds (or takes away) what an admitted batch counts for (SPEC §13c): an origin's windows
    /// count from its summary log once it has one, from its raw batches otherwise. A summary
    /// counts while it is the latest of its window and vantage point in its log: a later one,
    /// admitted, replaces its counts.
    mutating func count(_ batch: Verified<Batch>, subtract: Bool) {
        let origin = batch.signer.id
        if batch.record.tier == .summary {
            precondition(!subtract, "summaries are taken away by uncount, which knows what stays")
            for record in summaries(of: batch) {
                if let earlier = latestSummary(like: record, of: origin, below: batch.record.seq) {
                    addTallies(of: earlier.record, origin: origin, subtract: true)
                }
                addTallies(of: record, origin: origin, subtract: false)
            }
            return
        }
        guard !hasSummaryLog(origin) else { return }
        let tallies = Placement.tallies(measurements(of: batch), of: batch.record, origin: origin, among: enrollments(of: origin),
                                        maxAgeMs: maxMeasurementAgeMs, windowMs: windowMs)
        if !tallies.series.isEmpty { store.addTallies(tallies, of: origin, subtract: subtract) }
    }

    /// True when `origin` has a summary log (admitted or pruned batches): its raw batches then
    /// count for nothing.
    func hasSummaryLog(_ origin: NodeID) -> Bool { !(logs[origin.summaryLogID]?.isEmpty ?? true) }

    /// The summary of the same window and vantage point as `record` with the highest seq below
    /// `seq` in `origin`'s summary log, and that seq.
    private func latestSummary(like record: WindowSummaryRecord, of origin: NodeID, below seq: UInt64) -> (seq: UInt64, record: WindowSummaryRecord)? {
        var best: (seq: UInt64, record: WindowSummaryRecord)?
        for stored in store.batches(of: origin.summaryLogID, measuredIn: record.windowStartMs..<(record.windowStartMs + 1)) where stored.seq < seq {
            guard let batch = stored.decoded, stored.seq > best?.seq ?? 0 else { continue }
            if let same = summaries(of: batch).last(where: { $0.key == record.key }) {
                best = (stored.seq, same)
            }
        }
        return best
    }

    /// Adds (or takes away) the counts of one summary of `origin`: nothing when its window is not
    /// the campaign's or no enrollment of `origin` in its country and ASN covers the window.
    private mutating func addTallies(of record: WindowSummaryRecord, origin: NodeID, subtract: Bool) {
        let tallies = Placement.tallies(of: record, origin: origin, among: enrollments(of: origin), windowMs: windowMs)
        if !tallies.series.isEmpty { store.addTallies(tallies, of: origin, subtract: subtract) }
    }

    /// Takes away what the stored batches `seqs` of log `logID` counted for, before they are
    /// deleted; returns how many measurements they held. A summary that was the latest of its
    /// window and vantage point gives way to the latest one below `seqs`, if any.
    @discardableResult
    mutating func uncount(_ logID: NodeID, seqs: ClosedRange<UInt64>) -> Int {
        var measurements = 0
        for stored in StoredBatches(store: store, origin: logID, nextSeq: seqs.lowerBound, last: seqs.upperBound) {
            measurements += stored.measurements
            guard let batch = stored.decoded else { continue }
            guard batch.record.tier == .summary else {
                count(batch, subtract: true)
                continue
            }
            let origin = batch.signer.id
            for record in summaries(of: batch) where latestSummary(like: record, of: origin, below: .max)?.seq == stored.seq {
                addTallies(of: record, origin: origin, subtract: true)
                if let kept = latestSummary(like: record, of: origin, below: seqs.lowerBound) {
                    addTallies(of: kept.record, origin: origin, subtract: false)
                }
            }
        }
        return measurements
    }

    /// Counts the tallies of `origin` (every origin when nil) again from its stored batches: when
    /// the window or the measurement age changed, a new enrollment may place them elsewhere, or
    /// the origin's summary log began or ended.
    mutating func recountTallies(of origin: NodeID?) {
        store.resetTallies(of: origin)
        for node in origin.map({ [$0] }) ?? Set(logs.keys.map(owner(ofLog:))).sorted() {
            guard hasSummaryLog(node) else {
                for stored in storedBatches(of: node) {
                    if let batch = stored.decoded { count(batch, subtract: false) }
                }
                continue
            }
            // The latest summary of each window and vantage point, read in chain order.
            var latest: [WindowSummaryRecord.Key: WindowSummaryRecord] = [:]
            for stored in storedBatches(of: node.summaryLogID) {
                for record in stored.decoded.map(summaries(of:)) ?? [] { latest[record.key] = record }
            }
            for key in latest.keys.sorted() { addTallies(of: latest[key]!, origin: node, subtract: false) }
        }
    }
}
