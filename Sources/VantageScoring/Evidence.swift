import VantageIdentity
import VantageLedger
import VantageWire

/// Signed batches as the scorer's observations: each measurement is seen from the vantage point of
/// the batch's origin, with the ASN and country of the origin's enrollment. Used alike by the live
/// agent (from its ledger) and by report verification (from a report's envelopes).
public enum Evidence {
    /// The enrollment that places a batch: the one covering its creation time.
    public static func enrollment(for batch: Verified<Batch>, among enrollments: [Verified<Enrollment>]) -> Verified<Enrollment>? {
        enrollments.covering(batch.record.createdMs)
    }

    /// The observations of one batch placed by `enrollment`.
    public static func observations(of batch: Verified<Batch>, placedBy enrollment: Enrollment) -> [Observation] {
        let vantage = batch.signer.id.hex
        return batch.record.measurements.map { m in
            Observation(vantage: vantage, asn: enrollment.asn, country: enrollment.country, target: m.target, timeMs: m.startTimeMs,
                        outcome: m.outcome, throughputKbps: m.hasThroughputKbps ? m.throughputKbps : nil, batch: batch.id)
        }
    }
}

extension Ledger {
    /// The scoring parameters of the current campaign, or the defaults when there is none.
    public var scoringParameters: ScoringParameters {
        campaign.map { ScoringParameters($0.record.policy) } ?? ScoringParameters()
    }
}

/// The observations of a ledger, kept up to date incrementally: a log that only grew at its head
/// adds its new batches; a log that was pruned, dropped or re-placed by a new enrollment is redone.
public struct EvidenceIndex: Sendable {
    struct Entry: Sendable {
        var floorSeq: UInt64
        var headSeq: UInt64
        var enrollments: Int
        var observations: [Observation]
    }

    private var entries: [NodeID: Entry] = [:]

    /// An empty index.
    public init() {}

    /// Brings the index up to `ledger` and returns every observation, ordered by origin then seq.
    public mutating func update(from ledger: Ledger) -> [Observation] {
        let origins = ledger.origins
        let current = Set(origins)
        for origin in entries.keys where !current.contains(origin) { entries[origin] = nil }
        for origin in origins {
            let (floor, head) = ledger.span(of: origin)
            let enrollments = ledger.enrollments(of: origin)
            var entry = entries[origin] ?? Entry(floorSeq: floor, headSeq: floor, enrollments: enrollments.count, observations: [])
            if entry.floorSeq != floor || entry.enrollments != enrollments.count || entry.headSeq > head.seq {
                entry = Entry(floorSeq: floor, headSeq: floor, enrollments: enrollments.count, observations: [])
            }
            for batch in ledger.batches(of: origin, after: entry.headSeq) {
                guard let enrollment = Evidence.enrollment(for: batch, among: enrollments) else { continue }
                entry.observations += Evidence.observations(of: batch, placedBy: enrollment.record)
            }
            entry.headSeq = head.seq
            entries[origin] = entry
        }
        return entries.keys.sorted().flatMap { entries[$0]!.observations }
    }
}
