import Foundation
import Testing
import VantageIdentity
import VantageScoring
import VantageWire

/// Scenario tests: each asserts scope, targets, time span (within one window) and ASN counts.
@Suite struct ScorerScenarioTests {
    let t0 = ScenarioData.t0
    let window = ScenarioData.window

    /// The verdicts of `data` drawn with `seed`, scored off the cooperative pool.
    func scored(_ data: ScenarioData, seed: UInt64, country: String = "PK") async -> ScoreResult {
        await offPool { Scorer.score(data.observations(seed: seed), country: country) }
    }

    func time(_ w: Int64) -> String { Date(timeIntervalSince1970: Double(t0 + w * window) / 1000).ISO8601Format() }

    @Test func nationScaleBlockOfFourPlatformsInNineOfTenISPs() async throws {
        var data = ScenarioData()
        data.disruptions = [.init(asns: Set(data.asns.prefix(9)), targets: ["facebook", "instagram", "x", "youtube"], fromWindow: 24, toWindow: 50)]
        let result = await scored(data, seed: 1)
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        #expect(result.verdicts.filter { $0.scope != .insufficient }.count == 1, "\(result.verdicts.map(\.sentence))")
        #expect(verdict.targets == ["facebook", "instagram", "x", "youtube"])
        #expect(verdict.kind == .blocking)
        #expect(verdict.start == time(24) && verdict.end == time(51))
        #expect(verdict.asnsAffected == 9 && verdict.asnsObserved == 10)
        #expect(verdict.systematic)
        #expect(!verdict.chronic)
        #expect(verdict.confidence > 0.8)
        print(verdict.sentence)
    }

    @Test func singleISPOutageIsLocal() async throws {
        var data = ScenarioData()
        data.disruptions = [.init(asns: [data.asns[3]], targets: ["youtube"], fromWindow: 10, toWindow: 20, outcome: .tcpTimeout)]
        let verdicts = await scored(data, seed: 2).verdicts
        let verdict = try #require(verdicts.first { $0.targets == ["youtube"] && $0.scope == .local })
        #expect(verdict.affectedASNs == [data.asns[3]])
        #expect(verdict.start == time(10) && verdict.end == time(21))
        #expect(verdicts.allSatisfy { $0.scope != .nation && $0.scope != .regional })
    }

    @Test func platformDownEverywhereIncludingControlsIsGlobal() async throws {
        var data = ScenarioData()
        data.controls = [3320, 3209]
        data.disruptions = [.init(asns: Set(data.asns).union([0]), targets: ["x"], fromWindow: 30, toWindow: 35, outcome: .tcpTimeout)]
        let verdicts = await scored(data, seed: 3).verdicts
        let verdict = try #require(verdicts.first { $0.targets == ["x"] })
        #expect(verdict.scope == .global)
        #expect(verdict.start == time(30) && verdict.end == time(36))
    }

    @Test func floodOfVantagePointsInOneASNCannotDecideTheCountry() async throws {
        var data = ScenarioData()
        data.extraPoints = [data.asns[0]: 40]
        data.disruptions = [.init(asns: [data.asns[0]], targets: ["facebook"], fromWindow: 5, toWindow: 15)]
        let verdicts = await scored(data, seed: 4).verdicts
        let verdict = try #require(verdicts.first { $0.targets == ["facebook"] })
        #expect(verdict.scope == .local)
        #expect(verdict.asnsAffected == 1 && verdict.asnsObserved == 10)
    }

    @Test func tooFewASNsIsInsufficient() async throws {
        var data = ScenarioData()
        data.asns = Array(data.asns.prefix(2))
        data.disruptions = [.init(asns: Set(data.asns), targets: ["facebook"], fromWindow: 5, toWindow: 15)]
        let verdicts = await scored(data, seed: 5).verdicts
        #expect(!verdicts.isEmpty)
        #expect(verdicts.allSatisfy { $0.scope == .insufficient })
    }

