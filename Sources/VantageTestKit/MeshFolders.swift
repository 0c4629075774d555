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
        let now = Date()
        let admin = try MeshDirectory.create(at: base.appendingPathComponent("mesh").path, name: label, now: now)
        var nodes: [NodeDirectory] = []
        for (name, asn) in specs {
            let node = NodeDirectory(path: base.appendingPathComponent(name).path)
            try NodeDirectory.create(at: node.path, profile: NodeProfile(country: country, asn: asn, isp: name), now: now)
            _ = try admin.enroll(node: node, now: now.addingTimeInterval(-60), validity: 86_400)
            nodes.append(node)
        }
        return MeshFolders(base: base, mesh: MeshDirectory(path: base.appendingPathComponent("mesh").path), nodes: nodes)
    }
}
