import Foundation

/// The public description of a mesh (`mesh.json`): safe to hand to every node and observer.
public struct MeshDescription: Codable, Sendable, Equatable {
    /// File format marker.
    public var format: String = "vantage-mesh-v1"
    /// A name people use for the mesh.
    public var name: String
    /// SHA-256 of the root public key, hex.
    public var meshID: String
    /// The mesh root's raw Ed25519 public key, hex.
    public var rootPublicKey: String
    /// When the mesh was created, RFC 3339.
    public var created: String

    enum CodingKeys: String, CodingKey {
        case format, name, created
        case meshID = "mesh_id"
        case rootPublicKey = "root_public_key"
    }

    /// Describes a mesh by its root key.
    public init(name: String, rootKey: PublicKey, created: Date) {
        self.name = name
        self.meshID = rootKey.id.hex
        self.rootPublicKey = rootKey.description
        self.created = created.rfc3339
    }

    /// The root key, checked against the mesh id.
    public func rootKey(path: String) throws -> PublicKey {
        guard let raw = Hex.decode(rootPublicKey), let key = try? PublicKey(raw: raw) else {
            throw IdentityError.fileCorrupt(path: path, reason: "root_public_key is not a 32-byte hex Ed25519 key")
        }
        guard key.id.hex == meshID.lowercased() else {
            throw IdentityError.fileCorrupt(path: path, reason: "mesh_id is not the SHA-256 of root_public_key")
        }
        return key
    }

    /// Reads and checks a mesh.json file.
    public static func read(_ path: String) throws -> MeshDescription {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError.fileMissing(path: path)
        }
        let description: MeshDescription
        do {
            description = try JSONDecoder().decode(MeshDescription.self, from: data)
        } catch {
            throw IdentityError.fileCorrupt(path: path, reason: "not a mesh description: \(error)")
        }
        guard description.format == "vantage-mesh-v1" else {
            throw IdentityError.fileCorrupt(path: path, reason: "unknown format \(description.format)")
        }
        _ = try description.rootKey(path: path)
        return description
    }

    /// Writes the file as indented JSON.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (try encoder.encode(self) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
