import Crypto
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What a verdict was computed from (protocol/SPEC.md §13.8, §13c): from a day before its start
/// (the chronic look-back and the throughput baseline) until a window after its end (its last
/// window is tested with that neighbour), every summary batch with a
/// window there that counts one of its targets, and, of origins that sign no summaries, every
/// batch with a measurement (placed and in age) of one of its targets there — contrary evidence
/// included. Every node holds every summary, so ordinary nodes and archivers find the same set.
/// Attestations commit to it by digest; a report carries it, and the raw batches its summaries
/// name.
public enum VerdictEvidenceSet {
    /// How far before a verdict's start its evidence reaches.
    static let lookBackMs: Int64 = 86_400_000

    /// Whether an observation is evidence for a verdict: one of its targets, within its span.
    struct Filter {
        let targets: Set<String>
        let span: Range<Int64>

        init(_ verdict: Verdict, windowMs: Int64) {
            targets = Set(verdict.targets)
            let start = RFC3339.milliseconds(verdict.start) ?? 0, end = RFC3339.milliseconds(verdict.end) ?? 0
            span = (start - VerdictEvidenceSet.lookBackMs)..<max(start - VerdictEvidenceSet.lookBackMs, end + windowMs)
        }

        func admits(_ o: Observation) -> Bool { span.contains(o.timeMs) && targets.contains(o.target) }

        /// True when `record` has a window in the span that counts one of the targets.
        func admits(_ record: WindowSummaryRecord) -> Bool {
            span.contains(record.windowStartMs) && record.targets.contains { targets.contains($0.target) }
        }

        /// True when `record`, of `origin`'s summary log, counts for the verdict: `admits` it, and
        /// the scorer would count it — placed by an enrollment of its signer in its country and
        /// ASN, with conclusive measurements of one of the targets. A summary filed where its
        /// signer is not enrolled is evidence of nothing.
        func counts(_ record: WindowSummaryRecord, of origin: NodeID, in ledger: Ledger) -> Bool {
            admits(record) && record.targets.contains { targets.contains($0.target) && $0.tally.measurements > 0 }
                && Placement.enrollment(placing: record, among: ledger.enrollments(of: origin), windowMs: ledger.windowMs) != nil
        }
    }

    /// The raw evidence batches of `verdict` in `ledger`: of origins without a summary log, by
    /// origin then seq.
    public static func batches(of verdict: Verdict, in ledger: Ledger) -> [Verified<Batch>] {
        let filter = Filter(verdict, windowMs: ledger.windowMs)
        return ledger.originsByTier.unsummarised.flatMap { origin in
            ledger.batches(of: origin, measuredIn: filter.span).filter { ledger.observations(of: $0).contains(where: filter.admits) }
        }
    }

    /// The summary evidence of `verdict` in `ledger`, by signer then seq.
    public static func summaryBatches(of verdict: Verdict, in ledger: Ledger) -> [Verified<Batch>] {
        let filter = Filter(verdict, windowMs: ledger.windowMs)
        return ledger.summaryLogs.flatMap { log in
            ledger.batches(of: log, measuredIn: filter.span).filter { batch in
                ledger.summaries(of: batch).contains { filter.counts($0, of: batch.signer.id, in: ledger) }
            }
        }
    }

    /// The raw batches the summaries among `summaries` name for `verdict`'s windows and targets:
    /// seqs by signer.
    public static func rawSeqs(namedBy summaries: [Verified<Batch>], for verdict: Verdict, windowMs: Int64, in ledger: Ledger) -> [NodeID: Set<UInt64>] {
        let filter = Filter(verdict, windowMs: windowMs)
        var named: [NodeID: Set<UInt64>] = [:]
        for batch in summaries where batch.record.tier == .summary {
            for record in ledger.summaries(of: batch) where filter.counts(record, of: batch.signer.id, in: ledger) {
                named[batch.signer.id, default: []].formUnion(record.rawSeqs)
            }
        }
        return named
    }

    /// SHA-256 over `"vantage/verdict-evidence/v2\0"` and the sorted batch ids.
    public static func digest(of ids: some Sequence<Hash256>) -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Domain.tag("verdict-evidence"))
        for id in ids.sorted() { hasher.update(data: id.bytes) }
        return Hash256(digest: hasher.finalize())
    }

    /// The evidence digest of each verdict in `ledger`, by verdict id.
    public static func digests(of verdicts: [Verdict], in ledger: Ledger) -> [String: Hash256] {
        Dictionary(verdicts.map { ($0.id, digest(of: (summaryBatches(of: $0, in: ledger) + batches(of: $0, in: ledger)).map(\.id))) }) { first, _ in first }
    }
}
