import Foundation

/// A mesh folder and enrolled node folders under one base folder, made with the same calls as
/// `vantage mesh init`, `node init` and `admin enroll`: for the demo and for tests.
public enum LocalMesh {
    /// Creates `base/mesh` and one enrolled node folder `base/NAME` per entry, enrolled from
    /// `enrolledSince` (default: a minute ago; a replayed day needs enrollments covering it) until a
    /// day from now.
    public static func create(at base: String, name: String, nodes: [(name: String, profile: NodeProfile)],
                              now: Date, enrolledSince: Date? = nil) throws -> (mesh: MeshDirectory, nodes: [NodeDirectory]) {
        let admin = try MeshDirectory.create(at: base + "/mesh", name: name, now: now)
        let since = enrolledSince ?? now.addingTimeInterval(-60)
        var folders: [NodeDirectory] = []
        for (nodeName, profile) in nodes {
            let node = NodeDirectory(path: base + "/" + nodeName)
            try NodeDirectory.create(at: node.path, profile: profile, now: now)
            _ = try admin.enroll(node: node, now: since, validity: now.timeIntervalSince(since) + 86_400)
            folders.append(node)
        }
        return (MeshDirectory(path: base + "/mesh"), folders)
    }
}
