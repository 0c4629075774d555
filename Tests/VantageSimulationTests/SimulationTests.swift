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

    /// A scaled-down national run (`vantage bench national` runs 100 nodes for an hour): 16 nodes
    /// sign campaign rounds for 5 simulated minutes. Every node gets every batch about once (1.25 ×
    /// the signed bytes here, duplicates of concurrent exchanges included), and
    /// version vectors stay a bounded share of the traffic.
    @Test func campaignTrafficDeliversEachBatchAboutOnceToEachNode() async {
        var settings = SimulationSettings(nodes: 16, seed: 3, scenario: .calm)
        settings.faultMs = 300_000
        settings.batchesPerSecond = 16.0 / 60
        settings.measurementsPerBatch = 35
        let report = await Self.run(settings)
        #expect(report.passed, "\(report.checks.filter { !$0.passed })")
        let batchBytes = (report.bytesReceivedByKind["delta"] ?? 0) + (report.bytesReceivedByKind["push"] ?? 0)
        let perNodeShare = Double(batchBytes) / Double(settings.nodes) / Double(report.signedBatchBytes)
        #expect(perNodeShare < 1.4, "each node received \(perNodeShare) × the signed bytes of all batches")
        #expect(perNodeShare > 0.8)
        let vectors = report.bytesReceivedByKind["version_vector"] ?? 0
        #expect(vectors < 3 * batchBytes, "version vectors \(vectors) bytes, batches \(batchBytes) bytes")
    }

    /// The summary tier alone (SPEC §5.8): nodes sign window summaries into their summary logs;
    /// every summary reaches every node (the checkers: a refused one would count as lost), and a summary batch is a
    /// few hundred bytes, so the data an ordinary node receives is a fraction of the raw tier's.
    @Test func summaryLogsReachEveryNodeWithoutRefusals() async {
        var settings = SimulationSettings(nodes: 16, seed: 4, scenario: .calm)
        settings.faultMs = 600_000
        settings.batchesPerSecond = 16.0 / 120
        settings.summaryTier = true
        let report = await Self.run(settings)
        #expect(report.passed, "\(report.checks.filter { !$0.passed })")
        #expect(report.batches >= 60, "\(report.batches) summary batches")
        let perBatch = Double(report.signedBatchBytes) / Double(report.batches)
        #expect(perBatch > 200 && perBatch < 600, "\(perBatch) signed bytes per summary batch")
    }

    @Test func underPartitionsRawLogsReachTheArchiversAndSummariesEveryNode() async {
        var settings = SimulationSettings(nodes: 12, seed: 9, scenario: .halves)
        settings.faultMs = 60_000
        settings.batchesPerSecond = 12.0 / 20
        settings.archivers = 2
        var simulation = Simulation(settings)
        let report = simulation.run()
        // The checkers: every batch held by every node that keeps its log, one summary-tier
        // digest, one digest over the archivers, and no raw batch sent outside its tier.
        #expect(report.passed, "\(report.checks.filter { !$0.passed })")
        #expect(report.batches >= 30)
        // Batches reach a node in deltas and pushes: an archiver receives every raw batch, an
        // ordinary node its own and the summaries. (Whole frame bytes would weigh in the idle
        // exchanges of the heal phase, which both tiers have.)
        let batchBytes = { (kinds: [String: Int], nodes: Int) in Double(kinds["delta", default: 0] + kinds["push", default: 0]) / Double(nodes) }
        let (archiver, ordinary) = (batchBytes(report.archiverBytesByKind, 2), batchBytes(report.bytesReceivedByKind, 10))
        #expect(archiver > 1.5 * ordinary, "batch bytes per archiver \(archiver), per ordinary node \(ordinary)")
    }
}
