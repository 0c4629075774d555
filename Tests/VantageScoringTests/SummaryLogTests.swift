import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageTestKit
import VantageWire

/// Summary logs (SPEC §5.4, §13c): each origin signs its window summaries into a second hash chain,
/// which replicates like the raw log and states exactly what the raw batches summarise.
@Suite struct SummaryLogTests {
    static let nowMs = LedgerScenario.nowMs

    /// A summary batch signing the summaries `scenario`'s ledger computes for `vantage`'s windows.
    static func summaryBatch(_ scenario: inout LedgerScenario, of vantage: String, windows: [Int64], createdMs: Int64) -> Envelope {
        let node = scenario.nodes[vantage]!
        let records = scenario.ledger.summaryRecords(of: node.id, windowStarts: windows)
        return scenario.nodes[vantage]!.nextSummaryBatch(createdMs: createdMs, summaries: records)
    }

    /// Every window start of `observations`.
    static func windows(of observations: [Observation]) -> [Int64] {
        Set(observations.map { floorDiv($0.timeMs, ScenarioData.window) * ScenarioData.window }).sorted()
    }

    /// A scenario of random measurements, its first vantage point and node, that node's first
    /// window and the summaries of it.
    static func firstWindow(seed: UInt64) throws -> (LedgerScenario, String, TestNode, Int64, [WindowSummaryRecord]) {
        let observations = WindowSummaryTests.measurements(seed: seed)
        let scenario = try LedgerScenario(observations)
        let vantage = scenario.nodes.keys.sorted()[0]
        let node = scenario.nodes[vantage]!
        let window = windows(of: observations)[0]
        return (scenario, vantage, node, window, scenario.ledger.summaryRecords(of: node.id, windowStarts: [window]))
    }

    @Test func summariesSignedIntoTheSummaryLogStateWhatTheRawBatchesHold() throws {
        for seed in UInt64(1)...8 {
            let observations = WindowSummaryTests.measurements(seed: seed)
            var scenario = try LedgerScenario(observations)
            let windows = Self.windows(of: observations)
            for vantage in scenario.nodes.keys.sorted() {
                let envelope = Self.summaryBatch(&scenario, of: vantage, windows: windows, createdMs: windows.last! + ScenarioData.window + 60_000)
                #expect(try scenario.ledger.insert(envelope: envelope, nowMs: Self.nowMs) == .added)
            }
            let all = scenario.ledger.observations(in: Int64.min..<Int64.max)
            for (vantage, node) in scenario.nodes {
                let fromRaw = WindowSummary.summarize(all.filter { $0.vantage.hasPrefix(node.id.hex) }, windowMs: ScenarioData.window)
                let signed = scenario.ledger.signedSummaries(of: node.id)
                #expect(!signed.isEmpty)
                #expect(signed == fromRaw, "seed \(seed), \(vantage): the signed summaries differ from the raw batches'")
            }
            #expect(scenario.ledger.origins.count == scenario.nodes.count, "summary logs are not raw origins")
            #expect(scenario.ledger.summaryLogs.count == scenario.nodes.count)
        }
    }

    @Test func aSummaryLogChainsApartFromTheRawLogAndReplicates() throws {
        let observations = WindowSummaryTests.measurements(seed: 11)
        var scenario = try LedgerScenario(observations)
        let vantage = scenario.nodes.keys.sorted()[0]
        let node = scenario.nodes[vantage]!
        let windows = Self.windows(of: observations)
        // Seq 1 of the summary log beside seq 1… of the raw log: two chains, no equivocation.
        let first = Self.summaryBatch(&scenario, of: vantage, windows: Array(windows.prefix(3)), createdMs: windows[2] + 660_000)
        let second = Self.summaryBatch(&scenario, of: vantage, windows: Array(windows.dropFirst(3)), createdMs: windows.last! + 660_000)
        #expect(try scenario.ledger.insert(envelope: first, nowMs: Self.nowMs) == .added)
        #expect(try scenario.ledger.insert(envelope: second, nowMs: Self.nowMs) == .added)
        #expect(scenario.ledger.excluded.isEmpty)
        #expect(scenario.ledger.span(of: node.id.summaryLogID).head.seq == 2)
        #expect(scenario.ledger.versionVector[node.id.summaryLogID]?.headSeq == 2)
        #expect(scenario.ledger.versionVector[node.id] != nil)

        // A replica that has everything but the summaries gets them by a delta, and the digests meet.
        var replica = try LedgerScenario(observations).ledger
        #expect(replica.digest != scenario.ledger.digest)
        let delta = scenario.ledger.delta(since: replica.versionVector)
        #expect(delta.batches.count == 2)
        let report = replica.apply(delta, nowMs: Self.nowMs)
        #expect(report.added == 2 && report.refused.isEmpty)
        #expect(replica.digest == scenario.ledger.digest)
        #expect(replica.signedSummaries(of: node.id) == scenario.ledger.signedSummaries(of: node.id))
    }

