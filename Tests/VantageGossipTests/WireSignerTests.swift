import Foundation
import Testing
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// Batches travel without their signer in deltas and pushes (protocol/SPEC.md §7.2): the receiver
/// restores the origin's enrolled key before the ledger checks the signature.
@Suite struct WireSignerTests {
    let mesh = TestMesh(name: "wire-signers")
    let t0: Int64 = 1_705_755_600_000

    func ledger(with envelopes: [Envelope]) -> Ledger { mesh.ledger(with: envelopes, nowMs: t0 + 3_600_000) }

    @Test func aPushedBatchLeavesItsSignerOutAndTheReceiverRestoresIt() throws {
        var a = mesh.node("a", asn: 1)
        let b = mesh.node("b", asn: 2)
        let batch = a.nextBatch(createdMs: t0)
        var ledgerA = ledger(with: [mesh.enroll(a), mesh.enroll(b)])
        try ledgerA.insert(envelope: batch, nowMs: t0)
        var rng = SplitMix64(seed: 1)
        var machine = GossipNode(id: a.id, asn: 1)
        _ = machine.onConnected(b.id, asn: 2, address: nil, nowMs: t0)
        guard case .send(let frame, b.id)? = machine.onLocalBatch(batch, ledger: ledgerA, using: &rng).first, case .push(let pushed) = frame.body else {
            Issue.record("a push to b")
            return
        }
        #expect(pushed.signer.isEmpty && pushed.payload == batch.payload && pushed.signature == batch.signature)
        #expect(try frame.serializedData().count + 34 == Frame.with { $0.push = batch }.serializedData().count, "34 bytes saved")
        let restored = frame.restoringSigners(in: ledger(with: [mesh.enroll(a)]))
        #expect(restored.push == batch, "restored exactly as signed")
        #expect(frame.restoringSigners(in: ledger(with: [mesh.enroll(b)])).push.signer.isEmpty, "no enrollment of the origin: nothing to restore")
    }

    @Test func aDeltaRestoresSignersFromTheEnrollmentsItCarriesAndRefusesWhatItCannot() throws {
        var a = mesh.node("a", asn: 1), c = mesh.node("c", asn: 3)
        let b = mesh.node("b", asn: 2)
        let batches = (1...3).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        let stranger = c.nextBatch(createdMs: t0)
        var delta = Delta()
        delta.facts = [mesh.enroll(a)]
        delta.batches = (batches + [stranger]).map { envelope in
            var stripped = envelope
            stripped.signer = Data()
            return stripped
        }
        var frame = Frame()
        frame.delta = delta
        var receiver = ledger(with: [mesh.enroll(b)])
        let restored = frame.restoringSigners(in: receiver).delta
        #expect(Array(restored.batches.prefix(3)) == batches, "a's key came in the same delta")
        #expect(restored.batches[3].signer.isEmpty, "c is enrolled nowhere here")
        let report = receiver.apply(restored, nowMs: t0 + 3_600_000)
        #expect(receiver.head(of: a.id).seq == 3)
        #expect(report.refused.count == 1 && "\(report.refused[0])".contains("a batch of \(c.id.short) came without its signer, and no enrollment of that origin is here"), "\(report.refused)")
    }

    @Test func aBatchClaimingAnotherOriginFailsItsSignatureOnceRestored() throws {
        let a = mesh.node("a", asn: 1)
        var b = mesh.node("b", asn: 2)
        var forged = b.nextBatch(createdMs: t0)
        var record = try Batch(serializedBytes: forged.payload)
        record.origin = Data(a.id.bytes)
        forged = b.key.sign(.batch, payload: try record.serializedData())
        forged.signer = Data()
        var frame = Frame()
        frame.push = forged
        var receiver = ledger(with: [mesh.enroll(a), mesh.enroll(b)])
        let restored = frame.restoringSigners(in: receiver).push
        #expect(restored.signer == Data(a.key.publicKey.raw), "the key of the origin the batch claims")
        var delta = Delta()
        delta.batches = [restored]
        let report = receiver.apply(delta, nowMs: t0 + 3_600_000)
        #expect(receiver.head(of: a.id).seq == 0 && report.refused.count == 1, "\(report.refused)")
    }
}
