import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity
import VantageLedger
import VantageWire

/// `vantage ledger vector --node NODE --out FILE`.
struct LedgerVector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector",
        abstract: "Write what a node holds (its version vector), for another node's `export --since`."
    )

    @Option(name: .long, help: ArgumentHelp("The node folder.", valueName: "NODE"))
    var node: String

    @Option(name: .long, help: ArgumentHelp("The vector file to write.", valueName: "FILE"))
    var out: String

    func run() async throws {
        let vector = try LedgerTransfer.ledger(ofNode: node).versionVector
        try RecordFile.write(RecordFile.encode(vector.message), to: out)
        print("wrote \(out): \(vector.entries.count) origins")
    }
}