    @Test func aLaterSummaryOfAWindowReplacesTheEarlierOne() throws {
        var (scenario, vantage, node, window, records) = try Self.firstWindow(seed: 5)
        let truth = records
        var counts = records[0].targets[0].counts
        counts[0].count += 7
        records[0].targets[0].setCounts(counts)
        let wrong = scenario.nodes[vantage]!.nextSummaryBatch(createdMs: window + 660_000, summaries: records)
        let right = scenario.nodes[vantage]!.nextSummaryBatch(createdMs: window + 720_000, summaries: truth)
        try scenario.ledger.insert(envelope: wrong, nowMs: Self.nowMs)
        #expect(scenario.ledger.signedSummaries(of: node.id)[0].targets[0].outcomes[0].count == truth[0].targets[0].counts[0].count + 7)
        try scenario.ledger.insert(envelope: right, nowMs: Self.nowMs)
        #expect(scenario.ledger.signedSummaries(of: node.id) == truth.map { WindowSummary(record: $0, node: node.id) })
    }

    @Test func malformedSummaryBatchesAreRefusedNamingWhatIsWrong() throws {
        let (scenario, vantage, _, window, good) = try Self.firstWindow(seed: 3)
        func refusal(_ change: (inout Batch) -> Void) -> String {
            let node = scenario.nodes[vantage]!
            var ledger = scenario.ledger
            var batch = node.summaryHead.nextBatch(origin: node.id, createdMs: window + 660_000, measurements: [])
            batch.tier = .summary
            batch.summaries = good
            change(&batch)
            do {
                try ledger.insert(envelope: node.key.sign(batch), nowMs: Self.nowMs)
                return "admitted"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal { _ in } == "admitted")
        #expect(refusal { $0.measurements = [VantageWire.Measurement()] }.contains("a summary batch carries no measurements"))
        #expect(refusal { $0.summaries = [] }.contains("a summary batch without summaries or attestations"))
        #expect(refusal { $0.summaries[0].windowStartMs += 1 }.contains("summary 0: window_start_ms is not a multiple of the window"))
        #expect(refusal { $0.summaries[0].rawHash = Data([1, 2]) }.contains("summary 0: raw_hash is not 32 bytes"))
        #expect(refusal { $0.summaries[0].rawSeqs = [3, 2] }.contains("raw_seqs are not ascending seqs"))
        #expect(refusal { $0.summaries[0].targets.reverse() }.contains("targets are not sorted, numbered ones by number, then named ones by name")
                || good[0].targets.count == 1)
        #expect(refusal { $0.summaries[0].targets[0].target = "" }.contains("targets are not each numbered or named"))
        #expect(refusal { $0.summaries[0].targets[0].target = "<b>@here</b>" }.contains("is not 1 to 64 ASCII letters, digits"))
        #expect(refusal { $0.summaries[0].targets[0].setCounts([]) }.contains("no outcome counted"))
        #expect(refusal { $0.summaries[0].targets[0].outcomes.insert(OutcomeCount.with { $0.outcome = .ok; $0.count = 1 }, at: 0) }
            .contains("outcomes are not positive counts of outcomes other than ok in ascending order"), "ok is counted in its own field")
        #expect(refusal { $0.summaries[0].targets[0].throughputSamples = 10_000 }.contains("more throughput samples than conclusive measurements"))
        #expect(refusal { $0.summaries[0].windowStartMs += 3_600_000 }.contains("the window starts after the batch was created"))
        #expect(refusal { $0.tier = .raw }.contains("a raw batch carries no window summaries"))
        let attestation = scenario.nodes[vantage]!.attestation(windowEndMs: window + 600_000, verdictIDs: ["a", "b"])
        #expect(refusal { $0.attestations = [attestation] } == "admitted", "attestations may go beside summaries")
        #expect(refusal { $0.summaries = []; $0.attestations = [attestation] } == "admitted")
        #expect(refusal { $0.attestations = [attestation]; $0.attestations[0].verdictIds.reverse() }.contains("attestation 0: verdict_ids are not sorted"))
        #expect(refusal { $0.attestations = [attestation]; $0.attestations[0].evidence.removeLast() }.contains("attestation 0: evidence does not name"))
        #expect(refusal { $0.attestations = [attestation]; $0.attestations[0].windowEndMs += 3_600_000 }.contains("attestation 0: its windows do not end"))
        #expect(refusal { $0.tier = .raw; $0.summaries = []; $0.attestations = [attestation] }.contains("a raw batch carries no attestations"))
        #expect(refusal { $0.attestations = Array(repeating: attestation, count: 5) }.contains("5 attestations; a summary batch carries at most 4"))
        let many = scenario.nodes[vantage]!.attestation(windowEndMs: window + 600_000, verdictIDs: (0...1_024).map { String(format: "%016x", $0) })
        #expect(refusal { $0.attestations = [many] }.contains("attestation 0: more than 1024 verdict_ids"))
        let long = scenario.nodes[vantage]!.attestation(windowEndMs: window + 600_000, verdictIDs: [String(repeating: "a", count: 65)])
        #expect(refusal { $0.attestations = [long] }.contains("or one longer than 64 bytes"))
    }

    @Test func aForkOfTheSummaryLogExcludesItsOriginWithBothLogs() throws {
        var (scenario, vantage, node, window, records) = try Self.firstWindow(seed: 7)
        var twin = node
        let a = scenario.nodes[vantage]!.nextSummaryBatch(createdMs: window + 660_000, summaries: records)
        let b = twin.nextSummaryBatch(createdMs: window + 661_000, summaries: records)
        try scenario.ledger.insert(envelope: a, nowMs: Self.nowMs)
        #expect(try scenario.ledger.insert(envelope: b, nowMs: Self.nowMs) == .equivocation(origin: node.id))
        #expect(scenario.ledger.span(of: node.id).head.seq == 0 && scenario.ledger.span(of: node.id.summaryLogID).head.seq == 0)
        #expect(!scenario.ledger.origins.contains(node.id))
    }

    /// Each cell as the scorer reads it: counts and the throughput median with its count.
    static func cells(_ tallies: Tallies) -> [String] {
        tallies.cells.map { "\($0.series.vantage) \($0.series.target) \($0.window): \($0.tally.measurements)/\($0.tally.failures) \(String(describing: $0.tally.throughput))" }
    }

    @Test func onceAnOriginSignsSummariesItsWindowsCountFromThemAndScoreAlike() throws {
        for seed in UInt64(20)...25 {
            let observations = WindowSummaryTests.measurements(seed: seed)
            var scenario = try LedgerScenario(observations)
            let before = scenario.ledger.tallies
            let parameters = scenario.ledger.scoringParameters
            let raw = Scorer.scoreWithView(before, country: "PK", parameters: parameters, nowMs: nil) { scenario.ledger.observations(in: $0) }
            let windows = Self.windows(of: observations)
            for vantage in scenario.nodes.keys.sorted() {
                let envelope = Self.summaryBatch(&scenario, of: vantage, windows: windows, createdMs: windows.last! + 660_000)
                try scenario.ledger.insert(envelope: envelope, nowMs: Self.nowMs)
            }
            let after = scenario.ledger.tallies
            #expect(after.cells.allSatisfy { $0.tally.throughputs.isEmpty }, "seed \(seed): the tallies are the summaries'")
            #expect(Self.cells(after) == Self.cells(before), "seed \(seed)")
            let summarised = Scorer.scoreWithView(after, country: "PK", parameters: parameters, nowMs: nil) { scenario.ledger.support(in: $0) }
            // Equal field by field, but that the supporting batches are the summaries, whose raw
            // batches are those supporting the verdict scored from raw measurements.
            func unsupported(_ result: ScoreResult) -> [Verdict] { result.verdicts.map { var v = $0; v.supportingBatches = []; return v } }
            #expect(unsupported(summarised.result) == unsupported(raw.result) && summarised.view.cells == raw.view.cells, "seed \(seed)")
            var summaryBatches: [String: Verified<Batch>] = [:]
            for log in scenario.ledger.summaryLogs {
                for stored in scenario.ledger.storedBatches(of: log) { if let b = stored.decoded { summaryBatches[b.id.hex] = b } }
            }
            for (fromSummaries, fromRaw) in zip(summarised.result.verdicts, raw.result.verdicts) {
                let named = fromSummaries.supportingBatches.compactMap { summaryBatches[$0] }
                #expect(named.count == fromSummaries.supportingBatches.count && !named.isEmpty, "seed \(seed): supporting batches are summary batches")
                let rawIDs = Set(named.flatMap { b in b.record.summaries.flatMap(\.rawSeqs).compactMap { scenario.ledger.batch(of: b.signer.id, seq: $0)?.id.hex } })
                #expect(Set(fromRaw.supportingBatches).isSubset(of: rawIDs), "seed \(seed): their raw batches include the raw supporting batches")
            }
            // A replica that receives the same facts in another order counts the same.
            var replica = Ledger(root: scenario.mesh.root)
            var delta = Delta()
            delta.facts = scenario.ledger.snapshot.facts.filter { $0.kind != .batch }
            delta.batches = scenario.ledger.snapshot.facts.filter { $0.kind == .batch }.reversed()
            _ = replica.apply(delta, nowMs: Self.nowMs)
            #expect(replica.digest == scenario.ledger.digest && Self.cells(replica.tallies) == Self.cells(after), "seed \(seed)")
        }
    }

    @Test func aLaterSummaryReplacesTheCountsAndARevocationThatCutsItBringsTheEarlierBack() throws {
        var (scenario, vantage, node, window, truth) = try Self.firstWindow(seed: 9)
        var wrong = truth
        wrong[0].targets[0].setCounts([(outcome: .tlsReset, count: 40)])
        let first = scenario.nodes[vantage]!.nextSummaryBatch(createdMs: window + 660_000, summaries: wrong)
        let second = scenario.nodes[vantage]!.nextSummaryBatch(createdMs: window + 7_200_000, summaries: truth)
        try scenario.ledger.insert(envelope: first, nowMs: Self.nowMs)
        let series = Tallies.Series(vantage: Placement.vantagePoint(node: node.id, scenario.ledger.enrollments(of: node.id)[0].record), target: wrong[0].targets[0].target)
        let w = floorDiv(window, ScenarioData.window)
        #expect(scenario.ledger.tallies.series[series]?[w]?.failures == 40, "the wrong summary counts")
        try scenario.ledger.insert(envelope: second, nowMs: Self.nowMs)
        let right = Placement.tallies(of: truth[0], origin: node.id, among: scenario.ledger.enrollments(of: node.id), windowMs: ScenarioData.window)
        #expect(scenario.ledger.tallies.series[series]?[w] == right.series[series]?[w], "the later summary replaced it")
        // The second summary is cut by a revocation: the first counts again.
        try scenario.ledger.insert(envelope: scenario.mesh.revoke(node, effectiveMs: window + 3_600_000), nowMs: Self.nowMs)
        #expect(scenario.ledger.span(of: node.id.summaryLogID).head.seq == 1)
        #expect(scenario.ledger.tallies.series[series]?[w]?.failures == 40)
    }

    @Test func aSummaryClaimingAnotherASNCountsForNothing() throws {
        var (scenario, vantage, node, window, records) = try Self.firstWindow(seed: 13)
        records[0].asn += 1
        let batch = scenario.nodes[vantage]!.nextSummaryBatch(createdMs: window + 660_000, summaries: records)
        #expect(try scenario.ledger.insert(envelope: batch, nowMs: Self.nowMs) == .added)
        let points = Set(scenario.ledger.tallies.series.keys.map(\.vantage))
        #expect(!points.contains { $0.hasPrefix(node.id.hex) }, "neither its summaries nor, once it has a summary log, its raw batches count")
    }
}
