import ArgumentParser
import Foundation
import VantageIdentity

/// `vantage mesh init --dir MESH [--name NAME]`.
struct MeshInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new mesh in a folder.",
        discussion: """
            Writes MESH/root.key (the mesh root key: signs enrollments, revocations and campaigns), \
            MESH/ca.key and MESH/ca.pem (the certificate authority for the nodes' TLS certificates) \
            and MESH/mesh.json (the public description every node receives). The two keys are \
            secret (mode 0600): keep them off the nodes. Refuses a folder that already holds a mesh.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Folder to create the mesh in.", valueName: "MESH"))
    var dir: String

    @Option(name: .long, help: "A name for the mesh, shown to people (default: the folder's name).")
    var name: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let meshName = name ?? URL(fileURLWithPath: dir).lastPathComponent
        let admin = try MeshDirectory.create(at: dir, name: meshName, now: Date())
        let files = MeshDirectory(path: dir)
        if json {
            try printJSON(admin.description)
            return
        }
        print("""
            created mesh "\(meshName)" in \(dir)
              mesh id    \(admin.meshID.hex)
              root key   \(files.rootKeyPath)  (secret, mode 0600)
              CA         \(files.caCertificatePath)  (key \(files.caKeyPath), secret)
              public     \(files.descriptionPath)
            next: each volunteer runs `vantage node init --dir NODE --country CC --asn N`,
                  then you run `vantage admin enroll --mesh \(dir) --node NODE`
            """)
    }
}
