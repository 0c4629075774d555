import VantageWire

/// The scorer's parameters: a campaign's `ScoringPolicy` with every zero replaced by its default
/// (DESIGN.md, Scoring; protocol/SPEC.md §13).
public struct ScoringParameters: Sendable, Equatable, Codable {
    /// Window length in seconds (default 600).
    public var windowSeconds: Int
    /// Fewest conclusive measurements for a vantage point's window to be anomalous (default 2).
    public var minMeasurements: Int
    /// A window is anomalous at or above this failed share, in percent (default 60).
    public var anomalousPercent: Int
    /// A window is ok at or below this failed share, in percent (default 20).
    public var okPercent: Int
    /// Throughput below this percent of the vantage point's baseline counts as throttled (default 30).
    public var throttlePercent: Int
    /// Fewest conclusive ASNs for any verdict but `insufficient` (default 3).
    public var minASNs: Int
    /// Share of anomalous ASNs, in percent, from which a disruption is nation-scale (default 67).
    public var nationSharePercent: Int

    enum CodingKeys: String, CodingKey {
        case windowSeconds = "window_seconds", minMeasurements = "min_measurements"
        case anomalousPercent = "anomalous_percent", okPercent = "ok_percent"
        case throttlePercent = "throttle_percent", minASNs = "min_asns", nationSharePercent = "nation_share_percent"
    }

    /// The defaults of DESIGN.md.
    public init() {
        self.init(ScoringPolicy())
    }

    /// A campaign policy with defaults filled in.
    public init(_ policy: ScoringPolicy) {
        func value(_ v: UInt32, _ fallback: Int) -> Int { v == 0 ? fallback : Int(v) }
        windowSeconds = value(policy.windowSeconds, 600)
        minMeasurements = value(policy.minMeasurements, 2)
        anomalousPercent = value(policy.anomalousPercent, 60)
        okPercent = value(policy.okPercent, 20)
        throttlePercent = value(policy.throttlePercent, 30)
        minASNs = value(policy.minAsns, 3)
        nationSharePercent = value(policy.nationSharePercent, 67)
    }

    /// Window length in ms.
    public var windowMs: Int64 { Int64(windowSeconds) * 1000 }
}
