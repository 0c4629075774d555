import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What one vantage point saw of each target in one scoring window: exactly what the scorer uses
/// (protocol/SPEC.md §13c) — measurements by outcome, and the median of the throughputs with
/// their count — and one hash committing to the raw batches summarised. Verdicts from summaries
/// equal verdicts from the measurements they summarise.
public struct WindowSummary: Sendable, Equatable {
    /// One target's counts.
    public struct TargetCounts: Sendable, Equatable {
        public var target: String
        /// Measurements by outcome (every outcome, `error` included), in ascending outcome order;
        /// outcomes not seen are absent, so "n of n ok" is one entry.
        public var outcomes: [(outcome: Outcome, count: Int)]
        /// The median throughput of the conclusive measurements that carried one, and their count.
        public var throughput: ThroughputSummary?

        /// Conclusive measurements (every outcome but `error` and unspecified).
        public var measurements: Int { WindowTally(outcomes: outcomes, throughput: nil).measurements }
        /// Those whose outcome is not `ok`.
        public var failures: Int { WindowTally(outcomes: outcomes, throughput: nil).failures }

        static func isConclusive(_ outcome: Outcome) -> Bool { outcome != .error && outcome != .unspecified }

        public static func == (a: TargetCounts, b: TargetCounts) -> Bool {
            a.target == b.target && a.throughput == b.throughput
                && a.outcomes.map(\.outcome) == b.outcomes.map(\.outcome) && a.outcomes.map(\.count) == b.outcomes.map(\.count)
        }
    }

    /// The vantage point, its ASN and its country.
    public var vantage: String
    public var asn: UInt32
    public var country: String
    /// The window's index (`start_time_ms` floor-divided by the window length).
    public var window: Int64
    /// The targets measured, by name.
    public var targets: [TargetCounts]
    /// SHA-256 of the domain `vantage/window-summary-raw/v2` and the sorted ids of the raw batches
    /// that hold the window's measurements (of no batch, offline).
    public var rawHash: Hash256

    /// The summaries of `observations`, one per vantage point and window, sorted by both.
    public static func summarize(_ observations: [Observation], windowMs: Int64) -> [WindowSummary] {
        struct Key: Hashable { var vantage: String, window: Int64 }
        struct Cell {
            var asn: UInt32, country: String
            var counts: [String: [Outcome: Int]] = [:]
            var throughputs: [String: [UInt64]] = [:]
            var batches: Set<Hash256> = []
        }
        var cells: [Key: Cell] = [:]
        for o in observations {
            let key = Key(vantage: o.vantage, window: floorDiv(o.timeMs, windowMs))
            var cell = cells.removeValue(forKey: key) ?? Cell(asn: o.asn, country: o.country)
            cell.counts[o.target, default: [:]][o.outcome, default: 0] += 1
            if let throughput = o.throughputKbps, TargetCounts.isConclusive(o.outcome) { cell.throughputs[o.target, default: []].append(throughput) }
            if let batch = o.batch { cell.batches.insert(batch) }
            cells[key] = cell
        }
        return cells.map { key, cell in
            WindowSummary(vantage: key.vantage, asn: cell.asn, country: cell.country, window: key.window,
                          targets: cell.counts.keys.sorted().map { target in
                              TargetCounts(target: target,
                                           outcomes: cell.counts[target]!.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) },
                                           throughput: ThroughputSummary(cell.throughputs[target] ?? []))
                          },
                          rawHash: WindowSummaryRecord.rawHash(of: cell.batches))
        }.sorted { ($0.vantage, $0.window) < ($1.vantage, $1.window) }
    }
}

extension Tallies {
    /// The scorer's tallies of window summaries: per target, its conclusive measurements, their
    /// failures and the summarised throughput; a target with no conclusive measurement counts for
    /// nothing, as when counted from the measurements.
    public init(summaries: [WindowSummary]) {
        self.init()
        for summary in summaries {
            for counts in summary.targets where counts.measurements > 0 {
                add(WindowTally(outcomes: counts.outcomes, throughput: counts.throughput),
                    series: Series(vantage: summary.vantage, target: counts.target), window: summary.window,
                    place: Place(asn: summary.asn, country: summary.country))
            }
        }
    }
}
