import Foundation
import VantageSimulation

/// `vantage simulate --nodes 1000`: gossip rounds until every node holds a new batch, against the
/// epidemic bound log₂N + ln N of push-pull gossip.
public enum SimulationBench {
    public static func run(nodes: Int = 1000) -> BenchReport {
        var report = BenchReport("simulation")
        var simulation = Simulation(SimulationSettings(nodes: nodes, seed: 1, scenario: .calm))
        var outcome: SimulationReport?
        let wall = seconds { outcome = simulation.run() }
        let bound = log2(Double(nodes)) + log(Double(nodes))
        let d = outcome!.delivery
        report.add("nodes", Double(nodes), "")
        report.add("rounds to 100 %, median", d.medianRounds, "rounds", target: "≤ log₂N + ln N = \(String(format: "%.1f", bound))", met: d.medianRounds <= bound)
        report.add("rounds to 100 %, p99", d.p99Rounds, "rounds")
        report.add("rounds to 100 %, max", d.maxRounds, "rounds")
        report.add("bytes per delivered batch", outcome!.bytesPerDeliveredBatch, "bytes")
        report.add("wall time", wall, "s")
        return report
    }
}
