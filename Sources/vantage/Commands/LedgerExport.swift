import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity
import VantageLedger
import VantageWire

/// `vantage ledger export --node NODE [--since FILE] --out FILE`.
struct LedgerExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a node's signed facts to a ledger file: everything, or what a peer is missing.",
        discussion: """
            For a node cut off from the mesh: export onto a USB stick, carry it, import on the other \
            side. With --since (a vector file from `vantage ledger vector`, or a ledger file the peer \
            exported) only what that peer lacks is written. Works while the node's agent runs.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The node folder.", valueName: "NODE"))
    var node: String

    @Option(name: .long, help: ArgumentHelp("What the receiving node already holds (vector or ledger file).", valueName: "FILE"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("The ledger file to write.", valueName: "FILE"))
    var out: String

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        let vector = try since.map { try LedgerTransfer.vector(from: RecordFile.read($0), path: $0) }
        let snapshot = try LedgerTransfer.export(node: node, since: vector)
        try RecordFile.write(RecordFile.encode(snapshot), to: out)
        let batches = snapshot.facts.filter { $0.kind == .batch }.count
        let summaries = snapshot.facts.filter { $0.kind == .batch && BatchPeek.tier($0.payload) == .summary }.count
        if json {
            try printJSON(["facts": snapshot.facts.count, "batches": batches, "summary_batches": summaries, "proofs": snapshot.proofs.count])
        } else {
            print("wrote \(out): \(snapshot.facts.count) signed facts (\(batches) batches, of which \(summaries) of window summaries), \(snapshot.proofs.count) equivocation proofs")
        }
    }
}
