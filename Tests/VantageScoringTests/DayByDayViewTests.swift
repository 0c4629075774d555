import Testing
import VantageIdentity
import VantageLedger
@testable import VantageScoring

/// The view is built one day at a time (SPEC §13.8), carrying baselines and the last window's
/// judgments from day to day; it must be the view that judging the whole history at once gives,
/// across midnights, gaps of days, blockings, throttling, outages and power cuts.
@Suite struct DayByDayViewTests {
    @Test(arguments: 0..<6)
    func dayByDayIsTheWholeHistoryJudgedAtOnce(seed: Int) {
        let tallies = Self.history(seed: UInt64(seed))
        var parameters = ScoringParameters()
        parameters.baselineWindows = seed % 2 == 0 ? 36 : 5
        let whole = Self.wholeHistory(tallies, country: "PK", parameters)
        let byDay = NationalView(TalliesByWindow(tallies), country: "PK", parameters: parameters).cells
        #expect(whole.count == byDay.count)
        let first = zip(whole, byDay).first { $0 != $1 }
        #expect(first == nil, "seed \(seed): the first cell that differs, whole history then by day: \(String(describing: first))")
        // The history has what the carried state must get right.
        #expect(whole.contains { $0.state == .anomalous } && whole.contains(where: \.throttled) && whole.contains { $0.state == .outage })
    }

    @Test func aNodeKeepsTheLastDayOfTheViewAndEveryVerdict() {
        let tallies = Self.history(seed: 1)
        let parameters = ScoringParameters()
        let whole = Scorer.scoreWithView(tallies, country: "PK", parameters: parameters, nowMs: nil) { _ in [] }
        let kept = Scorer.scoreWithView(TalliesByWindow(tallies), country: "PK", parameters: parameters, nowMs: nil,
                                        viewWindows: parameters.windowsPerDay) { _ in [] }
        #expect(!whole.result.verdicts.isEmpty && kept.result == whole.result, "the verdicts of every day")
        let last = whole.view.cells.map(\.window).max()!
        #expect(kept.view.cells == whole.view.cells.filter { $0.window > last - parameters.windowsPerDay }, "the view of the last day")
        #expect(kept.view.cells.count < whole.view.cells.count / 3)
    }

    /// The view judged over the whole history at once: every series' windows in order, every
    /// cell grouped at once, the false discovery control per day, passes until nothing new is found.
    static func wholeHistory(_ tallies: Tallies, country: String, _ p: ScoringParameters) -> [NationalView.Cell] {
        typealias Key = NationalView.GroupKey
        var byWindow: [Int64: [(key: Tallies.Series, tally: WindowTally)]] = [:]
        for (series, windows) in tallies.series { for (window, tally) in windows { byWindow[window, default: []].append((series, tally)) } }
        let offline = byWindow.mapValues { PointJudge.offline($0, p) }
        var priors = LinkPriors()
        for (window, cells) in byWindow { priors.add(cells, offline: offline[window]!, p) }
        var abnormal: [Tallies.Series: Set<Int64>]? = nil
        var cells: [NationalView.Cell] = []
        for _ in 0..<NationalView.maxPasses {
            var groups: [Key: [NationalView.Point]] = [:]
            for (series, windows) in tallies.series.sorted(by: { $0.key < $1.key }) {
                let place = tallies.places[series.vantage]!
                var baseline = SeriesBaseline()
                for window in windows.keys.sorted() {
                    let point = baseline.judge(windows[window]!, offline: offline[window]!.contains(series.vantage),
                                               abnormal: abnormal?[series]?.contains(window) ?? false, prior: priors.prior(of: series.vantage, p),
                                               learnBelow: abnormal == nil ? PointJudge.learnBelowFirstPass : 0, p)
                    groups[Key(window: window, target: series.target, asn: place.asn, control: place.country != country), default: []]
                        .append(NationalView.Point(key: series, window: point))
                }
            }
            let sorted = groups.sorted { $0.key < $1.key }
            cells = sorted.map { NationalView.cell($0.key, $0.value, neighbours: [groups[$0.key.shifted(-1)], groups[$0.key.shifted(1)]].compactMap { $0 }) }
            NationalView.controlFalseDiscoveries(&cells, p)
            var found = abnormal ?? [:]
            for (cell, group) in zip(cells, sorted) where cell.state == .anomalous {
                for point in group.value where point.window.elevated || point.window.throttled { found[point.key, default: []].insert(cell.window) }
            }
            if found == abnormal { break }
            abnormal = found
        }
        return cells
    }

    /// Five days of six ASNs (two vantage points each) and one control abroad measuring four
    /// targets three times a window, each vantage point at its own noise, a tenth of windows
    /// missed at random and a whole day and a half missing; a blocking across a midnight, an
    /// outage, a power cut and throttling, and a failure abroad.
    static func history(seed: UInt64) -> Tallies {
        var rng = SplitMix64(seed: seed)
        var tallies = Tallies()
        let targets = ["facebook", "x", "youtube", "wikipedia"]
        let first: Int64 = 19_700  // 2 hours before a midnight (window 19_728 at 600 s)
        let windows = first..<(first + 720)
        for asn in UInt32(100)..<106 {
            for point in 0..<2 {
                let rate = Double.random(in: 0.02...0.3, using: &rng)
                for w in windows where !(20_160..<20_300).contains(w) && Double.random(in: 0..<1, using: &rng) >= 0.1 {
                    for target in targets {
                        var tally = WindowTally()
                        for _ in 0..<3 {
                            var failed = Double.random(in: 0..<1, using: &rng) < rate
                            failed = failed || (asn < 104 && target != "wikipedia" && (19_715..<19_745).contains(w))
                                || (asn == 105 && (20_000..<20_010).contains(w)) || (asn == 102 && point == 0 && (20_050..<20_060).contains(w))
                            let throttled = asn < 103 && target == "youtube" && (20_100..<20_130).contains(w)
                            let kbps = throttled ? 500 : UInt64.random(in: 9_000...11_000, using: &rng)
                            _ = tally.count(failed ? .tcpTimeout : .ok, throughputKbps: target == "youtube" ? kbps : nil)
                        }
                        tallies.add(tally, series: .init(vantage: "pk-\(asn)-\(point)", target: target), window: w, place: .init(asn: asn, country: "PK"))
                    }
                }
            }
        }
        for w in windows {
            for target in targets {
                var tally = WindowTally()
                _ = tally.count((19_860..<19_870).contains(w) && target == "x" ? .tlsReset : .ok, throughputKbps: nil)
                _ = tally.count(.ok, throughputKbps: nil)
                tallies.add(tally, series: .init(vantage: "de", target: target), window: w, place: .init(asn: 3320, country: "DE"))
            }
        }
        return tallies
    }
}
