import VantageWire

/// The scorer's parameters: a campaign's `ScoringPolicy` with every zero replaced by its default,
/// and the campaign's control targets (DESIGN.md, Scoring; protocol/SPEC.md §13).
public struct ScoringParameters: Sendable, Equatable, Codable {
    /// Window length in seconds (default 600).
    public var windowSeconds: Int
    /// Fewest conclusive measurements for a vantage point's window to count (default 2).
    public var minMeasurements: Int
    /// Throughput below this percent of the vantage point's baseline counts as throttled (default 30).
    public var throttlePercent: Int
    /// Fewest conclusive ASNs for any verdict but `insufficient` (default 3).
    public var minASNs: Int
    /// Share of anomalous ASNs, in percent, from which a disruption is nation-scale (default 67).
    public var nationSharePercent: Int
    /// The false discovery rate of anomalous cells among a day's cells, in permille (default 10: 1 %).
    public var falseDiscoveryPermille: Int
    /// Normal windows a vantage point's failure baseline learns from (default 36: six hours).
    public var baselineWindows: Int
    /// The failure rate assumed before a baseline has data, in percent (default 5).
    public var priorFailurePercent: Int
    /// A vantage point whose control target and every other target fail at least this share in a
    /// window is offline for it (default 80).
    public var offlinePercent: Int
    /// Windows a local, regional or insufficient event needs before it is a verdict (default 2);
    /// nation and global events are verdicts from their first window.
    public var minWindows: Int
    /// The targets expected to stay reachable (the campaign's `control` targets; wikipedia when
    /// there is no campaign), used to tell a vantage point's own outage from blocking.
    public var controlTargets: [String]
    /// The targets scored: the campaign's, so a name a node invents is scored nowhere (SPEC §13);
    /// nil without a campaign (or one that names none): every target.
    public var targets: [String]?

    enum CodingKeys: String, CodingKey {
        case windowSeconds = "window_seconds", minMeasurements = "min_measurements"
        case throttlePercent = "throttle_percent", minASNs = "min_asns", nationSharePercent = "nation_share_percent"
        case falseDiscoveryPermille = "false_discovery_permille", baselineWindows = "baseline_windows"
        case priorFailurePercent = "prior_failure_percent", offlinePercent = "offline_percent", minWindows = "min_windows"
        case controlTargets = "control_targets", targets
    }

    /// The control target when no campaign names one.
    public static let defaultControlTargets = ["wikipedia"]

    /// The defaults of DESIGN.md.
    public init() {
        self.init(ScoringPolicy())
    }

    /// A campaign policy with defaults filled in, and the campaign's control targets.
    public init(_ policy: ScoringPolicy, controlTargets: [String] = defaultControlTargets) {
        func value(_ v: UInt32, _ fallback: Int) -> Int { v == 0 ? fallback : Int(v) }
        windowSeconds = value(policy.windowSeconds, 600)
        minMeasurements = value(policy.minMeasurements, 2)
        throttlePercent = value(policy.throttlePercent, 30)
        minASNs = value(policy.minAsns, 3)
        nationSharePercent = value(policy.nationSharePercent, 67)
        falseDiscoveryPermille = value(policy.falseDiscoveryPermille, 10)
        baselineWindows = value(policy.baselineWindows, 36)
        priorFailurePercent = value(policy.priorFailurePercent, 5)
        offlinePercent = value(policy.offlinePercent, 80)
        minWindows = value(policy.minWindows, 2)
        self.controlTargets = controlTargets.sorted()
        targets = nil
    }

    /// The parameters of a campaign: its policy and its control targets.
    public init(_ campaign: Campaign) {
        self.init(campaign.policy, controlTargets: campaign.targets.filter(\.control).map(\.name))
        targets = campaign.targets.isEmpty ? nil : campaign.targets.map(\.name).sorted()
    }

    /// Window length in ms.
    public var windowMs: Int64 { Int64(windowSeconds) * 1000 }

    /// Windows of one UTC day: the family over which false discoveries are bounded.
    public var windowsPerDay: Int64 { max(1, 86_400_000 / windowMs) }
}
