import Foundation
import Testing
import VantageIdentity
import VantageWire
import X509

/// Mesh and node folders: creation, enrollment, certificates that chain to the mesh CA.
@Suite struct MeshDirectoryTests {
    let base = NSTemporaryDirectory() + "vantage-mesh-" + UUID().uuidString
    let now = Date(timeIntervalSince1970: 1_705_755_600)

    @Test func enrollmentProducesAVerifiableRecordAndACertificateForTheNodeKey() throws {
        let admin = try MeshDirectory.create(at: base + "/mesh", name: "pk", now: now)
        let node = NodeDirectory(path: base + "/node")
        try NodeDirectory.create(at: node.path, profile: NodeProfile(country: "PK", asn: 17557, isp: "PTCL"), now: now)
        let loaded = try MeshDirectory(path: base + "/mesh").loadAdmin()
        #expect(loaded.meshID == admin.meshID)
        let enrollment = try loaded.enroll(node: node, now: now, validity: 86_400 * 365)
        #expect(enrollment.signer == admin.rootKey.publicKey)
        #expect(enrollment.record.asn == 17557)
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: node.certificatePath, encoding: .utf8))
        // The certificate holds the P-256 TLS key the enrollment binds, and names the node id.
        #expect(certificate.tlsPeer == TLSPeer(id: Hash256.of(Array(enrollment.record.nodePublicKey)), tlsKey: enrollment.record.tlsPublicKey))
        #expect(TLSKey.isPublicKey(enrollment.record.tlsPublicKey) && certificate.ed25519PublicKey == nil)
        #expect(certificate.issuer == admin.ca.certificate.subject)
        #expect(admin.ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        // Neither certificate names the product (DESIGN.md, "Volunteer safety").
        for named in [certificate, admin.ca.certificate] {
            let der = Data(try named.serializeAsPEM().derBytes)
            #expect(der.range(of: Data("antage".utf8)) == nil && !"\(named)".lowercased().contains("vantage"), "\(named.subject)")
        }
        for secret in [node.keyPath, node.tlsKeyPath, node.apiTokenPath, base + "/mesh/root.key", base + "/mesh/ca.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as! Int
            #expect(mode == 0o600, "\(secret)")
        }
    }

    @Test func secondMeshInitInTheSameFolderIsRefused() throws {
        try MeshDirectory.create(at: base + "/mesh", name: "pk", now: now)
        #expect(throws: IdentityError.fileExists(path: base + "/mesh/mesh.json")) {
            try MeshDirectory.create(at: base + "/mesh", name: "pk", now: now)
        }
    }

    @Test func profileProblemsNameTheFlag() {
        let problems = NodeProfile(country: "pk", asn: 0, isp: String(repeating: "x", count: 201)).problems()
        #expect(problems.count == 3)
        #expect(problems[0].hasPrefix("--country"))
        #expect(problems[1].hasPrefix("--asn"))
        #expect(problems[2].hasPrefix("--isp"))
    }
}
