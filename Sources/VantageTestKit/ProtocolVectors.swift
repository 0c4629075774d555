import Crypto
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The test vectors of protocol/vectors/, built deterministically from named keys and fixed times.
/// `VectorTests` checks the committed files against this; `VANTAGE_WRITE_VECTORS=1 swift test
/// --filter VectorTests` rewrites them.
public enum ProtocolVectors {
    /// One entry of signatures.json.
    public struct SignatureCase: Codable, Equatable, Sendable {
        public var name: String
        public var publicKey: String
        public var domain: String
        public var payload: String
        public var signature: String
        public var valid: Bool

        enum CodingKeys: String, CodingKey {
            case name, domain, payload, signature, valid
            case publicKey = "public_key"
        }
    }

    /// One entry of envelopes.json.
    public struct EnvelopeCase: Codable, Equatable, Sendable {
        public var name: String
        public var kind: String
        public var envelope: String
        public var id: String
        public var signerID: String

        enum CodingKeys: String, CodingKey {
            case name, kind, envelope, id
            case signerID = "signer_id"
        }
    }

    /// One entry of ledgers.json.
    public struct LedgerCase: Codable, Equatable, Sendable {
        public var name: String
        public var description: String
        public var snapshot: String
        public var digest: String
        public var smallFactsDigest: String

        enum CodingKeys: String, CodingKey {
            case name, description, snapshot, digest
            case smallFactsDigest = "small_facts_digest"
        }
    }

    static let mesh = TestMesh(name: "vectors")
    /// 2024-01-20T13:00:00Z.
    static let t0: Int64 = 1_705_755_600_000
    /// The clock the vector ledgers are loaded with.
    public static let nowMs: Int64 = t0 + 86_400_000

    /// Every signed record kind, signed once.
    public static func records() -> [(String, Envelope)] {
        var a = mesh.node("pk-ptcl-1", asn: 17557, isp: "PTCL")
        let request = a.key.sign({ () -> EnrollmentRequest in
            var r = EnrollmentRequest()
            r.nodePublicKey = Data(a.key.publicKey.raw)
            r.tlsPublicKey = a.tlsPublicKey
            r.country = "PK"
            r.asn = 17557
            r.isp = "PTCL"
            r.createdMs = t0
            return r
        }())
        // The campaign names the vectors' second node as its archiver and relay (SPEC §7.4, §7.5).
        let relay = mesh.node("b", asn: 17564).id
        let campaign = mesh.campaign(version: 1, name: "social-media", archivers: [relay], relays: [(relay, "203.0.113.7:443")],
                                     replication: .with { $0.archivers = 3; $0.countries = 2 })
        let batch = a.nextBatch(createdMs: t0 + 300_000, count: 2, outcome: .tlsReset)
        return [
            ("batch", batch),
            ("summary-batch", a.nextSummaryBatch(createdMs: t0 + 660_000, summaries: [a.summary(of: batch)], numberedBy: campaign)),
            ("numbered-batch", a.nextBatch(createdMs: t0 + 600_000, count: 2, outcome: .tlsReset, numberedBy: campaign)),
            ("enrollment", mesh.enroll(a, notBeforeMs: t0 - 86_400_000, notAfterMs: t0 + 365 * 86_400_000)),
            ("revocation", mesh.revoke(a, effectiveMs: t0 + 3_600_000, lastAcceptedSeq: 1, reason: .deviceLost)),
            ("campaign", campaign),
            ("summary-batch-with-attestation", a.nextSummaryBatch(createdMs: t0 + 3_600_000, summaries: [],
                                                                  attestations: [a.attestation(windowEndMs: t0 + 3_600_000)], numberedBy: campaign)),
            ("enrollment-request", request),
        ]
    }

    /// signatures.json: a valid case per record kind, then the invalid cases.
    public static func signatureCases() -> [SignatureCase] {
        let records = records()
        var cases = records.map { name, envelope in
            SignatureCase(name: "valid \(name)", publicKey: Hex.encode(envelope.signer),
                          domain: domainText(envelope.kind), payload: Hex.encode(envelope.payload),
                          signature: Hex.encode(envelope.signature), valid: true)
        }
        let batch = cases[0]
        var tampered = batch
        tampered.name = "tampered payload"
        var payload = Hex.decode(batch.payload)!
        payload[payload.count / 2] ^= 0x01
        tampered.payload = Hex.encode(payload)
        tampered.valid = false
        var wrongDomain = batch
        wrongDomain.name = "wrong domain (batch signed, checked as campaign)"
        wrongDomain.domain = domainText(.campaign)
        wrongDomain.valid = false
        var wrongKey = batch
        wrongKey.name = "wrong key"
        wrongKey.publicKey = mesh.root.description
        wrongKey.valid = false
        var truncated = batch
        truncated.name = "truncated signature"
        truncated.signature = String(batch.signature.dropLast(2))
        truncated.valid = false
        var noDomain = batch
        noDomain.name = "no domain (signature over the payload alone is not accepted)"
        noDomain.signature = Hex.encode(mesh.node("pk-ptcl-1").key.key.signatureWithoutDomain(Hex.decode(batch.payload)!))
        noDomain.valid = false
        cases += [tampered, wrongDomain, wrongKey, truncated, noDomain]
        return cases
    }

