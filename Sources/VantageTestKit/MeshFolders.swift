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

    /// The day the tests' measurement lines are from: 2024-01-20, and a day before it.
    public static let testDataSince = Date(unixMilliseconds: 1_705_622_400_000)

    /// Creates a mesh and enrolls one node per (name, asn), enrolled since the tests' data day.
    public static func create(_ label: String, nodes specs: [(String, UInt32)], country: String = "PK") throws -> MeshFolders {
        let base = CommandRunner.temporaryDirectory(label)
        let (mesh, nodes) = try LocalMesh.create(at: base.path, name: label, nodes: specs.map { ($0.0, NodeProfile(country: country, asn: $0.1, isp: $0.0)) },
                                                 now: Date(), enrolledSince: testDataSince)
        return MeshFolders(base: base, mesh: mesh, nodes: nodes)
    }
}
