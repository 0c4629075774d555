import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A throwaway CA and server certificates for the probe fixtures: one for the fixture's names,
/// and one for a wrong name (to make `tls_cert_invalid`).
public struct FixtureCertificates: Sendable {
    /// The CA that a probe under test trusts, as PEM.
    public let caPEM: String
    let ca: NIOSSLCertificate
    let right: (NIOSSLCertificate, NIOSSLPrivateKey)
    let wrong: (NIOSSLCertificate, NIOSSLPrivateKey)

    /// Certificates for `names`, and one for `wrong.invalid`.
    public init(names: [String]) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("Vantage probe fixture CA") }
        let now = Date()
        let caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        func leaf(_ dnsNames: [String]) throws -> (NIOSSLCertificate, NIOSSLPrivateKey) {
            let key = P256.Signing.PrivateKey()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
                issuer: caName, subject: try DistinguishedName { CommonName(dnsNames[0]) }, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(dnsNames.map { .dnsName($0) })
                },
                issuerPrivateKey: .init(caKey))
            return (try NIOSSLCertificate(bytes: Array(certificate.serializeAsPEM().pemString.utf8), format: .pem),
                    try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem))
        }
        caPEM = try caCertificate.serializeAsPEM().pemString + "\n"
        ca = try NIOSSLCertificate(bytes: Array(caPEM.utf8), format: .pem)
        right = try leaf(names)
        wrong = try leaf(["wrong.invalid"])
    }

    /// The CA as a certificate to trust.
    public var trusted: [NIOSSLCertificate] { [ca] }

    func serverContext(wrongName: Bool) throws -> NIOSSLContext {
        let (certificate, key) = wrongName ? wrong : right
        return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
    }
}
