import VantageIdentity
import VantageWire

/// The rules a batch of either tier must follow on its own (protocol/SPEC.md §5.8, §13c, §13.8): a
/// raw batch carries measurements and no summaries or attestations; a summary batch carries window
/// summaries or attestations, each well formed, and no measurements.
public enum SummaryShape {
    /// Attestations one summary batch may carry (a node signs one at a time).
    public static let maxAttestationsPerBatch = 4
    /// Verdict ids one attestation may name, and the longest id (a verdict id is 16 hex digits).
    public static let maxVerdictsPerAttestation = 1_024
    public static let maxVerdictIDLength = 64

    /// Why `batch` breaks its tier's rules, or nil. `maxAgeMs` bounds how long before the batch a
    /// summarised window may start; `skewMs` how far after it.
    public static func problem(of batch: Batch, maxAgeMs: Int64, skewMs: Int64) -> String? {
        switch batch.tier {
        case .raw:
            guard batch.attestations.isEmpty else { return "a raw batch carries no attestations" }
            guard batch.summaries.isEmpty else { return "a raw batch carries no window summaries" }
            for (index, m) in batch.measurements.enumerated() where m.targetIndex == 0 {
                if let problem = TargetName.problem(of: m.target) { return "measurement \(index): \(problem)" }
            }
            return nil
        case .summary:
            guard batch.measurements.isEmpty else { return "a summary batch carries no measurements" }
            guard !batch.summaries.isEmpty || !batch.attestations.isEmpty else { return "a summary batch without summaries or attestations" }
            guard batch.attestations.count <= maxAttestationsPerBatch else {
                return "\(batch.attestations.count) attestations; a summary batch carries at most \(maxAttestationsPerBatch)"
            }
            for (index, attestation) in batch.attestations.enumerated() {
                if let problem = problem(of: attestation, createdMs: batch.createdMs, skewMs: skewMs) { return "attestation \(index): \(problem)" }
            }
            var previous: WindowSummaryRecord.Key?
            for (index, summary) in batch.summaries.enumerated() {
                if let problem = problem(of: summary, createdMs: batch.createdMs, maxAgeMs: maxAgeMs, skewMs: skewMs) {
                    return "summary \(index): \(problem)"
                }
                let key = summary.key
                if let previous, !(previous < key) { return "summary \(index): not after the one before (window, country, ASN)" }
                previous = key
            }
            return nil
        case .UNRECOGNIZED(let value):
            return "unknown log tier \(value)"
        }
    }

    private static func problem(of attestation: Attestation, createdMs: Int64, skewMs: Int64) -> String? {
        guard !attestation.country.isEmpty else { return "no country" }
        guard attestation.windowStartMs <= attestation.windowEndMs, attestation.windowEndMs <= createdMs + skewMs else {
            return "its windows do not end, after they start, by the time the batch was created"
        }
        guard Hash256(bytes: attestation.verdictsDigest) != nil else { return "verdicts_digest is not 32 bytes" }
        guard !attestation.verdictIds.isEmpty, zip(attestation.verdictIds, attestation.verdictIds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return "verdict_ids are not sorted, distinct and at least one"
        }
        guard attestation.verdictIds.count <= maxVerdictsPerAttestation, attestation.verdictIds.allSatisfy({ $0.utf8.count <= maxVerdictIDLength }) else {
            return "more than \(maxVerdictsPerAttestation) verdict_ids, or one longer than \(maxVerdictIDLength) bytes"
        }
        guard attestation.evidence.map(\.verdictID) == attestation.verdictIds,
              attestation.evidence.allSatisfy({ Hash256(bytes: $0.evidenceDigest) != nil }) else {
            return "evidence does not name a 32-byte digest for each verdict id, in their order"
        }
        return nil
    }

    private static func problem(of summary: WindowSummaryRecord, createdMs: Int64, maxAgeMs: Int64, skewMs: Int64) -> String? {
        guard summary.windowSeconds > 0 else { return "window_seconds is 0" }
        let windowMs = Int64(summary.windowSeconds) * 1000
        guard summary.windowStartMs % windowMs == 0 else { return "window_start_ms is not a multiple of the window" }
        guard summary.windowStartMs <= createdMs + skewMs else { return "the window starts after the batch was created" }
        guard summary.windowStartMs + windowMs > createdMs - maxAgeMs else { return "the window ended before the measurement age limit" }
        guard Hash256(bytes: summary.rawHash) != nil else { return "raw_hash is not 32 bytes" }
        guard !summary.rawSeqs.isEmpty, summary.rawSeqs.first! > 0, zip(summary.rawSeqs, summary.rawSeqs.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return "raw_seqs are not ascending seqs"
        }
        guard !summary.targets.isEmpty, summary.targets.allSatisfy({ ($0.targetIndex > 0) != !$0.target.isEmpty }) else {
            return "targets are not each numbered or named"
        }
        if let problem = summary.targets.lazy.filter({ $0.targetIndex == 0 }).compactMap({ TargetName.problem(of: $0.target) }).first { return problem }
        guard zip(summary.targets, summary.targets.dropFirst()).allSatisfy({ $0.signedOrder < $1.signedOrder }) else {
            return "targets are not sorted, numbered ones by number, then named ones by name"
        }
        for target in summary.targets {
            guard target.ok > 0 || !target.outcomes.isEmpty else {
                return "target \(target.label): no outcome counted"
            }
            guard target.outcomes.allSatisfy({ $0.count > 0 && $0.outcome.rawValue > Outcome.ok.rawValue && $0.outcome.rawValue <= Outcome.error.rawValue }),
                  zip(target.outcomes, target.outcomes.dropFirst()).allSatisfy({ $0.outcome.rawValue < $1.outcome.rawValue }) else {
                return "target \(target.label): outcomes are not positive counts of outcomes other than ok in ascending order"
            }
            guard Int(target.throughputSamples) <= target.tally.measurements else {
                return "target \(target.label): more throughput samples than conclusive measurements"
            }
            guard target.throughputSamples > 0 || target.throughputMedianHalves == 0 else {
                return "target \(target.label): a throughput median of no samples"
            }
        }
        return nil
    }
}


extension TargetSummaryRecord {
    /// The target as messages name it: its name, or `#` and its number.
    fileprivate var label: String { targetIndex > 0 ? "#\(targetIndex)" : LogText.bounded(target) }
}
