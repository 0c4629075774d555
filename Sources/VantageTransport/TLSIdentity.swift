import Foundation
import NIOSSL
import VantageIdentity

/// A node's TLS material: its certificate (holding its Ed25519 identity key), that key, and the mesh CA.
/// Both directions use TLS 1.3 only, mutual authentication, and Ed25519 signatures.
public struct TLSIdentity: Sendable {
    let certificate: NIOSSLCertificate
    let key: NIOSSLPrivateKey
    let ca: NIOSSLCertificate

    /// Loads `node.pem`, `node.key` and `ca.pem` from a node folder; names the file that is wrong.
    public init(node: NodeDirectory) throws {
        try self.init(certificatePath: node.certificatePath, keyPath: node.keyPath, caPath: node.caCertificatePath)
    }

    /// Loads PEM files; the key file must be mode 0600.
    public init(certificatePath: String, keyPath: String, caPath: String) throws {
        let keyPEM = try KeyFile.pem(of: KeyFile.read(keyPath))
        do {
            certificate = try NIOSSLCertificate(file: certificatePath, format: .pem)
        } catch {
            throw IdentityError.fileCorrupt(path: certificatePath, reason: "not a PEM certificate: \(error)")
        }
        do {
            ca = try NIOSSLCertificate(file: caPath, format: .pem)
        } catch {
            throw IdentityError.fileCorrupt(path: caPath, reason: "not a PEM certificate: \(error)")
        }
        key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
    }

    /// The configuration for accepting connections: a client certificate from the mesh CA is required.
    public var serverConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        apply(to: &configuration)
        return configuration
    }

    /// The configuration for dialing: the server's certificate must come from the mesh CA.
    public var clientConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(certificate)]
        configuration.privateKey = .privateKey(key)
        apply(to: &configuration)
        return configuration
    }

    private func apply(to configuration: inout TLSConfiguration) {
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        configuration.trustRoots = .certificates([ca])
        // Peers are identified by key, checked against their enrollment, not by host name.
        configuration.certificateVerification = .noHostnameVerification
        configuration.verifySignatureAlgorithms = [.ed25519]
        configuration.signingSignatureAlgorithms = [.ed25519]
    }
}
