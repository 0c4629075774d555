import Foundation
import VantageIdentity
import VantageScoring
import VantageWire

/// Scoring 1,000,000 measurements: 20 ASNs × 5 vantage points × 10 targets over one day, four
/// targets blocked in 18 ASNs for 4.5 hours (issue: ≤ 3 s and ≤ 1 GiB on one core).
public enum ScoringBench {
    static func observations() -> [Observation] {
        var rng = SplitMix64(seed: 8)
        let targets = ["facebook", "instagram", "x", "youtube", "whatsapp", "telegram", "tiktok", "wikipedia", "dawn", "geo"]
        let day: Int64 = 1_705_708_800_000
        var result: [Observation] = []
        result.reserveCapacity(1_000_000)
        for a in 0..<20 {
            let asn = 17_557 + UInt32(a) * 7
            for v in 0..<5 {
                let vantage = "pk-\(asn)-\(v)"
                for (t, target) in targets.enumerated() {
                    for k in 0..<1000 {
                        let time = day + Int64(k) * 86_400 + Int64.random(in: 0..<60_000, using: &rng)
                        let blocked = a < 18 && t < 4 && (46_800_000..<63_000_000).contains(time - day)
                        let outcome: Outcome = blocked ? .tlsReset : (Double.random(in: 0..<1, using: &rng) < 0.02 ? .tcpTimeout : .ok)
                        result.append(Observation(vantage: vantage, asn: asn, country: "PK", target: target, timeMs: time, outcome: outcome))
                    }
                }
            }
        }
        return result
    }

    public static func run() -> BenchReport {
        var report = BenchReport("scoring")
        let input = observations()
        var result: ScoreResult?
        let time = seconds { result = Scorer.score(input, country: "PK") }
        let peak = Double(peakRSS()) / 1_073_741_824
        report.add("measurements scored", Double(input.count), "")
        report.add("time to score, one core", time, "s", target: "≤ 3 s", met: time <= 3)
        report.add("peak resident memory of the process", peak, "GiB", target: "≤ 1 GiB", met: peak <= 1)
        report.notes = result!.verdicts.map(\.sentence)
        return report
    }
}
