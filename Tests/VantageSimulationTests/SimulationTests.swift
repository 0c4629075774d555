import Testing
import VantageSimulation

/// Fixed seeds across every scenario: all checkers must pass. A failure names the command that
/// reproduces it.
@Suite struct SimulationTests {
    static let seedsPerScenario: UInt64 = 19  // 11 scenarios × 19 seeds = 209 runs

    /// Runs one simulation, then yields, so the sweep holds at most one of the cooperative threads
    /// that other suites' real-process tests wait on, and only briefly.
    static func run(_ settings: SimulationSettings) async -> SimulationReport {
        var simulation = Simulation(settings)
        let report = simulation.run()
        await Task.yield()
        return report
    }

    @Test func everySeedOfEveryScenarioConvergesWithAllCheckersPassing() async {
        for scenario in Scenario.allCases {
            for seed in 1...Self.seedsPerScenario {
                let report = await Self.run(SimulationSettings(nodes: 12, seed: seed, scenario: scenario))
                let failed = report.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
                #expect(failed.isEmpty, "reproduce: \(report.reproduce)\n\(failed.joined(separator: "\n"))")
            }
        }
    }

    @Test func sameSeedSameRun() async {
        let first = await Self.run(SimulationSettings(nodes: 20, seed: 42, scenario: .chaos))
        let second = await Self.run(SimulationSettings(nodes: 20, seed: 42, scenario: .chaos))
        #expect(first == second)
    }

    @Test func partitionDelaysDeliveryUntilHeal() async {
        let calmReport = await Self.run(SimulationSettings(nodes: 16, seed: 7, scenario: .calm))
        let cutReport = await Self.run(SimulationSettings(nodes: 16, seed: 7, scenario: .halves))
        #expect(calmReport.passed && cutReport.passed)
        #expect(cutReport.delivery.maxMs > calmReport.delivery.maxMs, "batches signed during the cut wait for the heal")
    }
}
