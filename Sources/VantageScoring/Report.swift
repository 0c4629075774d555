import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// A self-contained, offline-verifiable report of one verdict (DESIGN.md, Scoring, step 6;
/// protocol/SPEC.md §13b): the verdict, the signed batches it was computed from, the enrollments
/// that place their signers, their revocations and equivocation proofs, the summary batches whose
/// attestations name it, the campaigns (the one whose policy scored it, and those its batches are numbered by) and the
/// mesh's root key. Signed parts are the envelopes' protobuf bytes in
/// base64; everything else is recomputed.
public struct Report: Codable, Sendable, Equatable {
    /// File format marker.
    public var format = Report.formatName
    public var meshName: String
    /// The mesh root's raw Ed25519 public key, hex.
    public var meshRootKey: String
    public var verdict: Verdict
    public var policy: ScoringParameters
    /// The signed campaigns: the one whose policy scored the verdict (the newest), and every one
    /// the evidence batches are numbered by.
    public var campaigns: [String]
    public var enrollments: [String]
    /// Revocations of the report's signers.
    public var revocations: [String]
    /// Equivocation proofs against the report's signers.
    public var proofs: [String]
    /// The raw evidence: the batches the summaries name, and of origins that sign no summaries
    /// every batch with a measurement of the verdict's targets in its evidence span.
    public var batches: [String]
    /// The summary batches with a window in the evidence span that counts one of its targets: what
    /// the mesh scored, checked against the raw batches (SPEC §13b, §13c).
    public var summaries: [String]
    /// The raw batches the summaries name that the exporting node could not find or fetch, as
    /// "ORIGIN #SEQ" (absent when none is missing).
    public var missingEvidence: [String]?
    /// The summary batches whose attestations name the verdict (SPEC §13.8).
    public var attestations: [String]
    public var exportedBy: String
    public var exportedAt: String

    /// The value of `format`.
    public static let formatName = "vantage-report-v2"

    enum CodingKeys: String, CodingKey {
        case format, verdict, policy, campaigns, enrollments, revocations, proofs, batches, summaries, attestations
        case meshName = "mesh_name", meshRootKey = "mesh_root_key", exportedBy = "exported_by", exportedAt = "exported_at"
        case missingEvidence = "missing_evidence"
    }

    /// The raw batches the summary evidence of `verdict` names that `ledger` does not hold (at an
    /// ordinary node: other origins' raw logs, SPEC §7.4): what to fetch from archivers.
    public static func rawToFetch(for verdict: Verdict, in ledger: Ledger) -> [WantRange] {
        let named = VerdictEvidenceSet.rawSeqs(namedBy: VerdictEvidenceSet.summaryBatches(of: verdict, in: ledger), for: verdict, windowMs: ledger.windowMs, in: ledger)
        return named.sorted { $0.key < $1.key }.flatMap { origin, seqs in
            seqs.sorted().filter { ledger.batch(of: origin, seq: $0) == nil }.map { seq in
                WantRange(log: Data(origin.bytes), seqs: seq...seq)
            }
        }
    }

    /// Builds the report of `verdict` from `ledger` and the raw batches `fetched` from elsewhere.
    public static func build(verdict: Verdict, ledger: Ledger, fetched: [Verified<Batch>] = [], meshName: String, exportedBy: NodeID, nowMs: Int64) -> Report {
        let summaries = VerdictEvidenceSet.summaryBatches(of: verdict, in: ledger)
        let fetchedByPlace = Dictionary(fetched.map { ("\($0.signer.id.hex) #\($0.record.seq)", $0) }) { first, _ in first }
        var raw = VerdictEvidenceSet.batches(of: verdict, in: ledger)
        var missing: [String] = []
        for (origin, seqs) in VerdictEvidenceSet.rawSeqs(namedBy: summaries, for: verdict, windowMs: ledger.windowMs, in: ledger).sorted(by: { $0.key < $1.key }) {
            for seq in seqs.sorted() {
                let place = "\(origin.hex) #\(seq)"
                if let batch = ledger.batch(of: origin, seq: seq) ?? fetchedByPlace[place] { raw.append(batch) } else { missing.append(place) }
            }
        }
        let attestations = Attestations.naming(verdict.id, in: ledger).map(\.batch)
        let signers = Set(raw.map(\.signer.id)).union(summaries.map(\.signer.id)).union(attestations.map(\.signer.id)).sorted()
        func encode(_ envelope: Envelope) -> String { ((try? envelope.serializedData()) ?? Data()).base64EncodedString() }
        return Report(
            meshName: meshName, meshRootKey: ledger.root.description, verdict: verdict, policy: ledger.scoringParameters,
            campaigns: campaigns(of: raw + summaries + attestations, in: ledger).map { encode($0.envelope) },
            enrollments: signers.flatMap { ledger.enrollments(of: $0).sorted { $0.id < $1.id }.map { encode($0.envelope) } },
            revocations: signers.flatMap { ledger.revocations(of: $0).sorted { $0.id < $1.id }.map { encode($0.envelope) } },
            proofs: signers.compactMap { ledger.proofs[$0].map { ((try? $0.message.serializedData()) ?? Data()).base64EncodedString() } },
            batches: raw.map { encode($0.envelope) },
            summaries: summaries.map { encode($0.envelope) },
            missingEvidence: missing.isEmpty ? nil : missing,
            attestations: attestations.map { encode($0.envelope) },
            exportedBy: exportedBy.hex, exportedAt: Date(unixMilliseconds: nowMs).rfc3339)
    }

    /// The register and the campaigns `batches` are numbered by, by id.
    static func campaigns(of batches: [Verified<Batch>], in ledger: Ledger) -> [Verified<Campaign>] {
        let named = Set(batches.compactMap { ledger.campaign(named: $0.record.campaign)?.id }).union(ledger.campaign.map { [$0.id] } ?? [])
        return named.sorted().compactMap { ledger.campaigns[$0] }
    }

    /// The report as a file: pretty, sorted JSON.
    public func fileData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
