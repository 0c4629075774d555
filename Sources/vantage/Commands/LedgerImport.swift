import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity
import VantageLedger
import VantageWire

/// `vantage ledger import --node NODE FILE`.
struct LedgerImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a ledger file into a node, verifying every fact.",
        discussion: """
            When the node's agent runs, the file goes through its API and the merged facts spread by \
            gossip; otherwise the node's store is updated directly. Refused facts are listed with the \
            reason; the rest are merged. Exit code 1 when any fact was refused.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The node folder.", valueName: "NODE"))
    var node: String

    @Argument(help: ArgumentHelp("A ledger file from `vantage ledger export`.", valueName: "FILE"))
    var file: String

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file) does not exist or cannot be read") }
        guard case .ledger(let snapshot) = try RecordFile.decode(data, path: file) else {
            throw CommandFailure("\(file) is not a ledger file (vantage-ledger-v2)")
        }
        let report: SubmitReport
        if let client = try? AgentClient(node: node), let reply = try? await client.publish(file: data) {
            report = reply
        } else {
            let applied = try LedgerTransfer.importOffline(node: node, snapshot: snapshot)
            report = SubmitReport(accepted: applied.added + applied.duplicates + applied.held + applied.equivocations,
                                  refused: applied.refused.count, batches: 0, errors: applied.refused.map(\.description))
        }
        if json { try printJSON(report) } else { printReport(report, noun: "facts") }
        if report.refused > 0 { throw ExitCode.failure }
    }
}
