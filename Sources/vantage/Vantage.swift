import ArgumentParser

/// The root command: only dispatches to subcommands.
@main
struct Vantage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vantage",
        abstract: "Vantage: signed, gossiped evidence of network disruptions from volunteer nodes in many ISPs.",
        discussion: """
            A coordinator creates a mesh (`vantage mesh init`), each volunteer creates a node \
            (`vantage node init`), the coordinator enrolls it (`vantage admin enroll`). \
            Every file Vantage writes can be read back with `vantage ledger inspect`.

            Exit codes: 0 success; 1 the command failed (the message says why and names the file or \
            flag); 64 the command line was wrong.
            """,
        subcommands: [MeshCommand.self, NodeCommand.self, AdminCommand.self, AgentCommand.self, StatusCommand.self,
                      PeersCommand.self, SubmitCommand.self, ProbeCommand.self, DemoCommand.self, BenchCommand.self, ScoreCommand.self, VerdictsCommand.self, ReportCommand.self, LedgerCommand.self,
                      SimulateCommand.self]
    )
}
