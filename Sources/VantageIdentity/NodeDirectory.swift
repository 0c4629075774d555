import Foundation
import VantageWire
import X509

/// A node's folder. Secret: `node.key`, `tls.key`, `api.token` (0600). Public: `enrollment-request.envelope`,
/// and after `vantage admin enroll`: `enrollment.envelope`, `node.pem`, `ca.pem`, `mesh.json`.
public struct NodeDirectory: Sendable {
    /// The folder.
    public let path: String

    /// Names the folder; nothing is read until asked.
    public init(path: String) { self.path = path }

    /// The node's Ed25519 identity key.
    public var keyPath: String { path + "/node.key" }
    /// The node's TLS key (ECDSA P-256), bound to the identity by the enrollment.
    public var tlsKeyPath: String { path + "/tls.key" }
    /// The bearer token for the node's HTTP API writes.
    public var apiTokenPath: String { path + "/api.token" }
    /// The self-signed enrollment request, for the admin.
    public var requestPath: String { path + "/enrollment-request.envelope" }
    /// The root-signed enrollment.
    public var enrollmentPath: String { path + "/enrollment.envelope" }
    /// The node's TLS certificate, PEM, issued by the mesh CA.
    public var certificatePath: String { path + "/node.pem" }
    /// The mesh CA certificate, PEM.
    public var caCertificatePath: String { path + "/ca.pem" }
    /// The mesh description.
    public var meshDescriptionPath: String { path + "/mesh.json" }
    /// The signed campaign the coordinator sends with the enrollment (`admin enroll --campaign`):
    /// its relays tell a new node where to dial.
    public var campaignPath: String { path + "/campaign.envelope" }
    /// The last batch this node signed (seq, id, creation time), kept beside the key so that a
    /// node whose ledger store is lost never signs a seq twice.
    public var signedHeadPath: String { path + "/signed.head" }

    /// The windows (start times, one per line) of this node's raw batches whose summaries are not
    /// signed yet: written before the raw batch is signed, so a crash never loses one.
    public var unsummarisedPath: String { path + "/summaries.pending" }

    /// The same for the node's summary log (`signed.summary-head`), or for the log of `tier`.
    public func signedHeadPath(_ tier: LogTier) -> String { tier == .summary ? path + "/signed.summary-head" : signedHeadPath }

    /// Creates the node key, TLS key, API token and enrollment request. Refuses a folder that already has a key.
    @discardableResult
    public static func create(at path: String, profile: NodeProfile, now: Date) throws -> Envelope {
        let problems = profile.problems()
        precondition(problems.isEmpty, "invalid node profile: \(problems)")
        let directory = NodeDirectory(path: path)
        if FileManager.default.fileExists(atPath: directory.keyPath) {
            throw IdentityError.fileExists(path: directory.keyPath)
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let key = SigningKey()
        let tlsKey = try TLSKey.create(at: directory.tlsKeyPath)
        var request = EnrollmentRequest()
        request.nodePublicKey = Data(key.publicKey.raw)
        request.tlsPublicKey = tlsKey.x963Representation
        request.country = profile.country
        request.asn = profile.asn
        request.isp = profile.isp
        request.createdMs = now.unixMilliseconds
        let envelope = key.sign(request)
        try KeyFile.write(key, to: directory.keyPath)
        try SecretFile.create(directory.apiTokenPath, contents: Data((SigningKey().publicKey.id.hex + "\n").utf8))
        try RecordFile.write(envelope, to: directory.requestPath)
        return envelope
    }

    /// Reads and verifies the enrollment request; it must be signed by the key it names.
    public func loadRequest() throws -> Verified<EnrollmentRequest> {
        let envelope = try RecordFile.readEnvelope(requestPath)
        guard case .enrollmentRequest(let request) = try SignedFact(verifying: envelope) else {
            throw IdentityError.fileCorrupt(path: requestPath, reason: "holds a \(envelope.kind.displayName), not an enrollment request")
        }
        guard request.signer.raw == Array(request.record.nodePublicKey) else {
            throw IdentityError.fileCorrupt(path: requestPath, reason: "signed by a key other than the one it asks to enroll")
        }
        guard TLSKey.isPublicKey(request.record.tlsPublicKey) else {
            throw IdentityError.fileCorrupt(path: requestPath, reason: "names no ECDSA P-256 TLS key (a version 1 request: run `vantage node init` again)")
        }
        return request
    }
}

extension MeshAdmin {
    /// Enrolls the node in `node`: verifies its request, signs the enrollment, issues its TLS
    /// certificate and writes both with the mesh's public files into the node folder.
    public func enroll(node: NodeDirectory, now: Date, validity: TimeInterval) throws -> Verified<Enrollment> {
        let request = try node.loadRequest()
        let notAfter = now.addingTimeInterval(validity)
        return try install(enroll(request, notBefore: now, notAfter: notAfter), into: node, notBefore: now, notAfter: notAfter)
    }

    /// Renews the enrollment in `node`: the same key, country, ASN and ISP — the same vantage
    /// point — valid from `now` for `validity`, with a new certificate for as long. The node's
    /// current enrollment file must be one this mesh's root signed.
    public func renew(node: NodeDirectory, now: Date, validity: TimeInterval) throws -> Verified<Enrollment> {
        guard case .enrollment(let current) = try SignedFact(verifying: RecordFile.readEnvelope(node.enrollmentPath)),
              current.signer == rootKey.publicKey else {
            throw IdentityError.fileCorrupt(path: node.enrollmentPath, reason: "not an enrollment signed by this mesh's root")
        }
        var renewed = current.record
        let notAfter = now.addingTimeInterval(validity)
        renewed.notBeforeMs = now.unixMilliseconds
        renewed.notAfterMs = notAfter.unixMilliseconds
        return try install(rootKey.sign(renewed), into: node, notBefore: now, notAfter: notAfter)
    }

    /// Writes a signed enrollment, a certificate for the TLS key it binds from `notBefore` to
    /// `notAfter` and the mesh's public files into the node folder.
    private func install(_ envelope: Envelope, into node: NodeDirectory, notBefore: Date, notAfter: Date) throws -> Verified<Enrollment> {
        guard case .enrollment(let enrollment) = try SignedFact(verifying: envelope), TLSKey.isPublicKey(enrollment.record.tlsPublicKey) else {
            throw IdentityError.fileCorrupt(path: node.enrollmentPath, reason: "binds no ECDSA P-256 TLS key (a version 1 enrollment: enroll the node again)")
        }
        let certificate = try ca.issueNodeCertificate(for: TLSPeer(id: Hash256.of(Array(enrollment.record.nodePublicKey)), tlsKey: enrollment.record.tlsPublicKey),
                                                      notBefore: notBefore, notAfter: notAfter)
        try RecordFile.write(envelope, to: node.enrollmentPath)
        try certificate.pemText().write(toFile: node.certificatePath, atomically: true, encoding: .utf8)
        try ca.certificate.pemText().write(toFile: node.caCertificatePath, atomically: true, encoding: .utf8)
        try description.write(to: node.meshDescriptionPath)
        guard case .enrollment(let verified) = try SignedFact(verifying: envelope) else {
            preconditionFailure("a freshly signed enrollment must verify as an enrollment")
        }
        return verified
    }
}
