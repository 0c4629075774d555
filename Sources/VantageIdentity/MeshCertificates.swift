import Crypto
import Foundation
import SwiftASN1
import X509

/// The mesh's X.509 certificate authority: it issues each node's TLS certificate for mutual TLS.
/// Node certificates carry the node's P-256 TLS key and its node id, so a TLS peer can be matched
/// against its enrollment, which binds that key. The CA signs with Ed25519 (its certificates
/// travel encrypted in TLS 1.3).
public struct MeshCertificateAuthority: Sendable {
    /// The CA's signing key.
    public let key: SigningKey
    /// The CA's self-signed certificate.
    public let certificate: Certificate

    /// Wraps an existing CA key and certificate (e.g. one made with openssl).
    public init(key: SigningKey, certificate: Certificate) {
        self.key = key
        self.certificate = certificate
    }

    /// Creates a self-signed CA certificate for a mesh, valid for `years` from `now`. Like node
    /// certificates it names no product: its common name is the mesh id's first 8 hex digits
    /// (DESIGN.md, "Volunteer safety").
    public static func create(meshID: Hash256, key: SigningKey, now: Date, years: Int = 10) throws -> Self {
        let caKey = Certificate.PrivateKey(key.key)
        do {
            let name = try DistinguishedName {
                CommonName(String(meshID.hex.prefix(8)))
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: caKey.publicKey)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caKey.publicKey,
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(Double(years) * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ed25519,
                extensions: extensions, issuerPrivateKey: caKey)
            return Self(key: key, certificate: certificate)
        } catch {
            throw IdentityError.certificate("cannot create the mesh CA certificate: \(error)")
        }
    }

    /// Issues a node's TLS certificate, for both server and client authentication: its P-256 key,
    /// its node id in hex as common name; nothing in it names the product.
    public func issueNodeCertificate(for peer: TLSPeer, notBefore: Date, notAfter: Date) throws -> Certificate {
        let caKey = Certificate.PrivateKey(key.key)
        do {
            let subjectKey = Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: peer.tlsKey))
            let subject = try DistinguishedName {
                CommonName(peer.id.hex)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectKeyIdentifier(hash: subjectKey)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: caKey.publicKey).keyIdentifier)
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: subjectKey,
                notValidBefore: notBefore, notValidAfter: notAfter,
                issuer: certificate.subject, subject: subject, signatureAlgorithm: .ed25519,
                extensions: extensions, issuerPrivateKey: caKey)
        } catch {
            throw IdentityError.certificate("cannot issue a node certificate: \(error)")
        }
    }
}

extension Certificate {
    /// The certificate as PEM text.
    public func pemText() throws -> String {
        try serializeAsPEM().pemString + "\n"
    }

    /// Parses a PEM certificate; `path` names the source in errors.
    public static func parse(pem text: String, path: String) throws -> Certificate {
        do {
            return try Certificate(pemEncoded: text)
        } catch {
            throw IdentityError.fileCorrupt(path: path, reason: "not a PEM certificate: \(error)")
        }
    }

    /// The raw Ed25519 key of the certificate's subject, or nil when it holds another kind of key.
    public var ed25519PublicKey: VantageIdentity.PublicKey? {
        guard let key = Curve25519.Signing.PublicKey(publicKey) else { return nil }
        return try? VantageIdentity.PublicKey(raw: Array(key.rawRepresentation))
    }
}
