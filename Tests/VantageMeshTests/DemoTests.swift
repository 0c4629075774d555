import Foundation
import Testing
import VantageDemo
import VantageTestKit

/// `vantage demo` end to end: 12 real agents, the replayed day, the verdict and equal digests.
extension MeshSuite {
@Suite struct DemoTests {
    @Test func theDemoEndsWithANationScaleVerdictAndEqualDigests() throws {
        let runner = try CommandRunner(directory: CommandRunner.temporaryDirectory("demo"))
        let result = try runner.run("demo", "--exit", "--json", "--step", "300ms")
        #expect(result.status == 0, "\(result.stderr)")
        let outcome = try JSONDecoder().decode(DemoOutcome.self, from: Data(result.stdout.utf8))
        #expect(outcome.nodes.count == 12)
        #expect(outcome.digestsEqual, "\(outcome.nodes.map { $0.summaryDigest.prefix(12) })")
        // Two tiers: the controls abroad archive every raw batch, each ISP node keeps its own.
        #expect(outcome.nodes.filter(\.archiver).map(\.name) == ["de-dtag", "nl-kpn"])
        #expect(outcome.nodes.allSatisfy { $0.rawBatches == ($0.archiver ? 24 * 12 : 24) }, "\(outcome.nodes.map { "\($0.name) \($0.rawBatches)" })")
        // The report exported from an ISP node carries raw evidence fetched from the archivers.
        let report = try #require(outcome.report)
        #expect(report.verified, "\(report.failing)")
        #expect(report.rawBatches > 24, "\(report.rawBatches) raw batches: more than the exporting node's own")
        let nation = outcome.verdicts.verdicts.filter { $0.scope == .nation }
        #expect(nation.count == 1 && outcome.verdicts.verdicts.count == 1, "\(outcome.verdicts.verdicts.map(\.sentence))")
        #expect(nation.first?.targets == ["facebook", "instagram", "x", "youtube"])
        #expect(nation.first?.asnsAffected == 9 && nation.first?.asnsObserved == 10)
        #expect(nation.first?.start == "2024-01-20T13:00:00Z" && nation.first?.end == "2024-01-20T17:30:00Z")
        #expect(!FileManager.default.fileExists(atPath: outcome.folder), "the throwaway mesh is removed")
    }
}
}
