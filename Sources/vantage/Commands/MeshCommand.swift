import ArgumentParser

/// `vantage mesh …`: the coordinator's mesh.
struct MeshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh",
        abstract: "Create a mesh: its root key, its certificate authority, its public description.",
        subcommands: [MeshInit.self]
    )
}
