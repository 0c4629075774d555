import PropertyBased
import Testing
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageWire

/// Window summaries (SPEC §13c): verdicts and the view scored from the summaries of measurements
/// equal, field by field, those scored from the measurements themselves.
@Suite struct WindowSummaryTests {
    static let window: Int64 = 600_000
    /// 2024-01-20T12:00:00Z.
    static let t0: Int64 = 1_705_752_000_000
    static let targets = ["facebook", "x", "youtube", "wikipedia"]
    static let outcomes: [Outcome] = [.ok, .ok, .ok, .ok, .tlsReset, .tcpTimeout, .dnsNxdomain, .httpBlockpage, .error]

    /// Random measurements of 2–5 ASNs (1–3 vantage points each) in Pakistan and 1–2 control ASNs
    /// abroad, over 12–30 windows, with a random blocking and a random throttling laid on top; some
    /// carry throughputs and batch ids.
    static func measurements(seed: UInt64) -> [Observation] {
        var rng = SplitMix64(seed: seed)
        let windows = Int64.random(in: 12...30, using: &rng)
        let blockedASNs = Int.random(in: 0...3, using: &rng)
        let blockFrom = Int64.random(in: 4..<windows, using: &rng)
        let blockTo = min(windows - 1, blockFrom + Int64.random(in: 0...6, using: &rng))
        let batches = (0..<5).map { Hash256.of(Array("batch-\(seed)-\($0)".utf8)) }
        var result: [Observation] = []
        let places = (0..<Int.random(in: 2...5, using: &rng)).map { (asn: UInt32(64_500 + $0), country: "PK") }
            + (0..<Int.random(in: 1...2, using: &rng)).map { (asn: UInt32(3_320 + $0), country: "DE") }
        for (index, place) in places.enumerated() {
            for point in 0..<Int.random(in: 1...3, using: &rng) {
                for w in 0..<windows {
                    for target in targets {
                        for _ in 0..<Int.random(in: 0...4, using: &rng) {
                            var outcome = outcomes.randomElement(using: &rng)!
                            let blocked = index < blockedASNs && place.country == "PK" && (blockFrom...blockTo).contains(w) && target != "wikipedia"
                            if blocked { outcome = .tlsReset }
                            let throttled = index == 0 && place.country == "PK" && w >= blockTo && target == "youtube"
                            let throughput: UInt64? = Bool.random(using: &rng) ? nil
                                : (throttled ? 300 : UInt64.random(in: 9_000...11_000, using: &rng))
                            result.append(Observation(vantage: "as\(place.asn)-\(point)", asn: place.asn, country: place.country, target: target,
                                                      timeMs: t0 + w * window + Int64.random(in: 0..<window, using: &rng), outcome: outcome,
                                                      throughputKbps: throughput, batch: batches.randomElement(using: &rng)))
                        }
                    }
                }
            }
        }
        return result
    }

    /// Scores `observations` from their raw tallies and from their summaries.
    static func bothWays(_ observations: [Observation], parameters: ScoringParameters = ScoringParameters())
        -> (raw: (result: ScoreResult, view: NationalView), summarised: (result: ScoreResult, view: NationalView)) {
        let inSpan = { (span: Range<Int64>) in observations.filter { span.contains($0.timeMs) } }
        let raw = Scorer.scoreWithView(Tallies(observations, windowMs: parameters.windowMs), country: "PK", parameters: parameters, nowMs: nil,
                                       observationsIn: inSpan)
        let summaries = WindowSummary.summarize(observations, windowMs: parameters.windowMs)
        let summarised = Scorer.scoreWithView(Tallies(summaries: summaries), country: "PK", parameters: parameters, nowMs: nil,
                                              observationsIn: inSpan)
        return (raw, summarised)
    }

    @Test func verdictsFromSummariesEqualVerdictsFromMeasurements() async {
        await propertyCheck(count: 60, input: Gen.uint64()) { seed in
            await Task.yield()
            let (raw, summarised) = Self.bothWays(Self.measurements(seed: seed))
            #expect(summarised.result == raw.result, "seed \(seed)")
            #expect(summarised.view.cells == raw.view.cells, "seed \(seed)")
        }
    }

    @Test func theRandomDaysHaveVerdictsToCompare() {
        let withVerdicts = (0..<60 as Range<UInt64>).filter { !Self.bothWays(Self.measurements(seed: $0)).raw.result.verdicts.isEmpty }
        #expect(withVerdicts.count >= 10, "the property compares verdicts, not only empty lists: \(withVerdicts.count) of 60 days have some")
    }

    @Test(arguments: 0..<2)
    func aNoisyDayWithABlockingScoresAlikeFromItsSummaries(seed: Int) async {
        var day = NoisyDay(noise: 0.10...0.30)
        day.events = [.blocking(asns: Set(NoisyDay.asns.prefix(7)), targets: ["facebook", "x"], from: 60, to: 80),
                      .powerCut(asn: NoisyDay.asns[8], point: 1, from: 20, to: 30)]
        let (raw, summarised) = await offPool { [day] in Self.bothWays(day.observations(seed: UInt64(7_000 + seed))) }
        #expect(!raw.result.verdicts.isEmpty)
        #expect(summarised.result == raw.result)
        #expect(summarised.view.cells == raw.view.cells)
    }

    @Test func aSummaryIsCompactAndCommitsToItsBatches() {
        let a = Hash256.of(Array("a".utf8)), b = Hash256.of(Array("b".utf8))
        let observations = (0..<6).map { (i: Int) -> Observation in
            let outcome: Outcome = i == 5 ? .error : .ok
            let throughput: UInt64? = i < 3 ? UInt64(100 * (i + 1)) : nil
            return Observation(vantage: "v", asn: 1, country: "PK", target: "facebook", timeMs: Self.t0 + Int64(i) * 1_000,
                               outcome: outcome, throughputKbps: throughput, batch: i < 2 ? a : b)
        }
        let summaries = WindowSummary.summarize(observations, windowMs: Self.window)
        #expect(summaries.count == 1)
        let counts = summaries[0].targets[0]
        let outcomes: [Outcome] = counts.outcomes.map { $0.outcome }
        #expect(outcomes == [.ok, .error] && counts.outcomes.map { $0.count } == [5, 1])
        #expect(counts.measurements == 5 && counts.failures == 0)
        #expect(counts.throughput == ThroughputSummary(median: 200, samples: 3))
        #expect(summaries[0].rawHash == WindowSummaryRecord.rawHash(of: [b, a]))
        #expect(summaries[0].rawHash != WindowSummaryRecord.rawHash(of: [a]))
    }
}
