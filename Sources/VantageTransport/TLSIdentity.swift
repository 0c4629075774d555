import Foundation
import NIOSSL
import VantageIdentity

/// A node's TLS material: its certificate (its P-256 TLS key and node id, issued by the mesh CA),
/// that key, and the mesh CA. The dialer's ClientHello offers what a browser offers (versions,
/// suites, groups, signature algorithms, ALPN, SNI; DESIGN.md "Volunteer safety"); a listener
/// negotiates TLS 1.3 only and asks for a client certificate without requiring one, so a
/// client without one can be answered with an ordinary web page.
public struct TLSIdentity: Sendable {
    let certificate: NIOSSLCertificate
    let key: NIOSSLPrivateKey
    let ca: NIOSSLCertificate

    /// Loads `node.pem`, `tls.key` and `ca.pem` from a node folder; names the file that is wrong.
    public init(node: NodeDirectory) throws {
        try self.init(certificatePath: node.certificatePath, keyPath: node.tlsKeyPath, caPath: node.caCertificatePath)
    }

    /// Loads PEM files; the key file must be mode 0600.
    public init(certificatePath: String, keyPath: String, caPath: String) throws {
        let keyPEM = try TLSKey.pem(at: keyPath)
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

    /// Accepting connections: TLS 1.3 only; a client certificate is asked for and, when given,
    /// must come from the mesh CA; ALPN settles on `http/1.1`.
    public var serverConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv13
        configuration.certificateVerification = .optionalVerification
        configuration.applicationProtocols = ["http/1.1"]
        apply(to: &configuration)
        return configuration
    }

    /// Dialing: the server's certificate must come from the mesh CA; the ClientHello is a browser's.
    public var clientConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(certificate)]
        configuration.privateKey = .privateKey(key)
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = Self.browserCipherSuites
        configuration.curves = Self.browserGroups
        configuration.applicationProtocols = ["h2", "http/1.1"]
        // Peers are identified by the node id and key of their certificate, checked against
        // their enrollment, not by host name: the SNI is a cover name.
        configuration.certificateVerification = .noHostnameVerification
        apply(to: &configuration)
        return configuration
    }

    private func apply(to configuration: inout TLSConfiguration) {
        configuration.maximumTLSVersion = .tlsv13
        configuration.trustRoots = .certificates([ca])
        configuration.verifySignatureAlgorithms = Self.browserSignatureAlgorithms
        configuration.signingSignatureAlgorithms = [.ecdsaSecp256R1Sha256]
    }

    /// The TLS 1.2 suites Chromium offers, in its order (TLS 1.3's are BoringSSL's, the same).
    static let browserCipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA",
    ].joined(separator: ":")

    /// Chromium's key-exchange groups, in its order.
    static let browserGroups: [NIOTLSCurve] = [.x25519_MLKEM768, .x25519, .secp256r1, .secp384r1]

    /// Chromium's signature algorithms, in its order: ML-DSA-44, -65 and -87 first (BoringSSL
    /// names them; NIOSSL has no constants yet), then the classic ones.
    static let browserSignatureAlgorithms: [SignatureAlgorithm] = [
        SignatureAlgorithm(rawValue: 0x0904), SignatureAlgorithm(rawValue: 0x0905), SignatureAlgorithm(rawValue: 0x0906),
        .ecdsaSecp256R1Sha256, .rsaPssRsaeSha256, .rsaPkcs1Sha256, .ecdsaSecp384R1Sha384,
        .rsaPssRsaeSha384, .rsaPkcs1Sha384, .rsaPssRsaeSha512, .rsaPkcs1Sha512,
    ]
}
