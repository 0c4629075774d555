import ArgumentParser

/// `vantage node …`: a volunteer's node.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Create a node (its identity key and the enrollment request for the coordinator), or remove one.",
        subcommands: [NodeInit.self, NodeWipe.self]
    )
}
