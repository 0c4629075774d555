import Foundation
import VantageWire

/// A readable account of one envelope: what it is, who signed it, whether the signature holds,
/// and its decoded fields. Used by `vantage ledger inspect`.
public struct EnvelopeSummary: Encodable, Sendable {
    /// Record kind.
    public var kind: String
    /// Record id, hex (empty for an unknown kind).
    public var id: String
    /// Signer's node id (SHA-256 of the key), hex.
    public var signerID: String
    /// True when the signature verifies over the kind's domain and payload.
    public var signatureValid: Bool
    /// Why verification failed, when it did.
    public var problem: String?
    /// Decoded fields in display order.
    public var fields: KeyValuePairs

    enum CodingKeys: String, CodingKey {
        case kind, id, problem, fields
        case signerID = "signer_id"
        case signatureValid = "signature_valid"
    }

    /// Ordered name/value pairs that encode as a JSON object.
    public struct KeyValuePairs: Encodable, Sendable {
        public var pairs: [(String, String)] = []
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in pairs { try container.encode(value, forKey: DynamicKey(stringValue: key)!) }
        }
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Summarises an envelope; verification failures are reported, not thrown.
    public init(_ envelope: Envelope) {
        kind = envelope.kind.displayName
        id = envelope.recordID?.hex ?? ""
        signerID = Hash256.of(Array(envelope.signer)).hex
        fields = KeyValuePairs()
        do {
            signatureValid = true
            fields.pairs = Self.fields(of: try SignedFact(verifying: envelope))
        } catch {
            signatureValid = false
            problem = "\(error)"
        }
    }

    /// Human-readable lines.
    public var lines: [String] {
        var lines = [
            "kind       \(kind)",
            "id         \(id)",
            "signer     \(signerID)",
            "signature  " + (signatureValid ? "valid" : "INVALID: \(problem ?? "")"),
        ]
        let width = (fields.pairs.map(\.0.count).max() ?? 0) + 2
        lines += fields.pairs.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
        return lines
    }

    private static func time(_ ms: Int64) -> String { Date(unixMilliseconds: ms).rfc3339 }

    private static func fields(of fact: SignedFact) -> [(String, String)] {
        switch fact {
        case .batch(let v):
            let b = v.record
            var outcomes: [String: Int] = [:]
            for m in b.measurements { outcomes[m.outcome.name, default: 0] += 1 }
            return [("origin", Hex.encode(b.origin)), ("seq", "\(b.seq)"), ("previous_hash", Hex.encode(b.previousHash)),
                    ("created", time(b.createdMs)), ("measurements", "\(b.measurements.count)"),
                    ("outcomes", outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
                    ("tier", b.tier == .summary ? "summary" : "raw"), ("summaries", "\(b.summaries.count)"),
                    ("attestations", b.attestations.map { "\($0.country) \(time($0.windowStartMs))/\(time($0.windowEndMs)) \($0.verdictIds.count) verdicts" }.joined(separator: "; "))]
        case .enrollment(let v):
            let e = v.record
            return [("mesh_id", Hex.encode(e.meshID)), ("node_id", Hash256.of(Array(e.nodePublicKey)).hex),
                    ("country", e.country), ("asn", "\(e.asn)"), ("isp", e.isp),
                    ("not_before", time(e.notBeforeMs)), ("not_after", time(e.notAfterMs))]
        case .revocation(let v):
            let r = v.record
            return [("mesh_id", Hex.encode(r.meshID)), ("node_id", Hex.encode(r.nodeID)), ("effective", time(r.effectiveMs)),
                    ("last_accepted_seq", r.hasLastAcceptedSeq ? "\(r.lastAcceptedSeq)" : "-"), ("reason", r.reasonCode.name)]
        case .campaign(let v):
            let c = v.record
            return [("mesh_id", Hex.encode(c.meshID)), ("name", c.name), ("version", "\(c.version)"),
                    ("targets", c.targets.map(\.name).joined(separator: ",")), ("interval_seconds", "\(c.intervalSeconds)"),
                    ("retention_days", "\(c.retentionDays)")]
        case .enrollmentRequest(let v):
            let r = v.record
            return [("node_id", v.signer.id.hex), ("country", r.country), ("asn", "\(r.asn)"), ("isp", r.isp),
                    ("created", time(r.createdMs))]
        }
    }
}