    @Test func backgroundNoiseAloneGivesNoRegionalOrNationVerdict() async {
        var data = ScenarioData()
        data.noise = 0.05
        let verdicts = await scored(data, seed: 6).verdicts
        #expect(verdicts.allSatisfy { $0.scope == .local || $0.scope == .insufficient }, "\(verdicts.map(\.sentence))")
        #expect(verdicts.allSatisfy { $0.windows <= 3 })
    }

    @Test func nationScaleThrottlingWithOkOutcomesButLowThroughput() async throws {
        var data = ScenarioData()
        data.throughput = true
        data.disruptions = [.init(asns: Set(data.asns), targets: ["x", "youtube"], fromWindow: 20, toWindow: 40, throughputFactor: 0.1)]
        let verdicts = await scored(data, seed: 7).verdicts
        let verdict = try #require(verdicts.first { $0.kind == .throttling })
        #expect(verdict.scope == .nation)
        #expect(verdict.targets == ["x", "youtube"])
        #expect(verdict.start == time(20))
        // The baseline learns only from normal windows: a long throttling never becomes normal.
        #expect(verdict.end == time(41))
    }

    @Test func blockingThatLastsDaysIsChronic() async throws {
        var data = ScenarioData()
        data.windows = 200
        data.perWindow = 2
        data.targets = ["telegram"]
        data.disruptions = [.init(asns: Set(data.asns), targets: ["telegram"], fromWindow: 0, toWindow: 199)]
        let verdict = try #require(await scored(data, seed: 8).verdicts.first)
        #expect(verdict.scope == .nation && verdict.chronic)
    }

    @Test func shuffledInputGivesByteIdenticalJSON() async throws {
        var data = ScenarioData()
        data.disruptions = [.init(asns: Set(data.asns.prefix(8)), targets: ["facebook", "x"], fromWindow: 10, toWindow: 30)]
        let observations = data.observations(seed: 9)
        var rng = SplitMix64(seed: 99)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let shuffled = observations.shuffled(using: &rng)
        let first = try encoder.encode(await offPool { Scorer.score(observations, country: "PK") })
        let second = try encoder.encode(await offPool { Scorer.score(shuffled, country: "PK") })
        #expect(first == second)
    }

    @Test func openWindowsAreLeftOut() async {
        var data = ScenarioData()
        data.disruptions = [.init(asns: Set(data.asns), targets: ["facebook"], fromWindow: 50, toWindow: 59)]
        let observations = data.observations(seed: 10)
        let nation: (Verdict) -> Bool = { $0.targets == ["facebook"] && $0.scope == .nation }
        let closedAt = t0 + 50 * window
        #expect(await offPool { Scorer.score(observations, country: "PK") }.verdicts.contains(where: nation))
        #expect(!(await offPool { Scorer.score(observations, country: "PK", nowMs: closedAt) }).verdicts.contains(where: nation))
    }

    @Test func aNationScaleBlockingIsAVerdictWhenItsFirstWindowClosesALocalOneNeedsTwo() async throws {
        var data = ScenarioData()
        data.disruptions = [.init(asns: Set(data.asns.prefix(9)), targets: ["facebook"], fromWindow: 50, toWindow: 59),
                            .init(asns: [data.asns[3]], targets: ["youtube"], fromWindow: 50, toWindow: 59, outcome: .tcpTimeout)]
        let observations = data.observations(seed: 11)
        /// The verdicts of a node whose clock has just closed window `w`, holding what was measured until then.
        func verdicts(closedThrough w: Int64) async -> [Verdict] {
            let now = t0 + (w + 1) * window
            let seen = observations.filter { $0.timeMs < now }
            return await offPool { Scorer.score(seen, country: "PK", nowMs: now) }.verdicts
        }
        let first = await verdicts(closedThrough: 50)
        #expect(first.contains { $0.targets == ["facebook"] && $0.scope == .nation && $0.start == time(50) }, "\(first.map(\.sentence))")
        #expect(!first.contains { $0.targets.contains("youtube") }, "one window at one ISP is not yet a verdict: \(first.map(\.sentence))")
        let second = await verdicts(closedThrough: 51)
        #expect(second.contains { $0.targets == ["youtube"] && $0.scope == .local && $0.start == time(50) }, "\(second.map(\.sentence))")
    }
}
