import VantageWire

/// How one vantage point saw one target in one window (DESIGN.md, Scoring, step 2).
public enum PointState: String, Sendable, Codable {
    case anomalous, ok, inconclusive
}

/// A vantage point's judgment of one window, and whether the anomaly was low throughput.
struct PointJudgment: Sendable, Equatable {
    var state: PointState
    var throttled: Bool
    var measurements: Int
}

/// Judges each (vantage point, target, window): failed shares, and throughput against the vantage
/// point's own trailing baseline, which learns only from windows judged normal.
enum PointJudge {
    struct Key: Hashable, Comparable {
        var vantage: String
        var target: String
        static func < (a: Key, b: Key) -> Bool { (a.vantage, a.target) < (b.vantage, b.target) }
    }

    struct Tally {
        var conclusive = 0
        var failed = 0
        var throughputs: [UInt64] = []
    }

    /// Baseline: the mean of the last `baselineWindows` normal windows' median throughput.
    static let baselineWindows = 6

    static func judge(_ observations: [Observation], _ p: ScoringParameters) -> [Key: [Int64: PointJudgment]] {
        var tallies: [Key: [Int64: Tally]] = [:]
        for o in observations where o.outcome != .error && o.outcome != .unspecified {
            let window = floorDiv(o.timeMs, p.windowMs)
            var tally = tallies[Key(vantage: o.vantage, target: o.target), default: [:]][window, default: Tally()]
            tally.conclusive += 1
            if o.outcome != .ok { tally.failed += 1 }
            if let kbps = o.throughputKbps { tally.throughputs.append(kbps) }
            tallies[Key(vantage: o.vantage, target: o.target), default: [:]][window] = tally
        }
        return tallies.mapValues { judgeSeries($0, p) }
    }

    /// Judges one vantage point's windows for one target, oldest first.
    private static func judgeSeries(_ windows: [Int64: Tally], _ p: ScoringParameters) -> [Int64: PointJudgment] {
        var result: [Int64: PointJudgment] = [:]
        var normal: [Double] = []
        for window in windows.keys.sorted() {
            let t = windows[window]!
            var judgment = PointJudgment(state: .inconclusive, throttled: false, measurements: t.conclusive)
            if t.conclusive >= p.minMeasurements && t.failed * 100 >= p.anomalousPercent * t.conclusive {
                judgment.state = .anomalous
            } else if t.failed * 100 <= p.okPercent * t.conclusive {
                judgment.state = .ok
                if let median = median(t.throughputs) {
                    let baseline = normal.suffix(baselineWindows).reduce(0, +) / Double(max(1, min(normal.count, baselineWindows)))
                    if !normal.isEmpty && t.throughputs.count >= p.minMeasurements && median * 100 < baseline * Double(p.throttlePercent) {
                        judgment = PointJudgment(state: .anomalous, throttled: true, measurements: t.conclusive)
                    } else {
                        normal.append(median)
                    }
                }
            }
            result[window] = judgment
        }
        return result
    }

    static func median(_ values: [UInt64]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : (Double(sorted[mid - 1]) + Double(sorted[mid])) / 2
    }
}

/// Floor division for window indices of times before 1970.
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
