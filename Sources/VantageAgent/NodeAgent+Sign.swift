import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// Local writes: measurements this node signs into its own chain, and signed facts posted to it.
extension NodeAgent {
    /// Signs measurements into batches of this node's chain; each is durable before it is pushed.
    public func submit(_ measurements: [VantageWire.Measurement]) -> Int {
        var signed = 0
        for start in stride(from: 0, to: measurements.count, by: settings.measurementsPerBatch) {
            let chunk = Array(measurements[start..<min(start + settings.measurementsPerBatch, measurements.count)])
            let envelope = key.sign(ledger.head(of: id).nextBatch(origin: id, createdMs: nowMs, measurements: chunk))
            guard insert([envelope], from: "local").isEmpty, storeFailure == nil else { break }
            signed += 1
            perform(gossip.onLocalBatch(envelope, using: &rng))
        }
        return signed
    }

    /// Inserts signed facts posted to the API: admin facts, or a whole exported ledger.
    public func submitFacts(_ envelopes: [Envelope], proofs: [EquivocationProof] = []) -> [String] {
        let sorted = envelopes.filter { $0.kind != .batch } + envelopes.filter { $0.kind == .batch }
        var errors = insert(sorted, from: "api")
        for (index, proof) in proofs.enumerated() {
            do {
                try ledger.insertProof(ProofFact(verifying: proof))
            } catch {
                errors.append("proof \(index + 1): \(error)")
            }
        }
        commit()
        return errors
    }
}
