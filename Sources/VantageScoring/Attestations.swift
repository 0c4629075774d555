import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What a node attests (DESIGN.md, Scoring, step 6; protocol/SPEC.md §13.8): the verdicts it
/// computed over closed windows, and per verdict the digest of the evidence behind it. An
/// attestation is an entry of the node's summary log.
public enum Attestations {
    /// The canonical JSON of verdicts: sorted keys, no whitespace, no escaped slashes.
    public static func canonicalJSON(_ verdicts: [Verdict]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(verdicts)) ?? Data()
    }

    /// SHA-256 of the verdicts' canonical JSON.
    public static func digest(of verdicts: [Verdict]) -> Hash256 {
        Hash256.of(Array(canonicalJSON(verdicts)))
    }

    /// The attestation of `result` over the closed windows `[windowStartMs, windowEndMs)`, naming
    /// each verdict's evidence digest: of its latest `SummaryShape.maxVerdictsPerAttestation`
    /// verdicts (by end, then id) when it has more.
    public static func record(result: ScoreResult, evidence: [String: Hash256], windowStartMs: Int64, windowEndMs: Int64) -> Attestation {
        let verdicts = result.verdicts.count <= SummaryShape.maxVerdictsPerAttestation ? result.verdicts
            : Array(result.verdicts.sorted { ($0.end, $0.id) > ($1.end, $1.id) }.prefix(SummaryShape.maxVerdictsPerAttestation))
        return Attestation.with {
            $0.country = result.country
            $0.windowStartMs = windowStartMs
            $0.windowEndMs = windowEndMs
            $0.verdictsDigest = Data(digest(of: verdicts).bytes)
            $0.verdictIds = verdicts.map(\.id).sorted()
            $0.evidence = $0.verdictIds.map { id in
                VerdictEvidence.with {
                    $0.verdictID = id
                    $0.evidenceDigest = Data((evidence[id] ?? .zero).bytes)
                }
            }
        }
    }

    /// The evidence digest an attestation names for verdict `id`, if it names one.
    public static func evidenceDigest(of id: String, in attestation: Attestation) -> Hash256? {
        attestation.evidence.first { $0.verdictID == id }.flatMap { Hash256(bytes: $0.evidenceDigest) }
    }

    /// The summary batches of `ledger` with an attestation that names verdict `id`, with the ASN
    /// of each signer's enrollment when it signed the batch.
    public static func naming(_ id: String, in ledger: Ledger) -> [(batch: Verified<Batch>, asn: UInt32)] {
        ledger.attestationBatches(naming: id).compactMap { batch in
            guard let enrollment = ledger.enrollment(of: batch.signer.id, coveringMs: batch.record.createdMs) else { return nil }
            return (batch, enrollment.record.asn)
        }
    }
}
