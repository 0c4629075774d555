import Foundation
import VantageSimulation

/// The traffic of a national mesh in the deterministic simulator (real gossip machines and ledgers,
/// in-memory stores): N nodes each sign one campaign round (35 numbered measurements) every 300 s
/// on average, gossip every second with fanout 2, for a simulated hour; the frame bytes one node
/// receives, per day. Today every node receives every raw batch; the two tiers of DESIGN.md are
/// what will bring this under the target.
public enum NationalBench {
    public static func run(nodes: Int = 100, hours: Double = 1) -> BenchReport {
        var report = BenchReport("national traffic (simulated)")
        var settings = SimulationSettings(nodes: nodes, seed: 1, scenario: .calm)
        settings.faultMs = Int64(hours * 3_600_000)
        settings.healBoundMs = 60_000
        settings.batchesPerSecond = Double(nodes) / Double(CampaignRound.intervalSeconds)
        settings.measurementsPerBatch = CampaignRound.targets.count * CampaignRound.probes.count
        var simulation = Simulation(settings)
        var outcome: SimulationReport?
        let wall = seconds { outcome = simulation.run() }
        let o = outcome!
        let perDay = 24 / hours
        let received = Double(o.bytesReceivedMedian) * perDay
        report.add("nodes", Double(nodes), "")
        report.add("measurements signed (all nodes)", Double(o.measurements), "")
        if nodes >= 500 {
            report.add("received per node per day, median", received / 1_000_000, "MB", target: "≤ 30 MB", met: received <= 30_000_000)
        } else {
            report.add("received per node per day, median", received / 1_000_000, "MB")
        }
        report.add("received per node per day, max", Double(o.bytesReceivedMax) * perDay / 1_000_000, "MB")
        report.add("received per measurement made anywhere", Double(o.bytesReceivedMedian) / Double(max(1, o.measurements)), "bytes")
        for (kind, bytes) in o.bytesReceivedByKind.sorted(by: { $0.key < $1.key }) {
            report.add("  of which \(kind), per node per day", Double(bytes) / Double(nodes) * perDay / 1_000_000, "MB")
        }
        report.add("converged after the last batch", o.converged ? 1 : 0, "", target: "1", met: o.converged)
        report.add("wall time", wall, "s")
        report.notes.append("simulated \(hours) h (per day: × \(String(format: "%.0f", perDay))); frame bytes are length prefix + protobuf, without TLS and TCP; gossip every 1 s, fanout 2, \(settings.links) links per node")
        if nodes < 500 { report.notes.append("N = \(nodes): the target is for N = 500 (vantage bench national --nodes 500, minutes of CPU)") }
        return report
    }
}
