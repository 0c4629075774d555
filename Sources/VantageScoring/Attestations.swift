import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What a node attests (DESIGN.md, Scoring, step 6): the verdicts it computed over closed windows,
/// the ledger state it computed them from, and the windows they cover.
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

    /// The record a node signs for `result`, computed from the ledger whose digest is `ledgerDigest`
    /// over the closed windows `[windowStartMs, windowEndMs)`, naming each verdict's evidence digest.
    public static func record(node: NodeID, ledgerDigest: Hash256, result: ScoreResult, evidence: [String: Hash256],
                              windowStartMs: Int64, windowEndMs: Int64, createdMs: Int64) -> Attestation {
        Attestation.with {
            $0.nodeID = Data(node.bytes)
            $0.ledgerDigest = Data(ledgerDigest.bytes)
            $0.country = result.country
            $0.windowStartMs = windowStartMs
            $0.windowEndMs = windowEndMs
            $0.verdictsDigest = Data(digest(of: result.verdicts).bytes)
            $0.verdictIds = result.verdicts.map(\.id).sorted()
            $0.evidence = $0.verdictIds.map { id in
                VerdictEvidence.with {
                    $0.verdictID = id
                    $0.evidenceDigest = Data((evidence[id] ?? .zero).bytes)
                }
            }
            $0.createdMs = createdMs
        }
    }

    /// The evidence digest an attestation names for verdict `id`, if it names one.
    public static func evidenceDigest(of id: String, in attestation: Attestation) -> Hash256? {
        attestation.evidence.first { $0.verdictID == id }.flatMap { Hash256(bytes: $0.evidenceDigest) }
    }

    /// The attestations of `ledger` that name verdict `id`, with the ASN of each signer's enrollment
    /// at the time it attested.
    public static func naming(_ id: String, in ledger: Ledger) -> [(attestation: Verified<Attestation>, asn: UInt32)] {
        ledger.attestations.values.sorted { $0.id < $1.id }.compactMap { a in
            guard a.record.verdictIds.contains(id),
                  let enrollment = ledger.enrollment(of: a.signer.id, coveringMs: a.record.createdMs) else { return nil }
            return (a, enrollment.record.asn)
        }
    }
}
