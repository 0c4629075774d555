import ArgumentParser

/// `vantage admin …`: the coordinator's signed decisions.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Coordinator work: enroll and revoke nodes, sign campaigns with the mesh root key, publish signed facts.",
        subcommands: [AdminEnroll.self, AdminRenew.self, AdminRevoke.self, AdminCampaign.self, AdminPublish.self]
    )
}

/// `--mesh MESH`, shared by admin commands.
struct MeshOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The mesh folder made by `vantage mesh init`.", valueName: "MESH"))
    var mesh: String
}
