import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The summaries in a report against its raw batches (protocol/SPEC.md §13b, §13c): the mesh scores
/// summaries, so each summary that counts for the verdict is checked against the raw batches it
/// names; one whose raw batches are missing or say otherwise is left out, and the verdict must
/// still follow from the rest.
extension ReportChecks {
    /// The report's summary batches that count: signed by their origin, of the summary tier, not
    /// cut by a revocation or excluded.
    mutating func admitSummaries(_ report: Report, ledger: Ledger) -> [Verified<Batch>] {
        var admitted: [Verified<Batch>] = []
        for (i, text) in report.summaries.enumerated() {
            guard case .success(.batch(let b)) = Self.open(text), b.record.tier == .summary, Hash256(bytes: b.record.origin) == b.signer.id else {
                add("summaries[\(i)]", false, "not a summary batch signed by its origin")
                continue
            }
            guard !ledger.excluded.contains(b.signer.id), !ledger.isCutByRevocation(b.signer.id, seq: nil, createdMs: b.record.createdMs) else {
                add("summaries[\(i)]", false, "signer \(b.signer.id.short) equivocated or was revoked before it")
                continue
            }
            if let problem = ledger.shapeProblem(of: b.record) {
                add("summaries[\(i)]", false, "a node would refuse it: \(LogText.bounded(problem))")
                continue
            }
            admitted.append(b)
        }
        return admitted
    }

    /// Checks the latest summary of each signer's window and vantage point that counts for the
    /// verdict against the raw batches it names: each is in the report, `raw_hash` is their hash,
    /// and they count what the summary says for the verdict's targets. A summary whose raw
    /// evidence is missing or contradicts it is left out (its place returned), and the verdict is
    /// recomputed from what remains; both checks say what was left out and why.
    mutating func checkSummaries(_ report: Report, evidence: [Verified<Batch>], summaries: [Verified<Batch>], ledger: Ledger) -> Set<SummaryPlace> {
        let filter = VerdictEvidenceSet.Filter(report.verdict, windowMs: report.policy.windowMs)
        var raw: [NodeID: [UInt64: Verified<Batch>]] = [:]
        for batch in evidence { raw[batch.signer.id, default: [:]][batch.record.seq] = batch }
        var missing: [String] = [], contradicting: [String] = []
        var leftOut = Set<SummaryPlace>()
        var checked = 0, named = 0
        for (place, _, record) in ledger.latestSummaries(of: summaries, in: filter.span) where filter.counts(record, of: place.origin, in: ledger) {
            checked += 1
            named += record.rawSeqs.count
            let name = "\(place.origin.short) window \(Date(unixMilliseconds: place.key.windowStartMs).rfc3339)"
            let absent = record.rawSeqs.filter { raw[place.origin]?[$0] == nil }
            if !absent.isEmpty {
                missing.append("\(name) (" + absent.prefix(3).map { "#\($0)" }.joined(separator: ", ") + (absent.count > 3 ? ", …" : "") + ")")
                leftOut.insert(place)
            } else if let problem = Self.contradiction(of: record, at: place, raw: record.rawSeqs.compactMap { raw[place.origin]?[$0] },
                                                         filter: filter, windowMs: report.policy.windowMs, ledger: ledger) {
                contradicting.append("\(name): \(problem)")
                leftOut.insert(place)
            }
        }
        guard checked > 0 else {
            if report.summaries.isEmpty { add("summaries", true, "none: the evidence's signers sign no summaries") }
            return leftOut
        }
        let unfetched = report.missingEvidence.map { "; the exporter could not fetch \($0.count) (first \($0[0].prefix(20)))" } ?? ""
        add("evidence", true, missing.isEmpty
            ? "all \(named) raw batches the summaries name are in the report"
            : "\(missing.count) of \(checked) summaries left out, their raw batches missing: "
                + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : "") + unfetched)
        let signers = Set(ledger.latestSummaries(of: summaries, in: filter.span).map(\.place.origin)).count
        add("summaries", true, contradicting.isEmpty
            ? "\(checked - missing.count) windows of \(signers) signers: the summaries scored agree with the raw batches for \(filter.targets.sorted().joined(separator: ", "))"
            : "\(contradicting.count) of \(checked) summaries left out, contradicted by the raw batches they name; first: \(contradicting[0])")
        return leftOut
    }

    /// Why the raw batches a summary names (all present) contradict it, or nil: `raw_hash` is not
    /// their hash, or their measurements of the verdict's targets in its window and vantage point
    /// are not what it counts.
    private static func contradiction(of record: WindowSummaryRecord, at place: SummaryPlace, raw: [Verified<Batch>],
                                      filter: VerdictEvidenceSet.Filter, windowMs: Int64, ledger: Ledger) -> String? {
        guard WindowSummaryRecord.rawHash(of: raw.map(\.id)) == Hash256(bytes: record.rawHash) else {
            return "its raw_hash is not the hash of the raw batches it names"
        }
        let window = place.key.windowStartMs..<(place.key.windowStartMs + windowMs)
        let observations = raw.flatMap { ledger.observations(of: $0) }.filter {
            window.contains($0.timeMs) && $0.country == place.key.country && $0.asn == place.key.asn && filter.targets.contains($0.target)
        }
        let fromRaw = WindowSummary.summarize(observations, windowMs: windowMs).first?.targets ?? []
        let said = WindowSummary(record: record, node: place.origin).targets.filter { filter.targets.contains($0.target) }
        return said == fromRaw ? nil : "the summary says \(counts(said)), the raw batches \(counts(fromRaw))"
    }

    /// "facebook 3 ok + 1 tls_reset; …" for messages.
    private static func counts(_ targets: [WindowSummary.TargetCounts]) -> String {
        targets.isEmpty ? "nothing" : targets.map { t in
            "\(t.target) " + t.outcomes.map { "\($0.count) \($0.outcome.name)" }.joined(separator: " + ")
        }.joined(separator: "; ")
    }
}
