import Foundation
import Testing
import VantageIdentity
import VantageScoring
import VantageWire

/// Detection on flaky networks (DESIGN.md, Scoring): no verdicts from noise, real blocking found
/// through it, and a vantage point's or an ISP's own trouble reported as what it is.
@Suite struct NoisyDetectionTests {
    let blocked: Set<String> = ["facebook", "instagram", "x", "youtube"]

    @Test(arguments: 0..<12)
    func noiseAloneGivesNoRegionalOrNationVerdict(seed: Int) async {
        await Task.yield()
        // Every vantage point fails at its own random rate between 10 and 40 %.
        let day = NoisyDay(noise: 0.10...0.40)
        let verdicts = await offPool { Scorer.score(day.observations(seed: UInt64(5_000 + seed)), country: "PK").verdicts }
        #expect(verdicts.allSatisfy { $0.scope != .regional && $0.scope != .nation }, "seed \(seed): \(verdicts.map(\.sentence))")
    }

    @Test(arguments: 0..<8)
    func nationScaleBlockingIsFoundThroughHeavyNoiseAsOneVerdict(seed: Int) async throws {
        await Task.yield()
        var day = NoisyDay(noise: 0.25...0.30)
        day.events = [.blocking(asns: Set(NoisyDay.asns.prefix(8)), targets: blocked, from: 78, to: 104)]
        let verdicts = await offPool { [day] in Scorer.score(day.observations(seed: UInt64(6_000 + seed)), country: "PK").verdicts }
        let overlapping = verdicts.filter { NoisyDay.window(of: $0.end) > 78 && NoisyDay.window(of: $0.start) <= 104 && $0.kind == .blocking }
        #expect(overlapping.count == 1, "seed \(seed): \(verdicts.map(\.sentence))")
        let verdict = try #require(overlapping.first)
        #expect(verdict.scope == .nation && Set(verdict.targets) == blocked, "\(verdict.sentence)")
        #expect(abs(NoisyDay.window(of: verdict.start) - 78) <= 2 && abs(NoisyDay.window(of: verdict.end) - 105) <= 2, "\(verdict.sentence)")
        #expect(verdict.asnsAffected >= 8 && verdict.confidence >= 0.5)
    }

    @Test func aPowerCutAtOneVantagePointIsThatPointOfflineNotBlocking() async throws {
        var day = NoisyDay(noise: 0.02...0.05)
        let asn = NoisyDay.asns[3]
        day.events = [.powerCut(asn: asn, point: 0, from: 40, to: 60)]
        let (result, view) = await offPool { [day] in Scorer.scoreWithView(day.observations(seed: 7_001), country: "PK") }
        #expect(result.verdicts.isEmpty, "\(result.verdicts.map(\.sentence))")
        let during = view.cells.filter { $0.asn == asn && NoisyDay.window(ofIndex: $0.window) == 50 }
        #expect(during.count == 5 && during.allSatisfy { $0.offlinePoints == 1 && $0.state == .ok }, "\(during)")
        #expect(view.cells.filter { $0.asn == asn && NoisyDay.window(ofIndex: $0.window) == 30 }.allSatisfy { $0.offlinePoints == 0 })
    }

    @Test func aWholeISPGoingDarkIsAnOutageNotABlocking() async throws {
        var day = NoisyDay(noise: 0.02...0.05)
        let asn = NoisyDay.asns[5]
        day.events = [.outage(asn: asn, from: 50, to: 70)]
        let (result, view) = await offPool { [day] in Scorer.scoreWithView(day.observations(seed: 7_002), country: "PK") }
        let verdict = try #require(result.verdicts.first)
        #expect(result.verdicts.count == 1, "\(result.verdicts.map(\.sentence))")
        #expect(verdict.kind == .outage && verdict.scope == .local && verdict.affectedASNs == [asn], "\(verdict.sentence)")
        #expect(NoisyDay.window(of: verdict.start) == 50 && NoisyDay.window(of: verdict.end) == 71)
        #expect(verdict.sentence.contains("outage (every target unreachable)"))
        #expect(view.cells.filter { $0.asn == asn && NoisyDay.window(ofIndex: $0.window) == 60 }.allSatisfy { $0.state == .outage })
    }

    @Test func theViewSaysWhyEachCellIsWhatItIs() async throws {
        var day = NoisyDay(noise: 0.20...0.20)
        day.events = [.blocking(asns: Set(NoisyDay.asns.prefix(8)), targets: blocked, from: 78, to: 104)]
        let (_, view) = await offPool { [day] in Scorer.scoreWithView(day.observations(seed: 7_003), country: "PK") }
        let cell = try #require(view.cells.first { $0.asn == NoisyDay.asns[0] && $0.target == "x" && NoisyDay.window(ofIndex: $0.window) == 90 })
        #expect(cell.state == .anomalous && cell.failures == cell.measurements && cell.measurements == 6)
        #expect(cell.baselinePercent > 10 && cell.baselinePercent < 30, "the baseline is the vantage points' own noise: \(cell.baselinePercent)")
        #expect(cell.pValue < 1e-6)
        let quiet = try #require(view.cells.first { $0.asn == NoisyDay.asns[9] && $0.target == "x" && NoisyDay.window(ofIndex: $0.window) == 90 })
        #expect(quiet.state == .ok && quiet.pValue > 1e-3)
    }
}

extension NoisyDay {
    /// The day's window index of an absolute window number.
    static func window(ofIndex absolute: Int64) -> Int64 { absolute - t0 / window }
}
