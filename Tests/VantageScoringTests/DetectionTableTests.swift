import Foundation
import Testing
import VantageIdentity
import VantageScoring
import VantageWire

/// The figures of detection under noise: false verdicts per 100 noise-only days at 10, 20, 30 and
/// 40 % random failures, and recall and timing error for a nation-scale blocking seen through them.
/// Prints the table; the bounds the scorer must meet are asserted in `NoisyDetectionTests`.
@Suite struct DetectionTableTests {
    /// Days per noise level: 4 in CI; VANTAGE_DETECTION_DAYS=25 for the figures in the notes.
    static let days = Int(ProcessInfo.processInfo.environment["VANTAGE_DETECTION_DAYS"] ?? "") ?? 4

    @Test func printTheDetectionTable() async {
        var lines = ["noise | false verdicts per 100 noise-only days (local / regional / nation) | blocking found | start error (windows) | end error (windows) | other verdicts on blocking days"]
        for noise in [0.10, 0.20, 0.30, 0.40] {
            await Task.yield()
            var local = 0, regional = 0, nation = 0, found = 0, others = 0
            var startErrors: [Int64] = [], endErrors: [Int64] = []
            for seed in 0..<Self.days {
                let quiet = NoisyDay(noise: (noise - 0.05)...(noise + 0.05))
                for v in await offPool({ Scorer.score(quiet.observations(seed: UInt64(1_000 + seed)), country: "PK").verdicts }) {
                    switch v.scope {
                    case .local: local += 1
                    case .regional: regional += 1
                    case .nation: nation += 1
                    default: break
                    }
                }
                let blocked = Set(["facebook", "instagram", "x", "youtube"])
                var day = NoisyDay(noise: (noise - 0.05)...(noise + 0.05))
                day.events = [.blocking(asns: Set(NoisyDay.asns.prefix(8)), targets: blocked, from: 78, to: 104)]
                let verdicts = await offPool { [day] in Scorer.score(day.observations(seed: UInt64(2_000 + seed)), country: "PK").verdicts }
                others += verdicts.filter { !($0.scope == .nation && Set($0.targets).isSuperset(of: blocked)) }.count
                if let v = verdicts.first(where: { $0.scope == .nation && Set($0.targets).isSuperset(of: blocked) }) {
                    found += 1
                    startErrors.append(abs(NoisyDay.window(of: v.start) - 78))
                    endErrors.append(abs(NoisyDay.window(of: v.end) - 105))
                }
            }
            let scale = 100.0 / Double(Self.days)
            func mean(_ xs: [Int64]) -> String { xs.isEmpty ? "-" : String(format: "%.1f (max %d)", Double(xs.reduce(0, +)) / Double(xs.count), xs.max()!) }
            lines.append(String(format: "%.0f %% | %.0f / %.0f / %.0f | %d of %d | ", noise * 100, Double(local) * scale, Double(regional) * scale,
                                Double(nation) * scale, found, Self.days) + "\(mean(startErrors)) | \(mean(endErrors)) | \(others)")
        }
        print(lines.joined(separator: "\n"))
    }
}
