import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The summaries in a report against its raw batches (protocol/SPEC.md §13b, §13c): the mesh scores
/// summaries, so a report verifies only when every raw batch its summaries name for the verdict is
/// in it, and, for the verdict's targets, every summary of a window of its evidence span says what
/// the signer's raw batches say.
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
            admitted.append(b)
        }
        return admitted
    }

    mutating func checkSummaries(_ report: Report, evidence: [Verified<Batch>], summaries: [Verified<Batch>], ledger: Ledger) {
        let filter = VerdictEvidenceSet.Filter(report.verdict, windowMs: report.policy.windowMs)
        let windowMs = report.policy.windowMs
        checkEvidenceNamed(report, evidence: evidence, summaries: summaries, ledger: ledger)
        // A signer's window and vantage point.
        struct Place: Hashable, Comparable {
            var origin: NodeID
            var key: WindowSummaryRecord.Key
            static func < (a: Place, b: Place) -> Bool { (a.origin, a.key) < (b.origin, b.key) }
        }
        var latest: [Place: WindowSummaryRecord] = [:]
        for (origin, _, record) in ledger.latestSummaries(of: summaries, in: filter.span) { latest[Place(origin: origin, key: record.key)] = record }
        let summarised = Set(summaries.map(\.signer.id))
        var disagreements: [String] = []
        // Every window of a summarising signer's evidence has a summary that agrees with it.
        var windows: [Place: (observations: [Observation], seqs: Set<UInt64>)] = [:]
        for batch in evidence where summarised.contains(batch.signer.id) {
            for o in ledger.observations(of: batch) where filter.admits(o) {
                let key = WindowSummaryRecord.Key(windowStartMs: floorDiv(o.timeMs, windowMs) * windowMs, country: o.country, asn: o.asn)
                windows[Place(origin: batch.signer.id, key: key), default: ([], [])].observations.append(o)
                windows[Place(origin: batch.signer.id, key: key)]!.seqs.insert(batch.record.seq)
            }
        }
        for key in windows.keys.sorted() {
            let raw = windows[key]!
            let place = "\(key.origin.short) window \(Date(unixMilliseconds: key.key.windowStartMs).rfc3339)"
            guard let stated = latest[key] else {
                disagreements.append("\(place): no summary in the report")
                continue
            }
            let fromRaw = WindowSummary.summarize(raw.observations, windowMs: windowMs).first?.targets ?? []
            let said = WindowSummary(record: stated, node: key.origin).targets.filter { filter.targets.contains($0.target) }
            if said != fromRaw {
                disagreements.append("\(place): the summary says \(Self.counts(said)), the raw batches \(Self.counts(fromRaw))")
            } else if !raw.seqs.isSubset(of: Set(stated.rawSeqs)) {
                disagreements.append("\(place): the summary does not name raw batches \(raw.seqs.subtracting(stated.rawSeqs).sorted())")
            }
        }
        if summarised.isEmpty {
            if report.summaries.isEmpty { add("summaries", true, "none: the evidence's signers sign no summaries") }
            return
        }
        add("summaries", disagreements.isEmpty, disagreements.isEmpty
            ? "\(windows.count) windows of \(summarised.count) signers: the summaries scored agree with the raw batches for \(filter.targets.sorted().joined(separator: ", "))"
            : "\(disagreements.count) of \(windows.count) windows disagree; first: \(disagreements[0])")
    }

    /// Every raw batch the summaries name for the verdict's windows and targets is in the report;
    /// the missing ones are named (with what the exporter said it could not fetch).
    private mutating func checkEvidenceNamed(_ report: Report, evidence: [Verified<Batch>], summaries: [Verified<Batch>], ledger: Ledger) {
        let named = VerdictEvidenceSet.rawSeqs(namedBy: summaries, for: report.verdict, windowMs: report.policy.windowMs, in: ledger)
        guard !named.isEmpty else { return }
        var held: [NodeID: Set<UInt64>] = [:]
        for batch in evidence { held[batch.signer.id, default: []].insert(batch.record.seq) }
        let total = named.values.reduce(0) { $0 + $1.count }
        let missing = named.sorted { $0.key < $1.key }.flatMap { origin, seqs in
            seqs.subtracting(held[origin] ?? []).sorted().map { "\(origin.short) #\($0)" }
        }
        let unfetched = report.missingEvidence.map { "; the exporter could not fetch \($0.count) (first \($0[0].prefix(20)))" } ?? ""
        add("evidence", missing.isEmpty, missing.isEmpty
            ? "all \(total) raw batches the summaries name are in the report"
            : "\(missing.count) of \(total) raw batches the summaries name are missing: \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "")\(unfetched)")
    }

    /// "facebook 3 ok + 1 tls_reset; …" for messages.
    private static func counts(_ targets: [WindowSummary.TargetCounts]) -> String {
        targets.isEmpty ? "nothing" : targets.map { t in
            "\(t.target) " + t.outcomes.map { "\($0.count) \($0.outcome.name)" }.joined(separator: " + ")
        }.joined(separator: "; ")
    }
}
