import ArgumentParser
import Foundation
import VantageBench

/// `vantage bench [NAME] [--json]`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure: ingest, sync bytes, propagation vs serf, scoring, the ledger on disk, an ordinary node's summaries, verdict latency, simulation, national traffic.",
        discussion: """
            Prints figures next to their targets; build with -c release first (swift build -c release). \
            Without NAME every benchmark runs. The propagation benchmark compares with Debian's serf \
            (apt-get install serf) when it is installed.
            """
    )

    static let names = ["ingest", "sync", "propagation", "scoring", "ledger", "summaries", "latency", "simulation", "national"]

    @Argument(help: ArgumentHelp("One of ingest, sync, propagation, scoring, ledger, summaries, latency, simulation, national.", valueName: "NAME"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Measurements the ledger benchmark's large store holds (the small one holds a tenth).", valueName: "N"))
    var measurements = 10_000_000

    @Option(name: .long, help: ArgumentHelp("Nodes of the national traffic simulation (default 100) and of the summaries bench (default 500).", valueName: "N"))
    var nodes: Int?

    @Flag(name: .long, help: "National traffic: nodes gossip only window summaries (an ordinary node's traffic under the two tiers).")
    var summaryTier = false

    @Option(name: .long, help: ArgumentHelp("National traffic with this many archivers (SPEC §7.4): every node signs raw rounds and their summaries; raw batches go to archivers only.", valueName: "K"))
    var archivers = 0

    @Option(name: .long, help: ArgumentHelp("National traffic: the anti-entropy interval in ms (default 10000, the agent's).", valueName: "MS"))
    var gossipIntervalMs: Int64 = 10_000

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func validate() throws {
        if let name, !Self.names.contains(name) { throw ValidationError("'\(name)' is not one of \(Self.names.joined(separator: ", "))") }
        if measurements < 100_000 { throw ValidationError("--measurements must be at least 100000") }
        if let nodes, nodes < 2 { throw ValidationError("--nodes must be at least 2") }
        if gossipIntervalMs < 100 { throw ValidationError("--gossip-interval-ms must be at least 100") }
    }

    func run() async throws {
        var reports: [BenchReport] = []
        for bench in name.map({ [$0] }) ?? Self.names {
            let report: BenchReport
            switch bench {
            case "ingest": report = try IngestBench.run()
            case "sync": report = try await NodeBenches.sync()
            case "propagation": report = try await PropagationBench.run()
            case "scoring": report = ScoringBench.run()
            case "ledger": report = try await LedgerBench.run(measurements: measurements)
            case "summaries": report = try await SummaryLedgerBench.run(nodes: nodes ?? 500)
            case "latency": report = try await LatencyBench.run()
            case "national": report = NationalBench.run(nodes: nodes ?? 100, summaryTier: summaryTier, archivers: archivers, gossipIntervalMs: gossipIntervalMs)
            default: report = SimulationBench.run()
            }
            if !json { print(report.text) }
            reports.append(report)
        }
        if json { try printJSON(reports) }
    }
}
