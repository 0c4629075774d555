import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// Window summaries as signed records of a summary log (protocol/SPEC.md §5.8, §13c), and the
/// summaries a node signs of its own raw log.
extension WindowSummary {
    /// The wire form: `rawSeqs` are the seqs of the raw batches the summary's `rawHash` commits to.
    public func record(windowMs: Int64, rawSeqs: [UInt64]) -> WindowSummaryRecord {
        WindowSummaryRecord.with { record in
            record.windowStartMs = window * windowMs
            record.windowSeconds = UInt32(windowMs / 1000)
            record.country = country
            record.asn = asn
            record.targets = targets.map { counts in
                TargetSummaryRecord.with {
                    $0.target = counts.target
                    $0.setCounts(counts.outcomes)
                    if let throughput = counts.throughput {
                        $0.throughputMedianHalves = throughput.medianHalves
                        $0.throughputSamples = UInt32(throughput.samples)
                    }
                }
            }
            record.rawSeqs = rawSeqs.sorted()
            record.rawHash = Data(rawHash.bytes)
        }
    }

    /// The summary a record of `node`'s summary log states (its shape was checked on admission).
    public init(record: WindowSummaryRecord, node: NodeID) {
        let windowMs = Int64(record.windowSeconds) * 1000
        var enrollment = Enrollment()
        enrollment.country = record.country
        enrollment.asn = record.asn
        self.init(vantage: Placement.vantagePoint(node: node, enrollment), asn: record.asn, country: record.country,
                  window: floorDiv(record.windowStartMs, windowMs),
                  targets: record.targets.map { target in
                      TargetCounts(target: target.target, outcomes: target.counts, throughput: target.throughput)
                  },
                  rawHash: Hash256(bytes: record.rawHash) ?? .zero)
    }
}

extension Ledger {
    /// The summaries of `origin`'s own raw batches measured in the windows starting at
    /// `windowStarts`, each with the seqs of the raw batches it summarises: what `origin` signs
    /// into its summary log when those windows have closed.
    public func summaryRecords(of origin: NodeID, windowStarts: [Int64]) -> [WindowSummaryRecord] {
        let windowMs = self.windowMs
        var records: [WindowSummaryRecord] = []
        for start in Set(windowStarts).sorted() {
            let span = start..<(start + windowMs)
            var seenInWindow: [Observation] = []
            var seqs: [String: Set<UInt64>] = [:]
            for batch in batches(of: origin, measuredIn: span) {
                let seen = observations(of: batch).filter { span.contains($0.timeMs) }
                for o in seen { seqs[o.vantage, default: []].insert(batch.record.seq) }
                seenInWindow += seen
            }
            for summary in WindowSummary.summarize(seenInWindow, windowMs: windowMs) {
                records.append(summary.record(windowMs: windowMs, rawSeqs: Array(seqs[summary.vantage] ?? [])))
            }
        }
        return records.sorted { $0.key < $1.key }
    }

    /// The window summaries in `origin`'s summary log, the latest of each window and vantage
    /// point (a later summary of a window replaces an earlier one), in window order.
    public func signedSummaries(of origin: NodeID) -> [WindowSummary] {
        var latest: [WindowSummaryRecord.Key: WindowSummaryRecord] = [:]
        for stored in storedBatches(of: origin.summaryLogID) {
            for record in stored.decoded.map(summaries(of:)) ?? [] { latest[record.key] = record }
        }
        return latest.values.map { WindowSummary(record: $0, node: origin) }.sorted { ($0.window, $0.vantage) < ($1.window, $1.vantage) }
    }
}
