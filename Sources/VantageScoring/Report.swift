import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// A self-contained, offline-verifiable report of one verdict (DESIGN.md, Scoring, step 6;
/// protocol/SPEC.md §13b): the verdict, the signed batches it was computed from, the enrollments
/// that place their signers, the attestations that name it, the campaign and the mesh's root key.
/// Signed parts are the envelopes' protobuf bytes in base64; everything else is recomputed.
public struct Report: Codable, Sendable, Equatable {
    /// File format marker.
    public var format = Report.formatName
    public var meshName: String
    /// The mesh root's raw Ed25519 public key, hex.
    public var meshRootKey: String
    public var verdict: Verdict
    public var policy: ScoringParameters
    /// The signed campaign whose policy scored the verdict, if the mesh has one.
    public var campaign: String?
    public var enrollments: [String]
    /// Every batch with a measurement of the verdict's targets in the evidence span.
    public var batches: [String]
    public var attestations: [String]
    public var exportedBy: String
    public var exportedAt: String

    /// The value of `format`.
    public static let formatName = "vantage-report-v1"

    enum CodingKeys: String, CodingKey {
        case format, verdict, policy, campaign, enrollments, batches, attestations
        case meshName = "mesh_name", meshRootKey = "mesh_root_key", exportedBy = "exported_by", exportedAt = "exported_at"
    }

    /// How far before a verdict's start its evidence reaches: the chronic look-back and the
    /// throughput baseline (one day).
    static let lookBackMs: Int64 = 86_400_000

    /// Whether an observation is evidence for a verdict: one of its targets, within its span.
    struct EvidenceFilter {
        let targets: Set<String>
        let span: Range<Int64>

        /// The filter of `verdict`: from `lookBackMs` before its start until its end.
        init(_ verdict: Verdict) {
            targets = Set(verdict.targets)
            let start = RFC3339.milliseconds(verdict.start) ?? 0, end = RFC3339.milliseconds(verdict.end) ?? 0
            span = (start - Report.lookBackMs)..<max(start - Report.lookBackMs, end)
        }

        func admits(_ o: Observation) -> Bool { span.contains(o.timeMs) && targets.contains(o.target) }
    }

    /// Builds the report of `verdict` from `ledger`.
    public static func build(verdict: Verdict, ledger: Ledger, meshName: String, exportedBy: NodeID, nowMs: Int64) -> Report {
        let evidence = EvidenceFilter(verdict)
        var batches: [Verified<Batch>] = []
        var signers = Set<NodeID>()
        for origin in ledger.origins {
            let enrollments = ledger.enrollments(of: origin)
            for batch in ledger.batches(of: origin) {
                guard let enrollment = Evidence.enrollment(for: batch, among: enrollments),
                      Evidence.observations(of: batch, placedBy: enrollment.record).contains(where: evidence.admits) else { continue }
                batches.append(batch)
                signers.insert(origin)
            }
        }
        let attestations = Attestations.naming(verdict.id, in: ledger).map(\.attestation)
        signers.formUnion(attestations.map(\.signer.id))
        let enrollments = signers.sorted().flatMap { ledger.enrollments(of: $0).sorted { $0.id < $1.id } }
        func encode(_ envelope: Envelope) -> String { ((try? envelope.serializedData()) ?? Data()).base64EncodedString() }
        return Report(
            meshName: meshName, meshRootKey: ledger.root.description, verdict: verdict, policy: ledger.scoringParameters,
            campaign: ledger.campaign.map { encode($0.envelope) }, enrollments: enrollments.map { encode($0.envelope) },
            batches: batches.map { encode($0.envelope) }, attestations: attestations.map { encode($0.envelope) },
            exportedBy: exportedBy.hex, exportedAt: Date(unixMilliseconds: nowMs).rfc3339)
    }

    /// The report as a file: pretty, sorted JSON.
    public func fileData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
