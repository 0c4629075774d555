import ArgumentParser

/// `vantage ledger …`: read Vantage files.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Read Vantage files; carry a node's facts across a total cut (export, import).",
        subcommands: [LedgerInspect.self, LedgerExport.self, LedgerImport.self, LedgerVector.self]
    )
}
