import Foundation
import VantageSimulation

/// The traffic of a national mesh in the deterministic simulator (real gossip machines and ledgers,
/// in-memory stores): N nodes each sign one campaign round (35 numbered measurements) every 300 s
/// on average, gossip every 10 s (the agent's default) with fanout 2, for a simulated hour; the frame bytes one node
/// receives, per day. With `summaryTier`, nodes sign one window summary of two rounds every 600 s
/// into their summary logs instead, and gossip nothing else: the traffic of an ordinary node once
/// raw batches go only to archivers (SPEC §5.8).
public enum NationalBench {
    public static func run(nodes: Int = 100, hours: Double = 1, summaryTier: Bool = false, archivers: Int = 0, gossipIntervalMs: Int64 = 10_000) -> BenchReport {
        var report = BenchReport(archivers > 0 ? "national traffic, \(archivers) archivers (simulated)"
                                 : summaryTier ? "national traffic, summary tier only (simulated)" : "national traffic (simulated)")
        var settings = SimulationSettings(nodes: nodes, seed: 1, scenario: .calm)
        settings.faultMs = Int64(hours * 3_600_000)
        settings.healBoundMs = 60_000
        settings.gossip.intervalMs = gossipIntervalMs
        if summaryTier {
            settings.summaryTier = true
            settings.batchesPerSecond = Double(nodes) / Double(CampaignRound.windowSeconds)
        } else {
            settings.batchesPerSecond = Double(nodes) / Double(CampaignRound.intervalSeconds)
            settings.measurementsPerBatch = CampaignRound.targets.count * CampaignRound.probes.count
            settings.archivers = archivers
        }
        var simulation = Simulation(settings)
        var outcome: SimulationReport?
        let wall = seconds { outcome = simulation.run() }
        let o = outcome!
        let perDay = 24 / hours
        let received = Double(o.bytesReceivedMedian) * perDay
        report.add("nodes", Double(nodes), "")
        // A summary stands for two rounds of the campaign.
        let measurements = summaryTier ? o.batches * 2 * CampaignRound.targets.count * CampaignRound.probes.count : o.measurements
        report.add(summaryTier ? "measurements summarised (all nodes)" : "measurements signed (all nodes)", Double(measurements), "")
        report.add(summaryTier ? "signed bytes per summary batch" : "signed bytes per batch", Double(o.signedBatchBytes) / Double(max(1, o.batches)), "bytes")
        if nodes >= 500 {
            report.add("received per node per day, median", received / 1_000_000, "MB", target: "≤ 30 MB", met: received <= 30_000_000)
        } else {
            report.add("received per node per day, median", received / 1_000_000, "MB")
        }
        report.add("received per node per day, max", Double(o.bytesReceivedMax) * perDay / 1_000_000, "MB")
        let sent = Double(o.bytesSentMedian) * perDay
        if nodes >= 500 {
            report.add("sent per node per day, median", sent / 1_000_000, "MB", target: "≤ 30 MB", met: sent <= 30_000_000)
        } else {
            report.add("sent per node per day, median", sent / 1_000_000, "MB")
        }
        report.add("sent per node per day, max", Double(o.bytesSentMax) * perDay / 1_000_000, "MB")
        report.add("received per node per day with TLS and TCP/IP (estimate)", Double(o.wireBytesReceivedMedian) * perDay / 1_000_000, "MB")
        report.add("  the same, sent", Double(o.wireBytesSentMedian) * perDay / 1_000_000, "MB")
        if archivers > 0 {
            // An archiver stores every batch but its own.
            let stored = Double(o.signedBatchBytes) * Double(nodes - 1) / Double(nodes)
            let ratio = Double(o.bytesReceivedArchiverMedian) / stored
            report.add("received per archiver per day, median", Double(o.bytesReceivedArchiverMedian) * perDay / 1_000_000, "MB")
            report.add("archiver: frame bytes received ÷ signed bytes stored", ratio, "", target: "≤ 1.10", met: ratio <= 1.10)
        }
        report.add("received per measurement made anywhere", Double(o.bytesReceivedMedian) / Double(max(1, measurements)), "bytes")
        let logN = log2(Double(nodes))
        if let reach = o.summaryDelivery {
            // Summaries are what every node must hold: they are the target (raw batches reach archivers by pushes).
            report.add("a summary reaching every node, median", reach.medianRounds, "rounds",
                       target: "≤ log₂N = \(String(format: "%.1f", logN))", met: reach.medianRounds <= logN)
            let windowMs = Int64(CampaignRound.windowSeconds) * 1000
            report.add("a summary reaching every node, p99 / max", Double(reach.p99Ms) / 1000, "s",
                       target: "max within one window (\(windowMs / 1000) s)", met: reach.maxMs <= windowMs)
            report.add("  the same, max", Double(reach.maxMs) / 1000, "s")
        } else {
            report.add("a batch reaching every node, median", o.delivery.medianRounds, "rounds",
                       target: "≤ log₂N = \(String(format: "%.1f", logN))", met: o.delivery.medianRounds <= logN)
        }
        for (kind, bytes) in o.bytesReceivedByKind.sorted(by: { $0.key < $1.key }) {
            report.add("  of which \(kind), per node per day", Double(bytes) / Double(nodes - archivers) * perDay / 1_000_000, "MB")
        }
        for (kind, bytes) in o.archiverBytesByKind.sorted(by: { $0.key < $1.key }) {
            report.add("  archiver: of which \(kind), per day", Double(bytes) / Double(archivers) * perDay / 1_000_000, "MB")
        }
        report.add("converged after the last batch", o.converged ? 1 : 0, "", target: "1", met: o.converged)
        report.add("wall time", wall, "s")
        report.notes.append("simulated \(hours) h (per day: × \(String(format: "%.0f", perDay))); frame bytes are length prefix + protobuf, without TLS and TCP (the estimate with them: one TLS 1.3 record of 22 bytes more per frame, 52 bytes of TCP/IPv4 headers per segment of at most \(NodeTraffic.segmentPayloadBytes) bytes, a delayed ACK per two segments the other way); gossip every \(String(format: "%.1f", Double(gossipIntervalMs) / 1000)) s, fanout 2, \(settings.links) links per node")
        if nodes < 500 { report.notes.append("N = \(nodes): the target is for N = 500 (vantage bench national --nodes 500, minutes of CPU)") }
        return report
    }
}
