import VantageIdentity
import VantageLedger
import VantageWire

/// What names a verdict's supporting batches (protocol/SPEC.md §13c): the mesh scores summaries,
/// so for an origin that signs them a verdict is supported by the summary batches counted, and by
/// raw batches only for an origin that signs none (files, imports). Every node holds every
/// summary, so ordinary nodes and archivers name the same batches.
extension Ledger {
    /// The observations that support verdicts in `span`: the raw observations of origins without
    /// a summary log, and the stand-ins of every other origin's summaries (`standIns`).
    public func support(in span: Range<Int64>) -> [Observation] {
        let (summarising, unsummarised) = originsByTier
        return observations(in: span, of: unsummarised)
            + standIns(for: summarising.flatMap { batches(of: $0.summaryLogID, measuredIn: span) }, in: span)
    }

    /// Of `summaryBatches`, the latest summary of each signer, window and vantage point with a
    /// window starting in `span` (but those `leavingOut`): one stand-in observation per target it
    /// counts (placed as the scorer places it), timed at the window's start and carrying the
    /// summary batch's id.
    public func standIns(for summaryBatches: [Verified<Batch>], in span: Range<Int64>, leavingOut: Set<SummaryPlace> = []) -> [Observation] {
        latestSummaries(of: summaryBatches, in: span).filter { !leavingOut.contains($0.place) }.flatMap { place, batch, record in
            let tallies = Placement.tallies(of: record, origin: place.origin, among: enrollments(of: place.origin), windowMs: windowMs)
            return tallies.cells.map { cell in
                let at = tallies.places[cell.series.vantage]!
                return Observation(vantage: cell.series.vantage, asn: at.asn, country: at.country, target: cell.series.target,
                                   timeMs: record.windowStartMs, outcome: .ok, batch: batch)
            }
        }
    }

    /// The tallies of the latest summaries among `summaryBatches` with a window in `span` (but
    /// those `leavingOut`): what the mesh counted of them (report verification).
    public func tallies(ofSummaries summaryBatches: [Verified<Batch>], in span: Range<Int64>, leavingOut: Set<SummaryPlace> = []) -> Tallies {
        var tallies = Tallies()
        for (place, _, record) in latestSummaries(of: summaryBatches, in: span) where !leavingOut.contains(place) {
            tallies.add(Placement.tallies(of: record, origin: place.origin, among: enrollments(of: place.origin), windowMs: windowMs))
        }
        return tallies
    }

    /// The latest summary of each signer, window and vantage point among `summaryBatches` with a
    /// window starting in `span`, with its batch's id, by place.
    public func latestSummaries(of summaryBatches: [Verified<Batch>], in span: Range<Int64>) -> [(place: SummaryPlace, batch: Hash256, record: WindowSummaryRecord)] {
        var latest: [SummaryPlace: (seq: UInt64, batch: Hash256, record: WindowSummaryRecord)] = [:]
        for batch in summaryBatches where batch.record.tier == .summary {
            for record in summaries(of: batch) where span.contains(record.windowStartMs) {
                let place = SummaryPlace(origin: batch.signer.id, key: record.key)
                if batch.record.seq > latest[place]?.seq ?? 0 { latest[place] = (batch.record.seq, batch.id, record) }
            }
        }
        return latest.sorted { $0.key < $1.key }.map { ($0.key, $0.value.batch, $0.value.record) }
    }
}

/// A signer's window and vantage point: where a later summary replaces an earlier one.
public struct SummaryPlace: Hashable, Comparable, Sendable {
    public var origin: NodeID
    public var key: WindowSummaryRecord.Key

    /// A place.
    public init(origin: NodeID, key: WindowSummaryRecord.Key) {
        self.origin = origin
        self.key = key
    }

    public static func < (a: SummaryPlace, b: SummaryPlace) -> Bool { (a.origin, a.key) < (b.origin, b.key) }
}
