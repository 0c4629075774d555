import VantageIdentity
import VantageLedger
import VantageWire

/// Signed batches as the scorer's observations. Each measurement is placed by the enrollment of
/// its origin that covers the measurement's own time (of several, the smallest id), so a node
/// enrolled today cannot vote in last month's windows; its vantage point is the node in that
/// enrollment's country and ASN (a renewal elsewhere is another vantage point). Measurements that
/// start longer before their batch than `max_measurement_age` count for nothing. Used alike by the
/// live agent (from its ledger) and by report verification (from a report's envelopes).
public enum Evidence {
    /// The observations of one batch, placed by `enrollments` of its origin; `maxAgeMs` is the
    /// campaign's `max_measurement_age`.
    public static func observations(of batch: Verified<Batch>, among enrollments: [Verified<Enrollment>], maxAgeMs: Int64) -> [Observation] {
        let node = batch.signer.id.hex
        let oldest = batch.record.createdMs - maxAgeMs
        return batch.record.measurements.compactMap { m in
            guard m.startTimeMs >= oldest, let enrollment = enrollments.covering(m.startTimeMs)?.record else { return nil }
            return Observation(vantage: vantagePoint(node: node, enrollment), asn: enrollment.asn, country: enrollment.country,
                               target: m.target, timeMs: m.startTimeMs, outcome: m.outcome,
                               throughputKbps: m.hasThroughputKbps ? m.throughputKbps : nil, batch: batch.id)
        }
    }

    /// A vantage point: a node in one country and ASN.
    static func vantagePoint(node: String, _ enrollment: Enrollment) -> String {
        "\(node)/\(enrollment.country)/AS\(enrollment.asn)"
    }
}

extension Ledger {
    /// The scoring parameters of the current campaign, or the defaults when there is none.
    public var scoringParameters: ScoringParameters {
        campaign.map { ScoringParameters($0.record) } ?? ScoringParameters()
    }

    /// The observations of one admitted batch of `origin`.
    func observations(of batch: Verified<Batch>, origin: NodeID) -> [Observation] {
        Evidence.observations(of: batch, among: enrollments(of: origin), maxAgeMs: maxMeasurementAgeMs)
    }
}

/// The observations of a ledger, kept up to date incrementally: a log that only grew at its head
/// adds its new batches; a log that was pruned, dropped or re-placed by a new enrollment is redone.
public struct EvidenceIndex: Sendable {
    struct Entry: Sendable {
        var floorSeq: UInt64
        var headSeq: UInt64
        var enrollments: Int
        var maxAgeMs: Int64
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
        let maxAge = ledger.maxMeasurementAgeMs
        for origin in origins {
            let (floor, head) = ledger.span(of: origin)
            let enrollments = ledger.enrollments(of: origin).count
            let fresh = Entry(floorSeq: floor, headSeq: floor, enrollments: enrollments, maxAgeMs: maxAge, observations: [])
            var entry = entries[origin] ?? fresh
            if entry.floorSeq != floor || entry.enrollments != enrollments || entry.headSeq > head.seq || entry.maxAgeMs != maxAge {
                entry = fresh
            }
            for batch in ledger.batches(of: origin, after: entry.headSeq) {
                entry.observations += ledger.observations(of: batch, origin: origin)
            }
            entry.headSeq = head.seq
            entries[origin] = entry
        }
        return entries.keys.sorted().flatMap { entries[$0]!.observations }
    }
}
