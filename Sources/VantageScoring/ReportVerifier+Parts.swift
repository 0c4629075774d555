import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The parts of a report verification. The report's root-signed facts and proofs go into a ledger
/// of the mesh, so the same rules as on a node decide what counts: root signatures, revocation
/// cuts, equivocation exclusions, placement of measurements by enrollment.
extension ReportChecks {
    /// Enrollments, revocations, proofs and the campaigns, each signed by the mesh root for this mesh.
    mutating func admitRoster(_ report: Report, into ledger: inout Ledger) {
        let nowMs = Int64.max / 2
        for (part, texts) in [("enrollments", report.enrollments), ("revocations", report.revocations)] {
            var admitted = 0
            for (i, text) in texts.enumerated() {
                switch Self.open(text) {
                case .failure(let failure): add("\(part)[\(i)]", false, failure.reason)
                case .success(let fact):
                    do {
                        try ledger.insert(fact, nowMs: nowMs)
                        admitted += 1
                    } catch {
                        add("\(part)[\(i)]", false, "\(error)")
                    }
                }
            }
            add(part, admitted == texts.count, "\(admitted) of \(texts.count) signed by the mesh root for this mesh")
        }
        for (i, text) in report.proofs.enumerated() {
            guard let data = Data(base64Encoded: text), let proof = try? EquivocationProof(serializedBytes: data),
                  let fact = try? ProofFact(verifying: proof), (try? ledger.insertProof(fact, nowMs: nowMs)) != nil else {
                add("proofs[\(i)]", false, "not a valid equivocation proof against an enrolled signer")
                continue
            }
            add("proofs[\(i)]", true, "node \(fact.origin.short) equivocated: its batches and attestations count for nothing")
        }
        for (i, text) in report.campaigns.enumerated() {
            if case .success(.campaign(let campaign)) = Self.open(text), (try? ledger.insert(.campaign(campaign), nowMs: nowMs)) != nil {
                add("campaigns[\(i)]", true, "version \(campaign.record.version) signed by the mesh root")
            } else {
                add("campaigns[\(i)]", false, "not a campaign signed by the mesh root for this mesh")
            }
        }
    }

    /// The report's policy is the signed campaign's (or the defaults).
    mutating func checkPolicy(_ report: Report, ledger: Ledger) {
        let expected = ledger.scoringParameters
        let source = ledger.campaign == nil ? "defaults" : "signed campaign"
        add("policy", report.policy == expected, report.policy == expected ? "as the \(source) say" : "differs from the \(source)")
    }

    /// Every batch signed by its origin, not cut by a revocation, not from an excluded origin, with
    /// measurements its signer's enrollments place; returns the batches that count.
    mutating func admitEvidence(_ report: Report, ledger: Ledger) -> [Verified<Batch>] {
        var admitted: [Verified<Batch>] = []
        for (i, text) in report.batches.enumerated() {
            guard case .success(.batch(let b)) = Self.open(text), Hash256(bytes: b.record.origin) == b.signer.id else {
                add("batches[\(i)]", false, "not a batch signed by its origin")
                continue
            }
            let signer = b.signer.id
            if ledger.excluded.contains(signer) {
                add("batches[\(i)]", false, "signer \(signer.short) equivocated (a proof is in the report)")
            } else if ledger.isCutByRevocation(signer, seq: b.record.seq, createdMs: b.record.createdMs) {
                add("batches[\(i)]", false, "signer \(signer.short) was revoked before batch #\(b.record.seq)")
            } else if ledger.observations(of: b).isEmpty {
                add("batches[\(i)]", false, "no enrollment of signer \(signer.short) in the report covers its measurements")
            } else {
                admitted.append(b)
            }
        }
        let ids = Set(admitted.map(\.id))
        add("batches", ids.count == report.batches.count,
            "\(ids.count) of \(report.batches.count) signed by their origin, placed by an enrollment, not revoked or excluded")
        return admitted
    }

    /// Every batch the verdict names as supporting it (summary batches, or raw batches of origins
    /// that sign no summaries) is in the report and admitted.
    mutating func checkSupport(_ report: Report, batches: [Verified<Batch>]) {
        let ids = Set(batches.map(\.id))
        let missing = report.verdict.supportingBatches.filter { Hash256(hex: $0).map { !ids.contains($0) } ?? true }
        add("supporting batches", missing.isEmpty, missing.isEmpty ? "all \(report.verdict.supportingBatches.count) present and admitted"
                                                                  : "\(missing.count) missing or not admitted, first \(missing[0].prefix(16))")
    }

    /// How far the recomputed confidence may be from the report's: confidence rests on the
    /// vantage points' whole history (their link priors) and on every cell of the day (the false
    /// discovery control), which a report does not carry.
    static let confidenceTolerance = 0.05

