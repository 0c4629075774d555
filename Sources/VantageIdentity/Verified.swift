import Foundation
import Synchronization
import SwiftProtobuf
import VantageWire

/// A record whose envelope signature has been verified, with its decoded payload.
/// Only this module creates values of this type, so holding one proves the check was made.
public struct Verified<Record: SignedRecord>: Sendable {
    /// The envelope exactly as received.
    public let envelope: Envelope
    /// SHA-256 of the kind's domain followed by the payload bytes.
    public let id: Hash256
    /// The key that signed it.
    public let signer: PublicKey
    /// The decoded payload.
    public let record: Record

    init(envelope: Envelope, id: Hash256, signer: PublicKey, record: Record) {
        self.envelope = envelope
        self.id = id
        self.signer = signer
        self.record = record
    }
}

/// Any signed record, verified and decoded.
public enum SignedFact: Sendable {
    case batch(Verified<Batch>)
    case enrollment(Verified<Enrollment>)
    case revocation(Verified<Revocation>)
    case campaign(Verified<Campaign>)
    case enrollmentRequest(Verified<EnrollmentRequest>)

    /// Verifies the envelope's signature over its kind's domain and payload, then decodes the payload.
    /// Throws `IdentityError` naming the kind and what failed; never decodes unverified bytes.
    public init(verifying envelope: Envelope) throws {
        let (id, signer) = try Self.checkSignature(envelope)
        try self.init(decoding: envelope, id: id, signer: signer)
    }

    /// The envelope as received.
    public var envelope: Envelope {
        switch self {
        case .batch(let v): return v.envelope
        case .enrollment(let v): return v.envelope
        case .revocation(let v): return v.envelope
        case .campaign(let v): return v.envelope
        case .enrollmentRequest(let v): return v.envelope
        }
    }

    /// The record id.
    public var id: Hash256 {
        switch self {
        case .batch(let v): return v.id
        case .enrollment(let v): return v.id
        case .revocation(let v): return v.id
        case .campaign(let v): return v.id
        case .enrollmentRequest(let v): return v.id
        }
    }

    /// Decodes an envelope read back from this node's own store, which verified it before storing
    /// it: a restart does not verify again what it verified once. Throws when the bytes do not
    /// decode as their kind.
    public init(stored envelope: Envelope) throws {
        guard let id = envelope.recordID else { throw IdentityError.unsignableKind(envelope.kind.displayName) }
        try self.init(decoding: envelope, id: id, signer: try PublicKey(raw: Array(envelope.signer)))
    }

    /// Decodes the payload as the envelope's kind says (its signature checked, or trusted).
    private init(decoding envelope: Envelope, id: Hash256, signer: PublicKey) throws {
        switch envelope.kind {
        case .batch: self = .batch(try Self.decode(envelope, id, signer))
        case .enrollment: self = .enrollment(try Self.decode(envelope, id, signer))
        case .revocation: self = .revocation(try Self.decode(envelope, id, signer))
        case .campaign: self = .campaign(try Self.decode(envelope, id, signer))
        case .enrollmentRequest: self = .enrollmentRequest(try Self.decode(envelope, id, signer))
        case .unspecified, .UNRECOGNIZED: throw IdentityError.unsignableKind(envelope.kind.displayName)
        }
    }

    /// Checks lengths and the Ed25519 signature over domain || payload.
    static func checkSignature(_ envelope: Envelope) throws -> (Hash256, PublicKey) {
        guard let domain = envelope.kind.signatureDomain, let id = envelope.recordID else {
            throw IdentityError.unsignableKind(envelope.kind.displayName)
        }
        let signer = try PublicKey(raw: Array(envelope.signer))
        guard envelope.signature.count == 64 else {
            throw IdentityError.badSignatureLength(envelope.signature.count)
        }
        SignatureCounter.verified.add(1, ordering: .relaxed)
        guard signer.isValidSignature(envelope.signature, domain: domain, payload: envelope.payload) else {
            throw IdentityError.badSignature(kind: envelope.kind.displayName, signer: signer.id.short)
        }
        return (id, signer)
    }

    private static func decode<R: SignedRecord>(_ envelope: Envelope, _ id: Hash256, _ signer: PublicKey) throws -> Verified<R> {
        Verified(envelope: envelope, id: id, signer: signer, record: try RecordCodec<R>.decode(envelope.payload))
    }
}

extension Verified where Record == Batch {
    /// Verifies an envelope that must carry a batch.
    public init(batch envelope: Envelope) throws {
        guard case .batch(let v) = try SignedFact(verifying: envelope) else {
            throw IdentityError.wrongKind(expected: "batch", found: envelope.kind.displayName)
        }
        self = v
    }

    /// Decodes a batch read back from this node's own store (verified before it was stored).
    public init(storedBatch envelope: Envelope) throws {
        guard case .batch(let v) = try SignedFact(stored: envelope) else {
            throw IdentityError.wrongKind(expected: "batch", found: envelope.kind.displayName)
        }
        self = v
    }
}

/// Signs records of each kind into envelopes.
extension SigningKey {
    /// Encodes a record with its kind's codec and signs it.
    public func sign<R: SignedRecord>(_ record: R) -> Envelope {
        sign(R.kind, payload: RecordCodec<R>.encode(record))
    }
}

/// Signatures this process verified (`vantage_signatures_verified_total`): tests count that a
/// restart verifies none of the stored facts again.
public enum SignatureCounter {
    /// Envelope signatures checked since the process started.
    public static let verified = Atomic<Int>(0)
}
