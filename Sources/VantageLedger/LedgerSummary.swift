import Foundation
import VantageIdentity
import VantageWire

/// A readable account of a ledger: its digest, its sets, one row per origin. Used by
/// `vantage ledger inspect` and, later, by status output.
public struct LedgerSummary: Encodable, Sendable {
    /// One origin's two logs (SPEC §5.8).
    public struct Origin: Encodable, Sendable {
        public var nodeID: String
        public var country: String
        public var asn: UInt32
        public var isp: String
        public var floorSeq: UInt64
        public var headSeq: UInt64
        public var batches: Int
        public var measurements: Int
        /// The summary log's floor, head and batches kept.
        public var summaryFloorSeq: UInt64
        public var summaryHeadSeq: UInt64
        public var summaryBatches: Int

        enum CodingKeys: String, CodingKey {
            case country, asn, isp, batches, measurements
            case nodeID = "node_id"
            case floorSeq = "floor_seq"
            case headSeq = "head_seq"
            case summaryFloorSeq = "summary_floor_seq"
            case summaryHeadSeq = "summary_head_seq"
            case summaryBatches = "summary_batches"
        }
    }

    public var meshID: String
    public var digest: String
    public var smallFactsDigest: String
    public var enrollments: Int
    public var revocations: Int
    public var campaignVersion: UInt64?
    public var attestations: Int
    public var excluded: [String]
    public var batches: Int
    public var measurements: Int
    public var held: Int
    public var origins: [Origin]

    enum CodingKeys: String, CodingKey {
        case digest, enrollments, revocations, attestations, excluded, batches, measurements, held, origins
        case meshID = "mesh_id"
        case smallFactsDigest = "small_facts_digest"
        case campaignVersion = "campaign_version"
    }

    /// Summarises a ledger.
    public init(_ ledger: Ledger) {
        meshID = ledger.meshID.hex
        digest = ledger.digest.hex
        smallFactsDigest = ledger.smallFactsDigest.hex
        enrollments = ledger.enrollments.count
        revocations = ledger.revocations.count
        campaignVersion = ledger.campaign?.record.version
        attestations = ledger.attestationIndex.values.reduce(0) { $0 + $1.attestations }
        excluded = ledger.excluded.sorted().map(\.hex)
        batches = ledger.batchCount
        measurements = ledger.measurementCount
        held = ledger.heldCount
        origins = Set(ledger.origins + ledger.summaryLogs.map(ledger.owner(ofLog:))).sorted().map { id in
            let enrollment = ledger.enrollments(of: id).min { $0.id < $1.id }?.record
            let raw = ledger.logs[id]?.index ?? OriginIndex(), summary = ledger.logs[id.summaryLogID]?.index ?? OriginIndex()
            return Origin(nodeID: id.hex, country: enrollment?.country ?? "", asn: enrollment?.asn ?? 0,
                          isp: enrollment?.isp ?? "", floorSeq: raw.floor.seq, headSeq: raw.head.seq,
                          batches: raw.batchCount, measurements: raw.measurements,
                          summaryFloorSeq: summary.floor.seq, summaryHeadSeq: summary.head.seq, summaryBatches: summary.batchCount)
        }
    }

    /// Human-readable lines.
    public var lines: [String] {
        var lines = [
            "mesh      \(meshID)",
            "digest    \(digest)",
            "roster    \(enrollments) enrollments, \(revocations) revocations, campaign "
                + (campaignVersion.map { "v\($0)" } ?? "none") + ", \(attestations) attestations",
            "logs      \(origins.count) origins, \(batches) batches, \(measurements) measurements"
                + (held > 0 ? ", \(held) held" : ""),
        ]
        for id in excluded { lines.append("excluded  \(id) (equivocation proof held)") }
        if !origins.isEmpty {
            lines.append("  origin        cc  asn         isp             raw seqs    summary seqs  measurements")
            func seqs(_ floor: UInt64, _ head: UInt64, _ batches: Int) -> String {
                head == 0 ? "none" : batches == 0 ? "pruned ≤\(floor)" : "\(floor + 1)–\(head)"
            }
            for o in origins {
                lines.append("  " + [String(o.nodeID.prefix(12)), o.country.padding(toLength: 2, withPad: " ", startingAt: 0),
                                     "\(o.asn)".padding(toLength: 10, withPad: " ", startingAt: 0),
                                     o.isp.padding(toLength: 15, withPad: " ", startingAt: 0),
                                     seqs(o.floorSeq, o.headSeq, o.batches).padding(toLength: 11, withPad: " ", startingAt: 0),
                                     seqs(o.summaryFloorSeq, o.summaryHeadSeq, o.summaryBatches).padding(toLength: 12, withPad: " ", startingAt: 0),
                                     "\(o.measurements)"].joined(separator: "  "))
            }
        }
        return lines
    }
}
