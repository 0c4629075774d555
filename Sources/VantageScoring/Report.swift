import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// A self-contained, offline-verifiable report of one verdict (DESIGN.md, Scoring, step 6;
/// protocol/SPEC.md §13b): the verdict, the signed batches it was computed from, the enrollments
/// that place their signers, their revocations and equivocation proofs, the attestations that name
/// it, the campaigns (the one whose policy scored it, and those its batches are numbered by) and the
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
    /// The verdict's evidence: every batch with a measurement of its targets in its evidence span.
    public var batches: [String]
    /// The summary batches of the evidence's signers with a window in the evidence span: what the
    /// mesh scored, checked against the raw batches (SPEC §13b, §13c).
    public var summaries: [String]
    public var attestations: [String]
    public var exportedBy: String
    public var exportedAt: String

    /// The value of `format`.
    public static let formatName = "vantage-report-v2"

    enum CodingKeys: String, CodingKey {
        case format, verdict, policy, campaigns, enrollments, revocations, proofs, batches, summaries, attestations
        case meshName = "mesh_name", meshRootKey = "mesh_root_key", exportedBy = "exported_by", exportedAt = "exported_at"
    }

    /// Builds the report of `verdict` from `ledger`.
    public static func build(verdict: Verdict, ledger: Ledger, meshName: String, exportedBy: NodeID, nowMs: Int64) -> Report {
        let batches = VerdictEvidenceSet.batches(of: verdict, in: ledger)
        let attestations = Attestations.naming(verdict.id, in: ledger).map(\.attestation)
        let signers = Set(batches.map(\.signer.id)).union(attestations.map(\.signer.id)).sorted()
        func encode(_ envelope: Envelope) -> String { ((try? envelope.serializedData()) ?? Data()).base64EncodedString() }
        return Report(
            meshName: meshName, meshRootKey: ledger.root.description, verdict: verdict, policy: ledger.scoringParameters,
            campaigns: campaigns(of: batches, in: ledger).map { encode($0.envelope) },
            enrollments: signers.flatMap { ledger.enrollments(of: $0).sorted { $0.id < $1.id }.map { encode($0.envelope) } },
            revocations: signers.flatMap { ledger.revocations(of: $0).sorted { $0.id < $1.id }.map { encode($0.envelope) } },
            proofs: signers.compactMap { ledger.proofs[$0].map { ((try? $0.message.serializedData()) ?? Data()).base64EncodedString() } },
            batches: batches.map { encode($0.envelope) },
            summaries: VerdictEvidenceSet.summaryBatches(of: verdict, evidence: batches, in: ledger).map { encode($0.envelope) },
            attestations: attestations.map { encode($0.envelope) },
            exportedBy: exportedBy.hex, exportedAt: Date(unixMilliseconds: nowMs).rfc3339)
    }

    /// The register and the campaigns `batches` are numbered by, by id.
    static func campaigns(of batches: [Verified<Batch>], in ledger: Ledger) -> [Verified<Campaign>] {
        let named = Set(batches.compactMap { Hash256(bytes: $0.record.campaign) }).union(ledger.campaign.map { [$0.id] } ?? [])
        return named.sorted().compactMap { ledger.campaigns[$0] }
    }

    /// The report as a file: pretty, sorted JSON.
    public func fileData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
