import ArgumentParser

/// `vantage ledger …`: read Vantage files.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Read envelope and ledger files.",
        subcommands: [LedgerInspect.self]
    )
}
