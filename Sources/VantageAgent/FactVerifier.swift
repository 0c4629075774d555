import Foundation
import VantageIdentity
import VantageWire

/// Ed25519 verification of received envelopes off the agent's actor, on every core.
enum FactVerifier {
    /// Envelopes verified per task: large enough to amortise a task, small enough to spread a delta.
    static let chunk = 64

    /// Each envelope's verification, by envelope.
    static func verify(_ envelopes: [Envelope]) async -> [Envelope: Result<SignedFact, any Error>] {
        await withTaskGroup(of: [(Envelope, Result<SignedFact, any Error>)].self) { group in
            for start in stride(from: 0, to: envelopes.count, by: chunk) {
                let slice = envelopes[start..<min(start + chunk, envelopes.count)]
                group.addTask { slice.map { envelope in (envelope, Result { try SignedFact(verifying: envelope) }) } }
            }
            var results: [Envelope: Result<SignedFact, any Error>] = [:]
            for await part in group { for (envelope, result) in part { results[envelope] = result } }
            return results
        }
    }
}

extension Frame {
    /// The signed envelopes a frame carries for the ledger (a delta's facts and batches, a push),
    /// but the batches `keeps` says no to (another tier's, which the gossip machine drops
    /// unverified: nothing is verified only to be thrown away).
    func carriedEnvelopes(keepingBatches keeps: (Envelope) -> Bool) -> [Envelope] {
        switch body {
        case .delta(let delta): return delta.facts + delta.batches.filter(keeps)
        case .push(let envelope): return keeps(envelope) ? [envelope] : []
        default: return []
        }
    }
}
