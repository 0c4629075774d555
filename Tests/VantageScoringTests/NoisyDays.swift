import VantageIdentity
import VantageScoring
import VantageWire

/// Days of measurements on flaky networks, drawn from a seed (issue: detection under noise): ten
/// ASNs with two vantage points each measure five targets (wikipedia is the control) three times per
/// ten-minute window for a whole day, every measurement failing at random at its vantage point's
/// own noise rate, with events laid on top.
struct NoisyDay {
    /// 2024-01-20T00:00:00Z.
    static let t0: Int64 = 1_705_708_800_000
    static let window: Int64 = 600_000
    static let windows: Int64 = 144
    static let targets = ["facebook", "instagram", "x", "youtube", "wikipedia"]
    static let asns: [UInt32] = (0..<10).map { 24_000 + UInt32($0) * 11 }

    /// What happens on the day besides the noise.
    enum Event {
        /// Targets blocked (TLS resets) in these ASNs from window `from` through `to`.
        case blocking(asns: Set<UInt32>, targets: Set<String>, from: Int64, to: Int64)
        /// One vantage point loses power: everything it measures fails (timeouts).
        case powerCut(asn: UInt32, point: Int, from: Int64, to: Int64)
        /// A whole ISP goes dark: every vantage point in it fails everything.
        case outage(asn: UInt32, from: Int64, to: Int64)
    }

    /// Random failure rates of the vantage points lie in this range.
    var noise: ClosedRange<Double>
    var events: [Event] = []

    /// The day's observations.
    func observations(seed: UInt64) -> [Observation] {
        var rng = SplitMix64(seed: seed)
        var result: [Observation] = []
        result.reserveCapacity(Self.asns.count * 2 * Self.targets.count * Int(Self.windows) * 3)
        for asn in Self.asns {
            for point in 0..<2 {
                let rate = Double.random(in: noise, using: &rng)
                for w in 0..<Self.windows {
                    for target in Self.targets {
                        for k in 0..<3 {
                            let time = Self.t0 + w * Self.window + Int64(k) * 200_000 + Int64.random(in: 0..<60_000, using: &rng)
                            var outcome: Outcome = Double.random(in: 0..<1, using: &rng) < rate ? .tcpTimeout : .ok
                            if let forced = forcedOutcome(asn: asn, point: point, target: target, window: w) { outcome = forced }
                            result.append(Observation(vantage: "pk-as\(asn)-\(point)", asn: asn, country: "PK", target: target,
                                                      timeMs: time, outcome: outcome))
                        }
                    }
                }
            }
        }
        return result
    }

    private func forcedOutcome(asn: UInt32, point: Int, target: String, window: Int64) -> Outcome? {
        for event in events {
            switch event {
            case .blocking(let asns, let targets, let from, let to) where asns.contains(asn) && targets.contains(target) && (from...to).contains(window):
                return .tlsReset
            case .powerCut(let a, let p, let from, let to) where a == asn && p == point && (from...to).contains(window):
                return .tcpTimeout
            case .outage(let a, let from, let to) where a == asn && (from...to).contains(window):
                return .tcpTimeout
            default:
                continue
            }
        }
        return nil
    }

    /// The window index of a verdict time.
    static func window(of rfc3339: String) -> Int64 {
        ((RFC3339.milliseconds(rfc3339) ?? t0) - t0) / window
    }
}
