import VantageLedger
import VantageIdentity
import VantageWire

/// One measurement with the vantage point that made it: the scorer's input.
public struct Observation: Sendable, Equatable {
    /// The vantage point (a node id, or a name in offline files).
    public var vantage: String
    /// The vantage point's ASN.
    public var asn: UInt32
    /// The vantage point's country; vantage points outside the scored country are controls.
    public var country: String
    /// The platform measured.
    public var target: String
    /// When the measurement started, Unix ms.
    public var timeMs: Int64
    /// What it saw.
    public var outcome: Outcome
    /// Measured throughput, when the probe measured one.
    public var throughputKbps: UInt64?
    /// The id of the signed batch that carried it, when it came from a ledger.
    public var batch: Hash256?

    /// An observation.
    public init(vantage: String, asn: UInt32, country: String, target: String, timeMs: Int64,
                outcome: Outcome, throughputKbps: UInt64? = nil, batch: Hash256? = nil) {
        self.vantage = vantage
        self.asn = asn
        self.country = country
        self.target = target
        self.timeMs = timeMs
        self.outcome = outcome
        self.throughputKbps = throughputKbps
        self.batch = batch
    }
}

extension Tallies {
    /// The tallies of observations (offline scoring, report verification).
    public init(_ observations: [Observation], windowMs: Int64) {
        self.init()
        for o in observations {
            count(vantage: o.vantage, place: Place(asn: o.asn, country: o.country), target: o.target,
                  window: floorDiv(o.timeMs, windowMs), outcome: o.outcome, throughputKbps: o.throughputKbps)
        }
    }
}
