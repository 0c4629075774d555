import Dispatch
import Testing
import VantageSimulation

/// Fixed seeds across every scenario: all checkers must pass. A failure names the command that
/// reproduces it.
@Suite struct SimulationTests {
    static let seedsPerScenario: UInt64 = 19  // 11 scenarios × 19 seeds = 209 runs

    /// Runs simulations on one dispatch thread, so the CPU-bound sweep never starves the
    /// cooperative threads that other suites' real-process tests wait on.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    @Test func everySeedOfEveryScenarioConvergesWithAllCheckersPassing() async {
        let failures = await Self.offThePool { () -> [String] in
            var failures: [String] = []
            for scenario in Scenario.allCases {
                for seed in 1...Self.seedsPerScenario {
                    var simulation = Simulation(SimulationSettings(nodes: 12, seed: seed, scenario: scenario))
                    let report = simulation.run()
                    let failed = report.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
                    if !failed.isEmpty { failures.append("reproduce: \(report.reproduce)\n\(failed.joined(separator: "\n"))") }
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func sameSeedSameRun() async {
        let (first, second) = await Self.offThePool {
            var first = Simulation(SimulationSettings(nodes: 20, seed: 42, scenario: .chaos))
            var second = Simulation(SimulationSettings(nodes: 20, seed: 42, scenario: .chaos))
            return (first.run(), second.run())
        }
        #expect(first == second)
    }

    @Test func partitionDelaysDeliveryUntilHeal() async {
        let (calmReport, cutReport) = await Self.offThePool {
            var calm = Simulation(SimulationSettings(nodes: 16, seed: 7, scenario: .calm))
            var cut = Simulation(SimulationSettings(nodes: 16, seed: 7, scenario: .halves))
            return (calm.run(), cut.run())
        }
        #expect(calmReport.passed && cutReport.passed)
        #expect(cutReport.delivery.maxMs > calmReport.delivery.maxMs, "batches signed during the cut wait for the heal")
    }
}