    /// The verdict recomputed as the mesh computes it — from the summaries (every target they
    /// count, but those left out), and the raw batches of signers without summaries — equals the
    /// report's, field by field, its confidence within `confidenceTolerance`. With summaries left
    /// out, the verdict holds when the same verdict (country, scope, kind, targets, span) still
    /// follows; the fields that moved are named.
    mutating func checkVerdict(_ report: Report, evidence: [Verified<Batch>], summaries: [Verified<Batch>], leavingOut leftOut: Set<SummaryPlace>, ledger: Ledger) {
        let (scored, observations) = Self.recompute(report, evidence: evidence, summaries: summaries, leavingOut: leftOut, ledger: ledger)
        let recomputed = scored.result.verdicts
        guard let same = recomputed.first(where: { $0.id == report.verdict.id }) else {
            add("verdict", false, "the evidence gives no verdict \(report.verdict.id)" + (leftOut.isEmpty ? "" : " once \(leftOut.count) summaries are left out")
                + "; it gives: " + (recomputed.isEmpty ? "none" : recomputed.map(\.sentence).joined(separator: " | ")))
            return
        }
        var differences = Self.fieldsDiffering(report.verdict, same).filter { !$0.hasPrefix("confidence:") }
        let drift = abs(report.verdict.confidence - same.confidence)
        if drift > Self.confidenceTolerance {
            differences.append("confidence: report says \(report.verdict.confidence), evidence gives \(same.confidence) (more than \(Self.confidenceTolerance) apart)")
        }
        let from = "recomputed from \(summaries.count) summary batches and \(observations) unsummarised measurements"
        if !leftOut.isEmpty {
            add("verdict", true, "\(from), \(leftOut.count) summaries left out: the verdict still follows: \(same.sentence)"
                + (differences.isEmpty ? "" : " (without them: " + differences.joined(separator: "; ") + ")"))
            return
        }
        add("verdict", differences.isEmpty, differences.isEmpty ? "\(from): \(same.sentence)"
                                                                + (drift > 0 ? " (the report says confidence \(report.verdict.confidence): the mesh's baselines reach past the evidence)" : "")
                                                                : "the evidence gives different " + differences.joined(separator: "; "))
    }

    /// The verdicts and national view the report's evidence gives, scored as the mesh scores
    /// (summaries but those left out, and the measurements of origins without them), and how
    /// many such measurements.
    static func recompute(_ report: Report, evidence: [Verified<Batch>], summaries: [Verified<Batch>], leavingOut leftOut: Set<SummaryPlace>, ledger: Ledger)
        -> (scored: (result: ScoreResult, view: NationalView), observations: Int) {
        let filter = VerdictEvidenceSet.Filter(report.verdict, windowMs: report.policy.windowMs)
        let summarising = Set(summaries.map(\.signer.id))
        let observations = evidence.filter { !summarising.contains($0.signer.id) }.flatMap { ledger.observations(of: $0).filter { filter.span.contains($0.timeMs) } }
        var tallies = Tallies(summaries: WindowSummary.summarize(observations, windowMs: report.policy.windowMs))
        tallies.add(ledger.tallies(ofSummaries: summaries, in: filter.span, leavingOut: leftOut))
        let scored = Scorer.scoreWithView(tallies, country: report.verdict.country, parameters: report.policy, nowMs: nil) { span in
            observations.filter { span.contains($0.timeMs) } + ledger.standIns(for: summaries, in: span, leavingOut: leftOut)
        }
        return (scored, observations.count)
    }

    /// Attestations — entries of the summary batches in `attestations` — by enrolled, unrevoked,
    /// unexcluded nodes that name the verdict and exactly this evidence, from at least `min_asns` ASNs.
    mutating func checkAttestations(_ report: Report, evidence: [Verified<Batch>], summaries: [Verified<Batch>], ledger: Ledger) {
        let filter = VerdictEvidenceSet.Filter(report.verdict, windowMs: report.policy.windowMs)
        let summarising = Set(summaries.map(\.signer.id))
        let unsummarised = evidence.filter { !summarising.contains($0.signer.id) && ledger.observations(of: $0).contains(where: filter.admits) }
        let digest = VerdictEvidenceSet.digest(of: (summaries.filter { b in ledger.summaries(of: b).contains { filter.counts($0, of: b.signer.id, in: ledger) } } + unsummarised).map(\.id))
        var asns = Set<UInt32>()
        var otherEvidence = 0
        for (i, text) in report.attestations.enumerated() {
            guard case .success(.batch(let b)) = Self.open(text), b.record.tier == .summary, Hash256(bytes: b.record.origin) == b.signer.id,
                  !ledger.excluded.contains(b.signer.id), !ledger.isCut(b.record, of: b.signer.id),
                  let enrollment = ledger.enrollment(of: b.signer.id, coveringMs: b.record.createdMs) else {
                add("attestations[\(i)]", false, "not a summary batch signed by a node enrolled, unrevoked and unexcluded when it attested")
                continue
            }
            let naming = b.record.attestations.filter { $0.verdictIds.contains(report.verdict.id) }
            guard !naming.isEmpty else {
                add("attestations[\(i)]", false, "carries no attestation that names verdict \(report.verdict.id)")
                continue
            }
            guard naming.contains(where: { Attestations.evidenceDigest(of: report.verdict.id, in: $0) == digest }) else {
                otherEvidence += 1
                continue
            }
            asns.insert(enrollment.record.asn)
        }
        let quorum = report.policy.minASNs
        add("attestations", asns.count >= quorum,
            "nodes in \(asns.count) ASNs attest this verdict over exactly this evidence"
            + (asns.isEmpty ? "" : " (" + asns.sorted().map { "AS\($0)" }.joined(separator: ", ") + ")")
            + (otherEvidence > 0 ? "; \(otherEvidence) attested other evidence (not counted)" : "") + "; the quorum is \(quorum)")
    }

    /// The JSON fields in which two verdicts differ, as "field: report says A, evidence gives B".
    static func fieldsDiffering(_ a: Verdict, _ b: Verdict) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let da = try? JSONSerialization.jsonObject(with: encoder.encode(a)) as? [String: Any],
              let db = try? JSONSerialization.jsonObject(with: encoder.encode(b)) as? [String: Any] else { return ["verdict is not JSON"] }
        return da.keys.sorted().compactMap { key in
            let va = "\(da[key] ?? "nil")", vb = "\(db[key] ?? "nil")"
            return va == vb ? nil : "\(key): report says \(va.prefix(80)), evidence gives \(vb.prefix(80))"
        }
    }
}
