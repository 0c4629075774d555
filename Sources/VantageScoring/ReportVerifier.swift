import Foundation
import VantageIdentity
import VantageWire

/// One thing a report claims, and whether it holds.
public struct ReportCheck: Codable, Sendable, Equatable {
    /// Which part of the report: `mesh key`, `campaign`, `enrollments[2]`, `batches`, `verdict`, …
    public var part: String
    public var holds: Bool
    public var detail: String
}

/// The outcome of verifying a report: it verifies when every check holds.
public struct ReportVerification: Codable, Sendable {
    public var verified: Bool
    public var checks: [ReportCheck]
}

/// Verifies a report offline (protocol/SPEC.md §13b): every signature, the chain of authority from
/// the mesh root to each signer, the policy against the signed campaign, the verdict recomputed
/// from the evidence, and the quorum of attesting ASNs.
public enum ReportVerifier {
    /// Verifies `report`; `trustedRoot` is the mesh key the reader trusts (else the report's own).
    public static func verify(_ report: Report, trustedRoot: PublicKey? = nil) -> ReportVerification {
        var checks: [ReportCheck] = []
        func check(_ part: String, _ holds: Bool, _ detail: String) { checks.append(ReportCheck(part: part, holds: holds, detail: detail)) }
        func done() -> ReportVerification { ReportVerification(verified: checks.allSatisfy(\.holds), checks: checks) }

        check("format", report.format == Report.formatName, report.format == Report.formatName ? report.format : "'\(report.format)' is not \(Report.formatName)")
        guard let raw = Hex.decode(report.meshRootKey), let root = try? PublicKey(raw: raw) else {
            check("mesh key", false, "mesh_root_key is not a 32-byte hex Ed25519 key")
            return done()
        }
        if let trustedRoot, trustedRoot != root {
            check("mesh key", false, "the report names mesh \(root.id.short) but the trusted key is of mesh \(trustedRoot.id.short)")
            return done()
        }
        check("mesh key", true, "mesh \(root.id.hex)" + (trustedRoot == nil ? " (taken from the report; give the mesh's key to check it)" : " (matches the trusted key)"))

        // Enrollments: root-signed, for this mesh.
        var enrollments: [NodeID: [Verified<Enrollment>]] = [:]
        for (i, text) in report.enrollments.enumerated() {
            switch open(text, as: "enrollment") {
            case .failure(let failure): check("enrollments[\(i)]", false, failure.reason)
            case .success(let fact):
                guard case .enrollment(let e) = fact, e.signer == root, Hash256(bytes: e.record.meshID) == root.id,
                      let key = try? PublicKey(raw: Array(e.record.nodePublicKey)) else {
                    check("enrollments[\(i)]", false, "not an enrollment signed by the mesh root for this mesh")
                    continue
                }
                enrollments[key.id, default: []].append(e)
            }
        }
        check("enrollments", enrollments.values.joined().count == report.enrollments.count,
              "\(enrollments.values.joined().count) of \(report.enrollments.count) signed by the mesh root")

        // The campaign and the policy.
        var expectedPolicy = ScoringParameters()
        if let text = report.campaign {
            if case .success(.campaign(let c)) = open(text, as: "campaign"), c.signer == root, Hash256(bytes: c.record.meshID) == root.id {
                expectedPolicy = ScoringParameters(c.record.policy)
                check("campaign", true, "version \(c.record.version) signed by the mesh root")
            } else {
                check("campaign", false, "not a campaign signed by the mesh root for this mesh")
            }
        }
        check("policy", report.policy == expectedPolicy,
              report.policy == expectedPolicy ? "as the \(report.campaign == nil ? "defaults" : "signed campaign") say"
                                              : "differs from the \(report.campaign == nil ? "defaults (no campaign in the report)" : "signed campaign")")

        // Batches: signed by their origin, placed by an enrollment covering their time.
        let evidence = Report.EvidenceFilter(report.verdict)
        var observations: [Observation] = []
        var batchIDs = Set<String>()
        for (i, text) in report.batches.enumerated() {
            switch open(text, as: "batch") {
            case .failure(let failure): check("batches[\(i)]", false, failure.reason)
            case .success(let fact):
                guard case .batch(let b) = fact, Hash256(bytes: b.record.origin) == b.signer.id else {
                    check("batches[\(i)]", false, "not a batch signed by its origin")
                    continue
                }
                guard let enrollment = Evidence.enrollment(for: b, among: enrollments[b.signer.id] ?? []) else {
                    check("batches[\(i)]", false, "signer \(b.signer.id.short) has no enrollment in the report covering the batch's time")
                    continue
                }
                batchIDs.insert(b.id.hex)
                observations += Evidence.observations(of: b, placedBy: enrollment.record).filter(evidence.admits)
            }
        }
        check("batches", batchIDs.count == report.batches.count, "\(batchIDs.count) of \(report.batches.count) verify, \(observations.count) measurements of evidence")
        let missing = report.verdict.supportingBatches.filter { !batchIDs.contains($0) }
        check("supporting batches", missing.isEmpty, missing.isEmpty ? "all \(report.verdict.supportingBatches.count) present and verified"
                                                                      : "\(missing.count) missing or invalid, first \(missing[0].prefix(16))")

        // The verdict, recomputed.
        let recomputed = Scorer.score(observations, country: report.verdict.country, parameters: report.policy).verdicts
        if let same = recomputed.first(where: { $0.id == report.verdict.id }) {
            let differences = fieldsDiffering(report.verdict, same)
            check("verdict", differences.isEmpty, differences.isEmpty ? "recomputed from the evidence: \(same.sentence)"
                                                                      : "the evidence gives different " + differences.joined(separator: "; "))
        } else {
            check("verdict", false, "the evidence gives no verdict \(report.verdict.id); it gives: "
                  + (recomputed.isEmpty ? "none" : recomputed.map(\.sentence).joined(separator: " | ")))
        }

        // Attestations: signed by enrolled nodes, naming the verdict; a quorum of ASNs.
        var attestingASNs = Set<UInt32>()
        for (i, text) in report.attestations.enumerated() {
            switch open(text, as: "attestation") {
            case .failure(let failure): check("attestations[\(i)]", false, failure.reason)
            case .success(let fact):
                guard case .attestation(let a) = fact, Hash256(bytes: a.record.nodeID) == a.signer.id,
                      let e = (enrollments[a.signer.id] ?? []).covering(a.record.createdMs) else {
                    check("attestations[\(i)]", false, "not an attestation by a node enrolled when it attested")
                    continue
                }
                guard a.record.verdictIds.contains(report.verdict.id) else {
                    check("attestations[\(i)]", false, "does not name verdict \(report.verdict.id)")
                    continue
                }
                attestingASNs.insert(e.record.asn)
            }
        }
        let quorum = report.policy.minASNs
        check("attestations", attestingASNs.count >= quorum,
              "nodes in \(attestingASNs.count) ASNs attest this verdict\(attestingASNs.isEmpty ? "" : " (" + attestingASNs.sorted().map { "AS\($0)" }.joined(separator: ", ") + ")"); the quorum is \(quorum)")
        return done()
    }

    /// Decodes and verifies one base64 envelope.
    static func open(_ text: String, as kind: String) -> Result<SignedFact, Failure> {
        guard let data = Data(base64Encoded: text) else { return .failure(Failure("not base64")) }
        guard let envelope = try? Envelope(serializedBytes: data) else { return .failure(Failure("not a protobuf envelope")) }
        do {
            return .success(try SignedFact(verifying: envelope))
        } catch {
            return .failure(Failure("\(error)"))
        }
    }

    struct Failure: Error { var reason: String; init(_ reason: String) { self.reason = reason } }

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
