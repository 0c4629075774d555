import Foundation
import X509

/// The coordinator's mesh folder: `root.key` and `ca.key` (secret, 0600), `ca.pem` and `mesh.json` (public).
public struct MeshDirectory: Sendable {
    /// The folder.
    public let path: String

    /// Names the folder; nothing is read until asked.
    public init(path: String) { self.path = path }

    /// The mesh root key (signs enrollments, revocations, campaigns).
    public var rootKeyPath: String { path + "/root.key" }
    /// The CA key (signs node TLS certificates).
    public var caKeyPath: String { path + "/ca.key" }
    /// The CA certificate, PEM.
    public var caCertificatePath: String { path + "/ca.pem" }
    /// The public mesh description.
    public var descriptionPath: String { path + "/mesh.json" }

    /// Creates a new mesh: root key, CA key and certificate, description. Refuses an existing mesh.
    @discardableResult
    public static func create(at path: String, name: String, now: Date) throws -> MeshAdmin {
        let directory = MeshDirectory(path: path)
        if FileManager.default.fileExists(atPath: directory.descriptionPath) {
            throw IdentityError.fileExists(path: directory.descriptionPath)
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let rootKey = SigningKey()
        let caKey = SigningKey()
        let description = MeshDescription(name: name, rootKey: rootKey.publicKey, created: now)
        let ca = try MeshCertificateAuthority.create(meshID: rootKey.publicKey.id, key: caKey, now: now)
        try KeyFile.write(rootKey, to: directory.rootKeyPath)
        try KeyFile.write(caKey, to: directory.caKeyPath)
        try ca.certificate.pemText().write(toFile: directory.caCertificatePath, atomically: true, encoding: .utf8)
        try description.write(to: directory.descriptionPath)
        return MeshAdmin(rootKey: rootKey, description: description, ca: ca)
    }

    /// Loads the admin's keys and checks they belong together.
    public func loadAdmin() throws -> MeshAdmin {
        let description = try MeshDescription.read(descriptionPath)
        let rootKey = try KeyFile.read(rootKeyPath)
        guard rootKey.publicKey == (try description.rootKey(path: descriptionPath)) else {
            throw IdentityError.keyFileCorrupt(path: rootKeyPath, reason: "it is not the root key named in \(descriptionPath)")
        }
        let caKey = try KeyFile.read(caKeyPath)
        let certificate = try Certificate.parse(pem: try readText(caCertificatePath), path: caCertificatePath)
        guard certificate.ed25519PublicKey == caKey.publicKey else {
            throw IdentityError.keyFileCorrupt(path: caKeyPath, reason: "it does not match the certificate \(caCertificatePath)")
        }
        return MeshAdmin(rootKey: rootKey, description: description,
                         ca: MeshCertificateAuthority(key: caKey, certificate: certificate))
    }
}

/// Reads a UTF-8 text file, naming the path when it is missing or not text.
func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw IdentityError.fileMissing(path: path)
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw IdentityError.fileCorrupt(path: path, reason: "not UTF-8 text")
    }
    return text
}
