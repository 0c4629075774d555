import VantageIdentity
import VantageScoring
import VantageWire

/// Seeded measurement scenarios: ASNs with vantage points measuring targets every few minutes,
/// with disruptions laid on top and background noise.
struct ScenarioData {
    /// 2024-01-20T09:00:00Z.
    static let t0: Int64 = 1_705_741_200_000
    static let window: Int64 = 600_000

    struct Disruption {
        var asns: Set<UInt32>
        var targets: Set<String>
        var fromWindow: Int64
        var toWindow: Int64
        var outcome: Outcome = .tlsReset
        var throughputFactor: Double? = nil
    }

    var asns: [UInt32] = (0..<10).map { 17557 + UInt32($0) * 7 }
    var pointsPerASN = 2
    var targets = ["facebook", "instagram", "x", "youtube", "wikipedia"]
    var windows: Int64 = 60
    var perWindow = 3
    var noise = 0.02
    var disruptions: [Disruption] = []
    var controls: [UInt32] = []
    var extraPoints: [UInt32: Int] = [:]
    var throughput = false

    /// The observations, drawn with `seed`.
    func observations(seed: UInt64, country: String = "PK") -> [Observation] {
        var rng = SplitMix64(seed: seed)
        var result: [Observation] = []
        let places = asns.map { ($0, country) } + controls.map { ($0, "DE") }
        for (asn, cc) in places {
            for point in 0..<(pointsPerASN + extraPoints[asn, default: 0]) {
                let vantage = "\(cc.lowercased())-as\(asn)-\(point)"
                for target in targets {
                    for w in 0..<windows {
                        for k in 0..<perWindow {
                            let time = Self.t0 + w * Self.window + Int64(k) * 180_000 + Int64.random(in: 0..<60_000, using: &rng)
                            let hit = disruptions.first { ($0.asns.contains(asn) || ($0.asns.contains(0) && cc != country)) && $0.targets.contains(target) && (($0.fromWindow)...($0.toWindow)).contains(w) }
                            var outcome: Outcome = Double.random(in: 0..<1, using: &rng) < noise ? .tcpTimeout : .ok
                            var kbps: UInt64? = throughput ? UInt64.random(in: 9_000...11_000, using: &rng) : nil
                            if let hit {
                                if let factor = hit.throughputFactor { kbps = kbps.map { UInt64(Double($0) * factor) } } else { outcome = hit.outcome }
                            }
                            result.append(Observation(vantage: vantage, asn: asn, country: cc, target: target, timeMs: time,
                                                      outcome: outcome, throughputKbps: kbps))
                        }
                    }
                }
            }
        }
        return result
    }
}
