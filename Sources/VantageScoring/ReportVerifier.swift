import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// One thing a report claims, and whether it holds.
public struct ReportCheck: Codable, Sendable, Equatable {
    /// Which part of the report: `mesh key`, `campaign`, `enrollments[2]`, `batches`, `verdict`, …
    public var part: String
    public var holds: Bool
    public var detail: String
}

/// The outcome of verifying a report. `verified` only when every check holds and the mesh key was
/// checked against one the reader trusts; without it a report is at most `consistent`: anyone can
/// make a mesh of their own whose signatures agree.
public struct ReportVerification: Codable, Sendable {
    public var verified: Bool
    /// Every check holds (signatures, evidence, verdict, quorum).
    public var consistent: Bool
    /// The mesh key was compared with a trusted one.
    public var meshChecked: Bool
    public var checks: [ReportCheck]

    enum CodingKeys: String, CodingKey {
        case verified, consistent, checks
        case meshChecked = "mesh_checked"
    }
}

/// Verifies a report offline (protocol/SPEC.md §13b): every signature, the chain of authority from
/// the mesh root to each signer, revocations and equivocation proofs, the policy against the signed
/// campaign, the verdict recomputed from the evidence, and a quorum of attesting ASNs whose
/// attestations name exactly this evidence.
public enum ReportVerifier {
    /// Verifies `report`; `trustedRoot` is the mesh key the reader trusts (without it the report
    /// can be consistent, never verified).
    public static func verify(_ report: Report, trustedRoot: PublicKey? = nil) -> ReportVerification {
        var checks = ReportChecks()
        checks.add("format", report.format == Report.formatName,
                   report.format == Report.formatName ? report.format : "'\(report.format)' is not \(Report.formatName)")
        guard let raw = Hex.decode(report.meshRootKey), let root = try? PublicKey(raw: raw) else {
            checks.add("mesh key", false, "mesh_root_key is not a 32-byte hex Ed25519 key")
            return checks.result(meshChecked: false)
        }
        if let trustedRoot, trustedRoot != root {
            checks.add("mesh key", false, "the report names mesh \(root.id.short) but the trusted key is of mesh \(trustedRoot.id.short)")
            return checks.result(meshChecked: true)
        }
        checks.add("mesh key", true, "mesh \(root.id.hex)" + (trustedRoot == nil ? " (NOT checked: give the mesh's key with --mesh-key)" : " (matches the trusted key)"))
        var ledger = Ledger(root: root)
        checks.admitRoster(report, into: &ledger)
        checks.checkPolicy(report, ledger: ledger)
        let evidence = checks.admitEvidence(report, ledger: ledger)
        let summaries = checks.admitSummaries(report, ledger: ledger)
        checks.checkSupport(report, batches: evidence + summaries)
        let leftOut = checks.checkSummaries(report, evidence: evidence, summaries: summaries, ledger: ledger)
        checks.checkVerdict(report, evidence: evidence, summaries: summaries, leavingOut: leftOut, ledger: ledger)
        checks.checkAttestations(report, evidence: evidence, summaries: summaries, ledger: ledger)
        return checks.result(meshChecked: trustedRoot != nil)
    }
}

extension ReportVerifier {
    /// The national view the report's evidence gives (what `verify` recomputes the verdict from),
    /// and the ASN and ISP of each signer its enrollments place: what a report page draws.
    public static func view(of report: Report) -> (view: NationalView, isps: [UInt32: String])? {
        guard let raw = Hex.decode(report.meshRootKey), let root = try? PublicKey(raw: raw) else { return nil }
        var checks = ReportChecks()
        var ledger = Ledger(root: root)
        checks.admitRoster(report, into: &ledger)
        let evidence = checks.admitEvidence(report, ledger: ledger)
        let summaries = checks.admitSummaries(report, ledger: ledger)
        let leftOut = checks.checkSummaries(report, evidence: evidence, summaries: summaries, ledger: ledger)
        let view = ReportChecks.recompute(report, evidence: evidence, summaries: summaries, leavingOut: leftOut, ledger: ledger).scored.view
        let isps = Dictionary((evidence + summaries).compactMap { batch in
            ledger.enrollment(of: batch.signer.id, coveringMs: batch.record.createdMs).map { ($0.record.asn, $0.record.isp) }
        }) { first, _ in first }
        return (view, isps)
    }
}

extension ReportVerifier {
    /// The enrollment of each signer that the report's mesh root signed for its mesh (the one with
    /// the smallest id): all a page may say of where a signer is. Nothing else in a report names a place.
    public static func places(of report: Report) -> [NodeID: Enrollment] {
        guard let raw = Hex.decode(report.meshRootKey), let root = try? PublicKey(raw: raw) else { return [:] }
        var checks = ReportChecks()
        var ledger = Ledger(root: root)
        checks.admitRoster(report, into: &ledger)
        var places: [NodeID: Enrollment] = [:]
        for enrollment in ledger.enrollments.values.sorted(by: { $0.id > $1.id }) {
            places[Hash256.of(Array(enrollment.record.nodePublicKey))] = enrollment.record
        }
        return places
    }
}

/// The checks of one verification, in order.
struct ReportChecks {
    var list: [ReportCheck] = []

    mutating func add(_ part: String, _ holds: Bool, _ detail: String) {
        list.append(ReportCheck(part: part, holds: holds, detail: detail))
    }

    func result(meshChecked: Bool) -> ReportVerification {
        let consistent = list.allSatisfy(\.holds)
        return ReportVerification(verified: consistent && meshChecked, consistent: consistent, meshChecked: meshChecked, checks: list)
    }

    /// Decodes and verifies one base64 envelope.
    static func open(_ text: String) -> Result<SignedFact, Failure> {
        guard let data = Data(base64Encoded: text) else { return .failure(Failure("not base64")) }
        guard let envelope = try? Envelope(serializedBytes: data) else { return .failure(Failure("not a protobuf envelope")) }
        do {
            return .success(try SignedFact(verifying: envelope))
        } catch {
            return .failure(Failure("\(error)"))
        }
    }

    struct Failure: Error { var reason: String; init(_ reason: String) { self.reason = reason } }
}