    /// envelopes.json: encoded envelopes of a batch, the summary batch of its window, a batch
    /// numbered by the campaign, the campaign, an enrollment and a revocation, with their ids.
    public static func envelopeCases() -> [EnvelopeCase] {
        records().filter { ["batch", "summary-batch", "numbered-batch", "campaign", "enrollment", "revocation"].contains($0.0) }.map { name, envelope in
            EnvelopeCase(name: name, kind: envelope.kind.displayName,
                         envelope: Hex.encode(try! envelope.serializedBytes() as [UInt8]),
                         id: envelope.recordID!.hex, signerID: Hash256.of(Array(envelope.signer)).hex)
        }
    }

    /// ledgers.json: two small ledgers, as snapshots, with their digests.
    public static func ledgerCases() -> [LedgerCase] {
        [("two-nodes", "two enrolled nodes in two ASNs, three batches each, a campaign; the first node's batches are numbered by it; the second node's summary log summarises its three windows", twoNodes()),
         ("fork-and-revocation", "a node that forked its log (excluded, proof kept) and a node revoked after seq 2", forkAndRevocation())]
            .map { name, description, ledger in
                LedgerCase(name: name, description: description,
                           snapshot: Hex.encode(try! ledger.snapshot.serializedBytes() as [UInt8]),
                           digest: ledger.digest.hex, smallFactsDigest: ledger.smallFactsDigest.hex)
            }
    }

    /// The first vector ledger.
    public static func twoNodes() -> Ledger {
        var a = mesh.node("pk-ptcl-1", asn: 17557, isp: "PTCL")
        var b = mesh.node("pk-jazz-1", asn: 45669, isp: "Jazz")
        var ledger = Ledger(root: mesh.root)
        let campaign = mesh.campaign(version: 1, name: "social-media", archivers: [b.id], relays: [(b.id, "203.0.113.7:443")],
                                     replication: .with { $0.archivers = 3; $0.countries = 2 })
        var envelopes = [mesh.enroll(a), mesh.enroll(b), campaign]
        var summaries: [WindowSummaryRecord] = []
        for i in 1...3 {
            envelopes.append(a.nextBatch(createdMs: t0 + Int64(i) * 600_000, count: i, outcome: .tlsReset, numberedBy: campaign))
            envelopes.append(b.nextBatch(createdMs: t0 + Int64(i) * 600_000, count: i, outcome: .ok))
            summaries.append(b.summary(of: envelopes.last!))
        }
        envelopes.append(b.nextSummaryBatch(createdMs: t0 + 1_860_000, summaries: summaries, numberedBy: campaign))
        for envelope in envelopes { try! ledger.insert(envelope: envelope, nowMs: nowMs) }
        return ledger
    }

    /// The second vector ledger.
    public static func forkAndRevocation() -> Ledger {
        var a = mesh.node("pk-ptcl-1", asn: 17557, isp: "PTCL")
        var c = mesh.node("pk-nayatel-1", asn: 23674, isp: "Nayatel")
        var ledger = Ledger(root: mesh.root)
        var envelopes = [mesh.enroll(a), mesh.enroll(c)]
        envelopes.append(a.nextBatch(createdMs: t0 + 60_000))
        var fork = a
        envelopes.append(a.nextBatch(createdMs: t0 + 120_000, count: 1))
        envelopes.append(fork.nextBatch(createdMs: t0 + 120_000, count: 3))
        for i in 1...4 { envelopes.append(c.nextBatch(createdMs: t0 + Int64(i) * 60_000)) }
        envelopes.append(mesh.revoke(c, effectiveMs: t0, lastAcceptedSeq: 2, reason: .keyCompromised))
        for envelope in envelopes { _ = try? ledger.insert(envelope: envelope, nowMs: nowMs) }
        return ledger
    }

    static func domainText(_ kind: RecordKind) -> String {
        String(decoding: kind.signatureDomain!, as: UTF8.self)
    }
}

extension Curve25519.Signing.PrivateKey {
    /// A plain Ed25519 signature over `bytes`, for the negative vector that omits the domain.
    func signatureWithoutDomain(_ bytes: [UInt8]) -> Data {
        try! signature(for: bytes)
    }
}
