import VantageIdentity
import VantageLedger
import VantageWire

extension Ledger {
    /// The scoring parameters of the current campaign, or the defaults when there is none.
    public var scoringParameters: ScoringParameters {
        campaign.map { ScoringParameters($0.record) } ?? ScoringParameters()
    }

    /// The observations of one admitted batch: its measurements that count, each at the vantage
    /// point its origin's enrollment places it (`Placement`), with the batch's id.
    public func observations(of batch: Verified<Batch>) -> [Observation] {
        let origin = batch.signer.id
        return Placement.placed(measurements(of: batch), of: batch.record, among: enrollments(of: origin), maxAgeMs: maxMeasurementAgeMs)
            .map { m, enrollment in
                Observation(vantage: Placement.vantagePoint(node: origin, enrollment), asn: enrollment.asn, country: enrollment.country,
                            target: m.target, timeMs: m.startTimeMs, outcome: m.outcome,
                            throughputKbps: m.hasThroughputKbps ? m.throughputKbps : nil, batch: batch.id)
            }
    }

    /// The observations starting in `span`, read from the batches of `origins` (default: every
    /// raw log) measured then, by origin then seq.
    public func observations(in span: Range<Int64>, of origins: [NodeID]? = nil) -> [Observation] {
        (origins ?? self.origins).flatMap { origin in
            batches(of: origin, measuredIn: span).flatMap { observations(of: $0).filter { span.contains($0.timeMs) } }
        }
    }
}
