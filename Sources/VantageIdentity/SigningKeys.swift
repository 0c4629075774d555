import Crypto
import Foundation
import VantageWire

/// An Ed25519 public key (32 raw bytes), the identity of a node or of a mesh root.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The 32 raw bytes.
    public let raw: [UInt8]
    private let key: Curve25519.Signing.PublicKey

    /// Reads a raw 32-byte key; throws when the bytes are not a valid Ed25519 key.
    public init<Bytes: Collection>(raw: Bytes) throws where Bytes.Element == UInt8 {
        guard raw.count == 32 else { throw IdentityError.badPublicKeyLength(raw.count) }
        self.raw = Array(raw)
        self.key = try Curve25519.Signing.PublicKey(rawRepresentation: self.raw)
    }

    /// SHA-256 of the raw key: the node id (or, for the mesh root, the mesh id).
    public var id: Hash256 { Hash256.of(raw) }

    /// True when `signature` is this key's signature over `domain || payload`.
    public func isValidSignature<S: DataProtocol, P: DataProtocol>(
        _ signature: S, domain: [UInt8], payload: P
    ) -> Bool {
        var message = Data(domain)
        message.append(contentsOf: payload)
        return key.isValidSignature(signature, for: message)
    }

    public var description: String { Hex.encode(raw) }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.raw == rhs.raw }
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }
}

/// An Ed25519 private key that signs envelopes with domain separation.
public struct SigningKey: Sendable {
    /// The underlying swift-crypto key.
    public let key: Curve25519.Signing.PrivateKey

    /// A fresh random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    /// A key from its 32-byte seed (RFC 8032 private key). Used for keys read from files and test vectors.
    public init<Bytes: ContiguousBytes>(seed: Bytes) throws {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw IdentityError.corruptKey("the 32-byte Ed25519 seed is invalid: \(error)")
        }
    }

    /// The 32-byte seed.
    public var seed: [UInt8] { Array(key.rawRepresentation) }

    /// The matching public key.
    public var publicKey: PublicKey {
        // A key derived from a valid private key is always 32 valid bytes.
        try! PublicKey(raw: Array(key.publicKey.rawRepresentation))
    }

    /// Signs `payload` as a record of `kind`: Ed25519 over the kind's domain followed by the payload.
    public func sign(_ kind: RecordKind, payload: Data) -> Envelope {
        guard let domain = kind.signatureDomain else {
            preconditionFailure("cannot sign a record of kind \(kind.displayName)")
        }
        var message = Data(domain)
        message.append(payload)
        var envelope = Envelope()
        envelope.kind = kind
        envelope.payload = payload
        envelope.signer = Data(publicKey.raw)
        // Signing with a valid key cannot fail.
        envelope.signature = try! key.signature(for: message)
        return envelope
    }
}
