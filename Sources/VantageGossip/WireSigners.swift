import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// Batch envelopes travel without their signer in deltas and pushes (protocol/SPEC.md §7.2): a
/// batch's signer is the enrolled key of its origin, which the receiver restores before the
/// ledger verifies the signature, saving 34 bytes a batch.
extension Envelope {
    /// The envelope as a delta or push carries it: a batch's signer left out.
    var withoutBatchSigner: Envelope {
        guard kind == .batch, !signer.isEmpty else { return self }
        var envelope = self
        envelope.signer = Data()
        return envelope
    }
}

extension Ledger {
    /// `batches` with each signer left out restored as the key of the batch's origin, from this
    /// ledger's enrollments or those among `facts` (a delta's, which come before its batches). A
    /// batch whose origin has no enrollment here keeps its empty signer, and the ledger refuses it
    /// naming its origin; the origin's enrollment reaches this node with the small facts, and the
    /// batch comes again.
    func restoringSigners(_ batches: [Envelope], facts: [Envelope] = []) -> [Envelope] {
        var keys: [NodeID: Data] = [:]
        for fact in facts where fact.kind == .enrollment {
            guard let key = try? Enrollment(serializedBytes: fact.payload).nodePublicKey, key.count == 32 else { continue }
            keys[Hash256.of(key)] = key
        }
        return batches.map { envelope in
            guard envelope.signer.isEmpty, envelope.kind == .batch, let origin = BatchPeek.origin(envelope.payload).flatMap({ Hash256(bytes: $0) }),
                  let key = enrollments(of: origin).first?.record.nodePublicKey ?? keys[origin] else { return envelope }
            var restored = envelope
            restored.signer = key
            return restored
        }
    }
}

extension Frame {
    /// The frame with the signers its batches travel without restored (a delta's or a push's);
    /// other frames as they are.
    public func restoringSigners(in ledger: Ledger) -> Frame {
        var frame = self
        switch body {
        case .delta(var delta):
            guard delta.batches.contains(where: \.signer.isEmpty) else { return self }
            delta.batches = ledger.restoringSigners(delta.batches, facts: delta.facts)
            frame.delta = delta
        case .push(let envelope):
            guard envelope.signer.isEmpty else { return self }
            frame.push = ledger.restoringSigners([envelope])[0]
        default:
            return self
        }
        return frame
    }

    /// A push of one batch, its signer left out.
    static func push(_ envelope: Envelope) -> Frame {
        Frame.with { $0.push = envelope.withoutBatchSigner }
    }
}
