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
        if json {
            try printJSON(["facts": snapshot.facts.count, "batches": batches, "proofs": snapshot.proofs.count])
        } else {
            print("wrote \(out): \(snapshot.facts.count) signed facts (\(batches) batches), \(snapshot.proofs.count) equivocation proofs")
        }
    }
}

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
            throw CommandFailure("\(file) is not a ledger file (vantage-ledger-v1)")
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
