import Crypto
import Foundation
import X509

/// A node's TLS key: ECDSA P-256, as browsers' TLS uses, kept in `tls.key` (PEM, mode 0600). The
/// node's enrollment binds it to the Ed25519 identity key (protocol/SPEC.md §1), so the TLS
/// certificate carries no identity key and the handshake offers only what a browser offers.
public enum TLSKey {
    /// Creates a key and writes it to `path`; refuses an existing file. Returns its public key.
    public static func create(at path: String) throws -> P256.Signing.PublicKey {
        let key = P256.Signing.PrivateKey()
        try SecretFile.create(path, contents: Data(key.pemRepresentation.utf8))
        return key.publicKey
    }

    /// The key in `path` as PEM text, after checking its mode and that it is a P-256 key.
    public static func pem(at path: String) throws -> String {
        let text = String(decoding: try SecretFile.read(path), as: UTF8.self)
        guard (try? P256.Signing.PrivateKey(pemRepresentation: text)) != nil else {
            throw IdentityError.fileCorrupt(path: path, reason: "not an ECDSA P-256 private key in PEM")
        }
        return text
    }

    /// True when `bytes` is a P-256 public key in uncompressed form (65 bytes).
    public static func isPublicKey(_ bytes: Data) -> Bool {
        bytes.count == 65 && (try? P256.Signing.PublicKey(x963Representation: bytes)) != nil
    }
}

/// Who a TLS peer's certificate says it is: the node id its common name holds, and its P-256 key,
/// which that node's enrollment must bind.
public struct TLSPeer: Sendable, Equatable {
    /// The node id named by the certificate.
    public var id: NodeID
    /// The certificate's key, 65 bytes uncompressed.
    public var tlsKey: Data

    /// A peer by node id and key.
    public init(id: NodeID, tlsKey: Data) {
        self.id = id
        self.tlsKey = tlsKey
    }
}

extension Certificate {
    /// The node id in the subject's common name and the P-256 key, or nil when the certificate
    /// is not a node certificate of this version.
    public var tlsPeer: TLSPeer? {
        guard let key = P256.Signing.PublicKey(publicKey) else { return nil }
        let names = subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }.map { String(describing: $0.value) }
        guard names.count == 1, let id = Hash256(hex: names[0]) else { return nil }
        return TLSPeer(id: id, tlsKey: key.x963Representation)
    }
}
