import Foundation
import VantageIdentity
import VantageWire

/// Real Ed25519 verification, done once per distinct envelope: a thousand simulated nodes
/// receive the same bytes, and verifying is a pure function of them.
final class VerificationCache {
    struct Key: Hashable {
        var kind: Int
        var payload: Data
        var signer: Data
        var signature: Data
    }

    private var verified: [Key: SignedFact] = [:]
    /// Real verifications performed.
    private(set) var verifications = 0

    /// The verified fact of `envelope`, verifying it for real on first sight.
    func verify(_ envelope: Envelope) throws -> SignedFact {
        let key = Key(kind: envelope.kind.rawValue, payload: envelope.payload, signer: envelope.signer, signature: envelope.signature)
        if let fact = verified[key] { return fact }
        verifications += 1
        let fact = try SignedFact(verifying: envelope)
        verified[key] = fact
        return fact
    }

    /// True when `envelope` passed real verification here.
    func passed(_ envelope: Envelope) -> Bool {
        verified[Key(kind: envelope.kind.rawValue, payload: envelope.payload, signer: envelope.signer, signature: envelope.signature)] != nil
    }

    /// Verifies every cached envelope again from scratch; returns how many fail (must be 0).
    func reverifyAll() -> Int {
        verified.values.filter { (try? SignedFact(verifying: $0.envelope)) == nil }.count
    }
}
