import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The summaries in a report against its raw batches (protocol/SPEC.md §13b, §13c): the mesh scores
/// summaries, so a report verifies only when, for the verdict's targets, every summary of a window
/// of its evidence span says what the signer's raw batches say, and names them.
extension ReportChecks {
    mutating func checkSummaries(_ report: Report, evidence: [Verified<Batch>], ledger: Ledger) {
        let filter = VerdictEvidenceSet.Filter(report.verdict)
        let windowMs = report.policy.windowMs
        // The latest summary of each signer, window and vantage point in the report.
        var latest: [String: (seq: UInt64, origin: NodeID, record: WindowSummaryRecord)] = [:]
        var bad = 0
        for (i, text) in report.summaries.enumerated() {
            guard case .success(.batch(let b)) = Self.open(text), b.record.tier == .summary, Hash256(bytes: b.record.origin) == b.signer.id else {
                add("summaries[\(i)]", false, "not a summary batch signed by its origin")
                bad += 1
                continue
            }
            let origin = b.signer.id
            guard !ledger.excluded.contains(origin), !ledger.isCutByRevocation(origin, seq: nil, createdMs: b.record.createdMs) else {
                add("summaries[\(i)]", false, "signer \(origin.short) equivocated or was revoked before it")
                bad += 1
                continue
            }
            for record in b.record.summaries where filter.span.contains(record.windowStartMs) {
                let key = "\(origin.hex) \(record.windowStartMs) \(record.country) \(record.asn)"
                if b.record.seq > latest[key]?.seq ?? 0 { latest[key] = (b.record.seq, origin, record) }
            }
        }
        let summarised = Set(latest.values.map(\.origin))
        var disagreements: [String] = []
        // Every window of a summarising signer's evidence has a summary that agrees with it.
        var windows: [String: (origin: NodeID, window: Int64, country: String, asn: UInt32, observations: [Observation], seqs: Set<UInt64>)] = [:]
        for batch in evidence where summarised.contains(batch.signer.id) {
            for o in ledger.observations(of: batch) where filter.admits(o) {
                let start = floorDiv(o.timeMs, windowMs) * windowMs
                let key = "\(batch.signer.id.hex) \(start) \(o.country) \(o.asn)"
                windows[key, default: (batch.signer.id, start, o.country, o.asn, [], [])].observations.append(o)
                windows[key]!.seqs.insert(batch.record.seq)
            }
        }
        for key in windows.keys.sorted() {
            let raw = windows[key]!
            let place = "\(raw.origin.short) window \(Date(unixMilliseconds: raw.window).rfc3339)"
            guard let stated = latest[key] else {
                disagreements.append("\(place): no summary in the report")
                continue
            }
            let fromRaw = WindowSummary.summarize(raw.observations, windowMs: windowMs).first?.targets ?? []
            let said = WindowSummary(record: stated.record, node: raw.origin).targets.filter { filter.targets.contains($0.target) }
            if said != fromRaw {
                disagreements.append("\(place): the summary says \(Self.counts(said)), the raw batches \(Self.counts(fromRaw))")
            } else if !raw.seqs.isSubset(of: Set(stated.record.rawSeqs)) {
                disagreements.append("\(place): the summary does not name raw batches \(raw.seqs.subtracting(stated.record.rawSeqs).sorted())")
            }
        }
        if summarised.isEmpty, bad == 0 {
            add("summaries", true, "none: the evidence's signers sign no summaries")
            return
        }
        add("summaries", disagreements.isEmpty && bad == 0, disagreements.isEmpty
            ? "\(windows.count) windows of \(summarised.count) signers: the summaries scored agree with the raw batches for \(filter.targets.sorted().joined(separator: ", "))"
            : "\(disagreements.count) of \(windows.count) windows disagree; first: \(disagreements[0])")
    }

    /// "facebook 3 ok + 1 tls_reset; …" for messages.
    private static func counts(_ targets: [WindowSummary.TargetCounts]) -> String {
        targets.isEmpty ? "nothing" : targets.map { t in
            "\(t.target) " + t.outcomes.map { "\($0.count) \($0.outcome.name)" }.joined(separator: " + ")
        }.joined(separator: "; ")
    }
}
