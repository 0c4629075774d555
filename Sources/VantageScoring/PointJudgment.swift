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

    /// The vantage points offline in one window, of its tallies: those whose control target and
    /// every other target they measured failed at least `offline_percent` of the time.
    static func offline(_ window: [(key: Key, tally: Tally)], _ p: ScoringParameters) -> Set<String> {
        let controls = Set(p.controlTargets)
        return Set(Dictionary(grouping: window, by: \.key.vantage).filter { _, targets in
            targets.count >= 2 && targets.contains { controls.contains($0.key.target) }
                && targets.allSatisfy { $0.tally.measurements > 0 && $0.tally.failures * 100 >= p.offlinePercent * $0.tally.measurements }
        }.keys)
    }
}

/// Per vantage point, the failure rate of its link: how often its control targets failed over
/// all its windows that were not offline (smoothed towards `prior_failure_percent`). A target's
/// baseline starts from it, so a noisy link is not mistaken for blocking before the target's own
/// history has grown, and a target blocked from the start is still measured against what the link
/// does to a platform nobody blocks. Counted window by window over the whole history.
struct LinkPriors {
    private var counts: [String: (failed: Int, measured: Int)] = [:]

    /// Counts one window's tallies of control targets, but not those of vantage points offline then.
    mutating func add(_ window: [(key: PointJudge.Key, tally: WindowTally)], offline: Set<String>, _ p: ScoringParameters) {
        for (key, tally) in window where p.controlTargets.contains(key.target) && !offline.contains(key.vantage) {
            counts[key.vantage, default: (0, 0)].failed += tally.failures
            counts[key.vantage, default: (0, 0)].measured += tally.measurements
        }
    }

    /// The prior of `vantage`: the campaign's when its control targets were never measured.
    func prior(of vantage: String, _ p: ScoringParameters) -> Double {
        let campaignPrior = Double(p.priorFailurePercent) / 100
        guard let count = counts[vantage] else { return campaignPrior }
        return (Double(count.failed) + campaignPrior * PointJudge.priorWeight) / (Double(count.measured) + PointJudge.priorWeight)
    }
}

/// What one vantage point's baselines for one target have learned so far: its latest normal
/// windows' failures and throughputs. Windows are judged in order, oldest first.
struct SeriesBaseline: Equatable {
    struct Learned: Equatable {
        var failed: Int
        var measured: Int
    }
    private var normal: [Learned] = []
    private var normalThroughput: [Double] = []

    /// Judges the next window; when it is normal (usual, and not among the `abnormal` windows of
    /// an earlier pass) the baselines learn from it.
    mutating func judge(_ t: WindowTally, offline: Bool, abnormal: Bool, prior: Double, learnBelow: Double, _ p: ScoringParameters) -> PointWindow {
        var point = PointWindow(measurements: t.measurements, failures: t.failures)
        point.learnedFailures = Double(normal.reduce(0) { $0 + $1.failed }) + prior * PointJudge.priorWeight
        point.learnedTrials = Double(normal.reduce(0) { $0 + $1.measured }) + PointJudge.priorWeight
        guard !offline else {
            point.offline = true
            return point
        }
        point.conclusive = t.measurements >= p.minMeasurements
        point.pValue = FailureTail.atLeast(t.failures, in: [point.group()])
        let usual = point.pValue >= learnBelow
        let learns = usual && !abnormal
        if usual, point.conclusive, let throughput = t.throughput, throughput.samples >= p.minMeasurements {
            let median = throughput.median
            let level = normalThroughput.reduce(0, +) / Double(max(1, normalThroughput.count))
            if !normalThroughput.isEmpty && median * 100 < level * Double(p.throttlePercent) {
                point.throttled = true
            } else if learns {
                normalThroughput.append(median)
                if normalThroughput.count > PointJudge.throughputWindows { normalThroughput.removeFirst() }
            }
        }
        if learns && !point.throttled && t.measurements > 0 {
            normal.append(Learned(failed: t.failures, measured: t.measurements))
            if normal.count > p.baselineWindows { normal.removeFirst(normal.count - p.baselineWindows) }
        }
        return point
    }
}
