import Foundation
import Testing
import VantageIdentity
import VantageTestKit
import VantageWire

/// Signing with domain separation, verification, ids.
@Suite struct EnvelopeTests {
    let mesh = TestMesh(name: "envelopes")

    @Test func signedBatchVerifiesAndDecodes() throws {
        var node = mesh.node("a")
        let envelope = node.nextBatch(createdMs: 1_000, count: 3)
        guard case .batch(let batch) = try SignedFact(verifying: envelope) else {
            Issue.record("not a batch")
            return
        }
        #expect(batch.record.measurements.count == 3)
        #expect(batch.signer.id == node.id)
        #expect(batch.id == envelope.recordID)
    }

    @Test func tamperedPayloadFails() {
        var node = mesh.node("a")
        var envelope = node.nextBatch(createdMs: 1_000)
        envelope.payload[0] ^= 0x80
        #expect(throws: IdentityError.self) { try SignedFact(verifying: envelope) }
    }

    @Test func signatureForOneKindNeverVerifiesAsAnother() {
        var envelope = mesh.enroll(mesh.node("a"))
        envelope.kind = .campaign
        #expect(throws: IdentityError.badSignature(kind: "campaign", signer: mesh.root.id.short)) {
            try SignedFact(verifying: envelope)
        }
    }

    @Test func wrongKeyAndTruncatedSignatureFail() {
        var node = mesh.node("a")
        var envelope = node.nextBatch(createdMs: 1_000)
        var wrongKey = envelope
        wrongKey.signer = Data(mesh.root.raw)
        #expect(throws: IdentityError.self) { try SignedFact(verifying: wrongKey) }
        envelope.signature = envelope.signature.prefix(63)
        #expect(throws: IdentityError.badSignatureLength(63)) { try SignedFact(verifying: envelope) }
    }

    @Test func unknownKindIsRefused() {
        var envelope = mesh.campaign(version: 1)
        envelope.kind = .unspecified
        #expect(throws: IdentityError.unsignableKind("unspecified")) { try SignedFact(verifying: envelope) }
        envelope.kind = .UNRECOGNIZED(5)
        let refusal = #expect(throws: IdentityError.self) { try SignedFact(verifying: envelope) }
        #expect("\(refusal!)".contains("a stand-alone attestation, which protocol version 2 replaced by entries of the summary log"))
    }

    @Test func idIsSha256OfDomainAndPayload() {
        let envelope = mesh.campaign(version: 1)
        let expected = Hash256.of(Array("vantage/campaign/v2".utf8) + [0] + Array(envelope.payload))
        #expect(envelope.recordID == expected)
    }

    @Test func nodeIdIsSha256OfTheRawPublicKey() {
        let node = mesh.node("a")
        #expect(node.id == Hash256.of(node.key.publicKey.raw))
        #expect(Hash256(hex: node.id.hex) == node.id)
    }
}
