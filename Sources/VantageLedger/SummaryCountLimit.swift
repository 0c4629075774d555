import VantageWire

/// The most measurements one window summary may count for one target (protocol/SPEC.md §5.8):
/// what the campaign its batch names can produce in a window — the target's inputs × the probe
/// kinds × the rounds in the window — times `headroom`, at least `floor` (API and imported lines
/// come beside the probes) and never above `hardCap`. A summary beyond it is refused
/// (`summary_counts`), so no count a node scores or a report carries is larger.
public enum SummaryCountLimit {
    /// Counts no summary may exceed, whatever its campaign: a minute's rounds of 20 inputs × 5
    /// probe kinds for ten minutes would need 6,000.
    public static let hardCap = 20_000
    /// The bound is never below this, so a few lines submitted beside the probes still fit.
    public static let floor = 64
    /// How many times what the campaign schedules a window may hold (retries, a round that
    /// straddles the window's edges, lines submitted by hand).
    public static let headroom = 4

    /// The bound for `target` of a summary of `windowSeconds` in a batch numbered by `campaign`
    /// (nil: the batch names none, and only `hardCap` applies).
    public static func perTarget(_ target: TargetSummaryRecord, windowSeconds: UInt32, campaign: Campaign?) -> Int {
        guard let campaign else { return hardCap }
        let index = Int(target.targetIndex)
        let inputs = index > 0 && index <= campaign.targets.count
            ? campaign.targets[index - 1].inputs.count
            : campaign.targets.map(\.inputs.count).max() ?? 1
        let interval = max(1, Int(campaign.intervalSeconds))
        let rounds = (Int(windowSeconds) + interval - 1) / interval
        let scheduled = max(1, inputs) * max(1, campaign.probes.count) * max(1, rounds)
        return min(hardCap, max(floor, scheduled.multipliedReportingOverflow(by: headroom).partialValue))
    }

    /// Why `batch` counts more than its campaign allows (or names more raw batches than it counts
    /// measurements: each raw batch a summary names holds at least one of them), or nil.
    public static func problem(of batch: Batch, campaign: Campaign?) -> String? {
        for (index, summary) in batch.summaries.enumerated() {
            var total = 0
            for target in summary.targets {
                let counted = Int(target.ok) + target.outcomes.reduce(0) { $0 + Int($1.count) }
                let limit = perTarget(target, windowSeconds: summary.windowSeconds, campaign: campaign)
                if counted > limit {
                    let name = target.targetIndex > 0 ? "#\(target.targetIndex)" : LogText.bounded(target.target)
                    return "summary \(index): target \(name) counts \(counted) measurements; its campaign allows at most \(limit) in a window"
                }
                total += counted
            }
            if summary.rawSeqs.count > total {
                return "summary \(index): it names \(summary.rawSeqs.count) raw batches for \(total) measurements"
            }
        }
        return nil
    }
}
