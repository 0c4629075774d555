import VantageWire

/// When a node signs the summary of a window that is still open (protocol/SPEC.md §13c): when one
/// of its targets fails in at least half of its measurements of the open window at one of its
/// vantage points, and did not in the window before. The mesh then scores the window as soon as
/// it closes, instead of a grace later, at the onset of a disruption — traffic grows only then.
public enum EarlySummary {
    /// The share of a target's conclusive measurements that fail, in percent, from which it counts
    /// as failing.
    public static let failurePercent = 50

    /// True when a target fails in `open` (the summaries of the open window so far) at a vantage
    /// point where it did not fail in `previous` (the summaries of the window before).
    public static func isDue(open: [WindowSummaryRecord], previous: [WindowSummaryRecord]) -> Bool {
        let failedBefore = Set(previous.flatMap { record in failing(record).map { FailingTarget(country: record.country, asn: record.asn, target: $0) } })
        return open.contains { record in
            failing(record).contains { !failedBefore.contains(FailingTarget(country: record.country, asn: record.asn, target: $0)) }
        }
    }

    private struct FailingTarget: Hashable {
        var country: String
        var asn: UInt32
        var target: String
    }

    /// The targets of `record` (named, as a node computes its own summaries) that fail in at least
    /// `failurePercent` of their conclusive measurements.
    private static func failing(_ record: WindowSummaryRecord) -> [String] {
        record.targets.filter { target in
            let tally = target.tally
            return tally.measurements > 0 && tally.failures * 100 >= failurePercent * tally.measurements
        }.map(\.target)
    }
}
