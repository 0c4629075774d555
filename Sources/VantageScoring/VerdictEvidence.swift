import Crypto
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What a verdict was computed from: every admitted batch with a measurement (placed and in age)
/// of one of its targets from a day before its start (the chronic look-back and the throughput
/// baseline) until its end — contrary evidence included. Attestations commit to it by digest, and a
/// report must carry exactly it (protocol/SPEC.md §13.8, §13b).
public enum VerdictEvidenceSet {
    /// How far before a verdict's start its evidence reaches.
    static let lookBackMs: Int64 = 86_400_000

    /// Whether an observation is evidence for a verdict: one of its targets, within its span.
    struct Filter {
        let targets: Set<String>
        let span: Range<Int64>

        init(_ verdict: Verdict) {
            targets = Set(verdict.targets)
            let start = RFC3339.milliseconds(verdict.start) ?? 0, end = RFC3339.milliseconds(verdict.end) ?? 0
            span = (start - VerdictEvidenceSet.lookBackMs)..<max(start - VerdictEvidenceSet.lookBackMs, end)
        }

        func admits(_ o: Observation) -> Bool { span.contains(o.timeMs) && targets.contains(o.target) }
    }

    /// The evidence batches of `verdict` in `ledger`, by origin then seq.
    public static func batches(of verdict: Verdict, in ledger: Ledger) -> [Verified<Batch>] {
        let filter = Filter(verdict)
        return ledger.origins.flatMap { origin in
            ledger.batches(of: origin, measuredIn: filter.span).filter { ledger.observations(of: $0).contains(where: filter.admits) }
        }
    }

    /// The summary batches of the signers of `evidence` that summarise a window in the verdict's
    /// evidence span, by signer then seq.
    public static func summaryBatches(of verdict: Verdict, evidence: [Verified<Batch>], in ledger: Ledger) -> [Verified<Batch>] {
        let span = Filter(verdict).span
        return Set(evidence.map(\.signer.id)).sorted().flatMap { ledger.batches(of: $0.summaryLogID, measuredIn: span) }
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
        Dictionary(verdicts.map { ($0.id, digest(of: batches(of: $0, in: ledger).map(\.id))) }) { first, _ in first }
    }
}
