import ArgumentParser
import Foundation
import VantageSimulation

/// `vantage simulate --nodes N --seed S [--scenario NAME] [--json]`.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the deterministic mesh simulator: real gossip and ledgers, simulated network and faults.",
        discussion: """
            A run has a fault phase (20 virtual seconds) and a heal phase in which every node must \
            reach the same ledger digest. The same seed and scenario always give the same run. \
            Scenarios: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")). Exit code 1 \
            when a checker fails; the output then says how to reproduce the run.
            """
    )

    @Option(name: .long, help: "Number of nodes.")
    var nodes: Int = 100

    @Option(name: .long, help: "Seed of the run's generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Fault schedule.", valueName: "NAME"))
    var scenario: String = Scenario.calm.rawValue

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func validate() throws {
        guard (2...100_000).contains(nodes) else { throw ValidationError("--nodes: \(nodes) is not between 2 and 100000") }
        guard Scenario(rawValue: scenario) != nil else {
            throw ValidationError("--scenario: unknown '\(scenario)'; one of \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let started = Date()
        var simulation = Simulation(SimulationSettings(nodes: nodes, seed: seed, scenario: Scenario(rawValue: scenario)!))
        let bar = ProgressBar("simulating \(nodes) nodes", total: 1000, rate: nil)
        let report = simulation.run { now, bound in bar.update(Int(now * 1000 / max(1, bound))) }
        bar.finish("done")
        let wall = Date().timeIntervalSince(started)
        if json {
            try printJSON(report)
        } else {
            let d = report.delivery
            print("""
                simulate  \(report.nodes) nodes, scenario \(report.scenario.rawValue), seed \(report.seed): \(report.batches) batches, \(String(format: "%.1f", Double(report.virtualMs) / 1000)) virtual s in \(String(format: "%.1f", wall)) s
                to 100 %  median \(d.medianMs) ms (\(String(format: "%.1f", d.medianRounds)) rounds), p99 \(d.p99Ms) ms (\(String(format: "%.1f", d.p99Rounds)) rounds), max \(d.maxMs) ms (\(String(format: "%.1f", d.maxRounds)) rounds)
                heal      \(report.healToConvergenceMs.map { "converged \($0) ms after heal" } ?? "did NOT converge")
                bytes     \(report.bytesSent) sent, \(String(format: "%.0f", report.bytesPerDeliveredBatch)) per delivered batch (\(report.deliveries) deliveries)
                """)
            for check in report.checks { print("\(check.passed ? "ok  " : "FAIL")      \(check.name): \(check.detail)") }
        }
        if !report.passed {
            FileHandle.standardError.write(Data("reproduce: \(report.reproduce)\n".utf8))
            throw ExitCode.failure
        }
    }
}
