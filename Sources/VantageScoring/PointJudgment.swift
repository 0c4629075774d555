import Foundation
import VantageLedger
import VantageWire

/// How one vantage point saw one target, or one ASN saw it, in one window (SPEC §13.2–3).
public enum PointState: String, Sendable, Codable {
    /// Failures improbable under the baseline (after the day's false discovery control), or throttled.
    case anomalous
    /// Failures as the baseline expects.
    case ok
    /// Too few measurements to say.
    case inconclusive
    /// The vantage point (or the ASN's only one) lost everything: its own power or link, not a vote.
    case offline
    /// Every vantage point of the ASN (two or more) lost everything: the ISP is down.
    case outage
}

/// One vantage point's window for one target: its counts, the baseline it is judged against, and
/// whether the vantage point was offline or throttled then.
struct PointWindow: Sendable, Equatable {
    var measurements = 0
    var failures = 0
    /// What the baseline learned: failures and trials of this vantage point's normal windows for
    /// this target, plus the prior's.
    var learnedFailures = 0.0
    var learnedTrials = 1.0
    /// P(at least `failures` of `measurements` fail) under the baseline.
    var pValue = 1.0
    var throttled = false
    var offline = false
    /// Enough measurements, and not offline.
    var conclusive = false
    /// The failure rate the baseline expects.
    var baseline: Double { learnedFailures / learnedTrials }
    /// More failures than the baseline expects.
    var elevated: Bool { Double(failures) > Double(measurements) * baseline }

    /// This window's share of a failure test, with `extra` trials of a neighbour window.
    func group(extraTrials extra: Int = 0) -> FailureTail.Group {
        FailureTail.Group(trials: measurements + extra, learnedFailures: learnedFailures, learnedTrials: learnedTrials)
    }
}

/// Judges each (vantage point, target, window) against the vantage point's own baselines, which
/// learn only from windows judged normal: a failure rate (smoothed by a prior) and a throughput
/// level; and marks a vantage point offline in windows where its control target and every other
/// target fail together.
enum PointJudge {
    typealias Key = Tallies.Series
    typealias Tally = WindowTally

    /// Throughput baseline: the mean of the last `throughputWindows` normal windows' medians.
    static let throughputWindows = 6
    /// A window whose failures are this improbable under the baseline does not teach it in the
    /// first pass (5 %), when nothing is known yet of the ASN-level anomalies. Later passes leave
    /// out exactly the windows found anomalous, and so learn the noise without the bias of cutting
    /// off its upper tail.
    static let learnBelowFirstPass = 0.05
    /// The prior counts as this many measurements.
    static let priorWeight = 10.0

    /// Judges every series; windows in `abnormal` (judged anomalous at the ASN level by an earlier
    /// pass; nil in the first pass) do not teach the baselines.
    static func judge(_ tallies: [Key: [Int64: Tally]], abnormal: [Key: Set<Int64>]?, _ p: ScoringParameters) -> [Key: [Int64: PointWindow]] {
        let offline = offlineWindows(tallies, p)
        let priors = linkPriors(tallies, offline: offline, p)
        let learnBelow = abnormal == nil ? learnBelowFirstPass : 0
        var result: [Key: [Int64: PointWindow]] = [:]
        for (key, windows) in tallies {
            result[key] = judgeSeries(windows, offline: offline[key.vantage] ?? [], abnormal: abnormal?[key] ?? [],
                                      prior: priors[key.vantage] ?? Double(p.priorFailurePercent) / 100, learnBelow: learnBelow, p)
        }
        return result
    }

    /// Per vantage point, the failure rate of its link: how often its control targets failed over
    /// all its windows that were not offline (smoothed towards `prior_failure_percent`). A target's
    /// baseline starts from it, so a noisy link is not mistaken for blocking before the target's
    /// own history has grown, and a target blocked from the start is still measured against what
    /// the link does to a platform nobody blocks.
    static func linkPriors(_ tallies: [Key: [Int64: Tally]], offline: [String: Set<Int64>], _ p: ScoringParameters) -> [String: Double] {
        let campaignPrior = Double(p.priorFailurePercent) / 100
        var counts: [String: (failed: Int, measured: Int)] = [:]
        for (key, windows) in tallies where p.controlTargets.contains(key.target) {
            for (window, tally) in windows where !(offline[key.vantage]?.contains(window) ?? false) {
                counts[key.vantage, default: (0, 0)].failed += tally.failures
                counts[key.vantage, default: (0, 0)].measured += tally.measurements
            }
        }
        return counts.mapValues { (Double($0.failed) + campaignPrior * priorWeight) / (Double($0.measured) + priorWeight) }
    }

    /// Per vantage point, the windows in which a control target and every other target it measured
    /// failed at least `offline_percent` of the time.
    static func offlineWindows(_ tallies: [Key: [Int64: Tally]], _ p: ScoringParameters) -> [String: Set<Int64>] {
        var byPoint: [String: [Int64: [(target: String, tally: Tally)]]] = [:]
        for (key, windows) in tallies {
            for (window, tally) in windows { byPoint[key.vantage, default: [:]][window, default: []].append((key.target, tally)) }
        }
        let controls = Set(p.controlTargets)
        return byPoint.mapValues { windows in
            Set(windows.filter { _, targets in
                targets.count >= 2 && targets.contains { controls.contains($0.target) }
                    && targets.allSatisfy { $0.tally.measurements > 0 && $0.tally.failures * 100 >= p.offlinePercent * $0.tally.measurements }
            }.keys)
        }
    }

    /// Judges one vantage point's windows for one target, oldest first.
    private static func judgeSeries(_ windows: [Int64: Tally], offline: Set<Int64>, abnormal: Set<Int64>, prior: Double,
                                    learnBelow: Double, _ p: ScoringParameters) -> [Int64: PointWindow] {
        var result: [Int64: PointWindow] = [:]
        var normal: [(failed: Int, measured: Int)] = []
        var normalThroughput: [Double] = []
        for window in windows.keys.sorted() {
            let t = windows[window]!
            var point = PointWindow(measurements: t.measurements, failures: t.failures)
            let recent = normal.suffix(p.baselineWindows)
            point.learnedFailures = Double(recent.reduce(0) { $0 + $1.failed }) + prior * priorWeight
            point.learnedTrials = Double(recent.reduce(0) { $0 + $1.measured }) + priorWeight
            guard !offline.contains(window) else {
                point.offline = true
                result[window] = point
                continue
            }
            point.conclusive = t.measurements >= p.minMeasurements
            point.pValue = FailureTail.atLeast(t.failures, in: [point.group()])
            let usual = point.pValue >= learnBelow
            let learns = usual && !abnormal.contains(window)
            if usual, point.conclusive, let throughput = t.throughput, throughput.samples >= p.minMeasurements {
                let median = throughput.median
                let level = normalThroughput.suffix(throughputWindows).reduce(0, +) / Double(max(1, min(normalThroughput.count, throughputWindows)))
                if !normalThroughput.isEmpty && median * 100 < level * Double(p.throttlePercent) {
                    point.throttled = true
                } else if learns {
                    normalThroughput.append(median)
                }
            }
            if learns && !point.throttled && t.measurements > 0 { normal.append((t.failures, t.measurements)) }
            result[window] = point
        }
        return result
    }

}
