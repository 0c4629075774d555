import Foundation
import VantageIdentity

/// Real mesh and node folders on disk, made with the same library calls as the CLI, for tests
/// that need certificates and keys.
public struct MeshFolders: Sendable {
    /// The base folder.
    public let base: URL
    /// The mesh folder.
    public let mesh: MeshDirectory
    /// The node folders, in the order asked for.
    public let nodes: [NodeDirectory]

    /// Names existing folders (e.g. a subset of another `MeshFolders`' nodes).
    public init(base: URL, mesh: MeshDirectory, nodes: [NodeDirectory]) {
        self.base = base
        self.mesh = mesh
        self.nodes = nodes
    }

    /// Creates a mesh and enrolls one node per (name, asn).
    public static func create(_ label: String, nodes specs: [(String, UInt32)], country: String = "PK") throws -> MeshFolders {
        let base = CommandRunner.temporaryDirectory(label)
        let (mesh, nodes) = try LocalMesh.create(at: base.path, name: label, nodes: specs.map { ($0.0, NodeProfile(country: country, asn: $0.1, isp: $0.0)) },
                                                 now: Date())
        return MeshFolders(base: base, mesh: mesh, nodes: nodes)
    }
}
