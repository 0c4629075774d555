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
        // A signer's window and vantage point.
        struct Place: Hashable, Comparable {
            var origin: NodeID
            var key: WindowSummaryRecord.Key
            static func < (a: Place, b: Place) -> Bool { (a.origin, a.key) < (b.origin, b.key) }
        }
        // The latest summary of each signer, window and vantage point in the report.
        var latest: [Place: (seq: UInt64, record: WindowSummaryRecord)] = [:]
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
                let place = Place(origin: origin, key: record.key)
                if b.record.seq > latest[place]?.seq ?? 0 { latest[place] = (b.record.seq, record) }
            }
        }
        let summarised = Set(latest.keys.map(\.origin))
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
            let said = WindowSummary(record: stated.record, node: key.origin).targets.filter { filter.targets.contains($0.target) }
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
