import Testing
import VantageSimulation

/// Fixed seeds across every scenario: all checkers must pass. A failure names the command that
/// reproduces it.
@Suite struct SimulationTests {
    static let seedsPerScenario: UInt64 = 19  // 11 scenarios × 19 seeds = 209 runs

    @Test(arguments: Scenario.allCases)
    func everySeedConvergesWithAllCheckersPassing(_ scenario: Scenario) async {
        for seed in 1...Self.seedsPerScenario {
            await Task.yield()
            var simulation = Simulation(SimulationSettings(nodes: 12, seed: seed, scenario: scenario))
            let report = simulation.run()
            let failed = report.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
            #expect(failed.isEmpty, "reproduce: \(report.reproduce)\n\(failed.joined(separator: "\n"))")
        }
    }

    @Test func sameSeedSameRun() {
        var first = Simulation(SimulationSettings(nodes: 20, seed: 42, scenario: .chaos))
        var second = Simulation(SimulationSettings(nodes: 20, seed: 42, scenario: .chaos))
        #expect(first.run() == second.run())
    }

    @Test func partitionDelaysDeliveryUntilHeal() {
        var calm = Simulation(SimulationSettings(nodes: 16, seed: 7, scenario: .calm))
        var cut = Simulation(SimulationSettings(nodes: 16, seed: 7, scenario: .halves))
        let calmReport = calm.run(), cutReport = cut.run()
        #expect(calmReport.passed && cutReport.passed)
        #expect(cutReport.delivery.maxMs > calmReport.delivery.maxMs, "batches signed during the cut wait for the heal")
    }
}
