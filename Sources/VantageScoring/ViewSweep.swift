import VantageLedger

/// The national view built one UTC day after the other (`NationalView.build`, SPEC §13.8). A
/// first walk over the days learns each vantage point's link prior; the second judges each day
/// in every pass, carrying from one day to the next only each series' baselines and the groups
/// of the day's last window (the next day's first cells test their failures with them). Each
/// day's false discovery control needs that day alone, and a day's cells test theirs with the
/// next day's first window, so the view is the one judging the whole history at once would give.
struct ViewSweep<Source: TallySource> {
    typealias Cell = NationalView.Cell
    typealias GroupKey = NationalView.GroupKey
    typealias Point = NationalView.Point

    /// One tally of a day, with its series' number.
    struct Entry {
        var series: Int
        var tally: WindowTally
    }

    /// One day's tallies by window (and the next day's first window, when asked for), each
    /// window's in series order, and the vantage points offline in each window.
    struct Day {
        var first: Int64
        var windows: [[Entry]]
        var offline: [Set<String>]
    }

    /// A window's tallies with their series.
    private func named(_ window: [Entry]) -> [(key: Tallies.Series, tally: WindowTally)] {
        window.map { (series[$0.series], $0.tally) }
    }

    /// A series' window that an earlier pass found anomalous.
    struct SeriesWindow: Hashable {
        var series: Int
        var window: Int64
    }

    private let source: Source
    private let country: String
    private let p: ScoringParameters
    /// The targets scored (nil: every one met).
    private let targets: Set<String>?
    private var priors = LinkPriors()
    /// Every series met, by number; each one's link prior, once the priors are learned.
    private var series: [Tallies.Series] = []
    private var numbers: [Tallies.Series: Int] = [:]
    private var rank: [Int] = []
    private var seriesPriors: [Double] = []
    private var places: [String: (asn: UInt32, control: Bool)] = [:]
    /// Per pass, each series' baselines, and the groups of the window before the day.
    private var baselines: [[SeriesBaseline]] = Array(repeating: [], count: NationalView.maxPasses)
    private var edges: [[GroupKey: [Point]]] = Array(repeating: [:], count: NationalView.maxPasses)

    init(_ source: Source, country: String, parameters: ScoringParameters) {
        self.source = source
        self.country = country
        p = parameters
        targets = parameters.targets.map(Set.init)
    }

    /// The first day with tallies from the window `from` on.
    private func firstDay(from window: Int64) -> Int64? {
        source.firstTallyWindow(from: window).map { floorDiv($0, p.windowsPerDay) }
    }

    /// The first walk: the link priors of every vantage point, over the whole history.
    mutating func learnLinkPriors() {
        var next = firstDay(from: .min)
        while let day = next {
            let tallies = read(day, lookahead: false)
            for (window, offline) in zip(tallies.windows, tallies.offline) { priors.add(named(window), offline: offline, p) }
            next = firstDay(from: (day + 1) * p.windowsPerDay)
        }
        seriesPriors = series.map { priors.prior(of: $0.vantage, p) }
    }

    /// The second walk: each day's cells, in order.
    mutating func judgeDays(_ emit: ([Cell]) -> Void) {
        var (next, previous): (Int64?, Int64?) = (firstDay(from: .min), nil)
        while let day = next {
            if previous != day - 1 { edges = Array(repeating: [:], count: NationalView.maxPasses) }
            emit(judge(read(day, lookahead: true)))
            (previous, next) = (day, firstDay(from: (day + 1) * p.windowsPerDay))
        }
    }

    /// Reads one day, numbering the series it meets.
    private mutating func read(_ day: Int64, lookahead: Bool) -> Day {
        let first = day * p.windowsPerDay
        var windows = Array(repeating: [Entry](), count: Int(p.windowsPerDay) + (lookahead ? 1 : 0))
        var met = false
        let source = self.source
        let targets = self.targets
        source.forEachTally(in: first..<(first + Int64(windows.count))) { window, key, place, tally in
            if let targets, !targets.contains(key.target) { return }
            if numbers[key] == nil {
                numbers[key] = series.count
                series.append(key)
                for pass in baselines.indices { baselines[pass].append(SeriesBaseline()) }
                seriesPriors.append(priors.prior(of: key.vantage, p))
                met = true
            }
            places[key.vantage] = (place.asn, place.country != country)
            windows[Int(window - first)].append(Entry(series: numbers[key]!, tally: tally))
        }
        if met {
            rank = Array(repeating: 0, count: series.count)
            for (position, number) in series.indices.sorted(by: { series[$0] < series[$1] }).enumerated() { rank[number] = position }
        }
        windows = windows.map { $0.sorted { rank[$0.series] < rank[$1.series] } }
        let offline = windows.map { PointJudge.offline(named($0), p) }
        return Day(first: first, windows: windows, offline: offline)
    }

    /// One day's cells: each pass judges the day with the windows the previous passes found
    /// anomalous kept out of the baselines. The third pass is the second again when both start
    /// from the same baselines and the second found nothing new this day.
    private mutating func judge(_ day: Day) -> [Cell] {
        let last = NationalView.maxPasses - 1
        let sameStart = baselines[last] == baselines[last - 1] && edges[last] == edges[last - 1]
        var (abnormal, before): (Set<SeriesWindow>?, Set<SeriesWindow>?) = (nil, nil)
        var cells: [Cell] = []
        for pass in 0...last {
            if pass == last, sameStart, abnormal == before {
                baselines[last] = baselines[last - 1]
                edges[last] = edges[last - 1]
                break
            }
            let judged = judge(day, pass: pass, abnormal: abnormal)
            cells = judged.cells
            var found = abnormal ?? []
            for (cell, raising) in zip(cells, judged.raising) where cell.state == .anomalous {
                for number in raising { found.insert(SeriesWindow(series: number, window: cell.window)) }
            }
            (before, abnormal) = (abnormal, found)
        }
        return cells
    }

    /// One pass over one day: its cells after the day's false discovery control, and for each the
    /// series whose failures or throughput made it a candidate.
    private mutating func judge(_ day: Day, pass: Int, abnormal: Set<SeriesWindow>?) -> (cells: [Cell], raising: [[Int]]) {
        let learnBelow = abnormal == nil ? PointJudge.learnBelowFirstPass : 0
        var previous = edges[pass]
        var current = groups(day, 0, pass: pass, abnormal: abnormal, learnBelow: learnBelow)
        var (cells, raising): ([Cell], [[Int]]) = ([], [])
        for index in 0..<Int(p.windowsPerDay) {
            let next = index + 1 < day.windows.count ? groups(day, index + 1, pass: pass, abnormal: abnormal, learnBelow: learnBelow) : [:]
            for (key, points) in current.sorted(by: { $0.key < $1.key }) {
                let neighbours = [previous[key.shifted(-1)], next[key.shifted(1)]].compactMap { $0 }
                let cell = NationalView.cell(key, points, neighbours: neighbours)
                cells.append(cell)
                raising.append(cell.state != .anomalous ? [] : points.filter { $0.window.elevated || $0.window.throttled }.map { numbers[$0.key]! })
            }
            (previous, current) = (current, next)
        }
        edges[pass] = previous
        NationalView.controlFalseDiscoveries(&cells, p)
        return (cells, raising)
    }

    /// One window's vantage points judged and grouped into ASN cells, each cell's points in
    /// series order. Judging the day's windows teaches the baselines; the next day's first window
    /// is judged on a copy (it is judged again, and learnt from, with its own day).
    private mutating func groups(_ day: Day, _ index: Int, pass: Int, abnormal: Set<SeriesWindow>?, learnBelow: Double) -> [GroupKey: [Point]] {
        let window = day.first + Int64(index)
        let learns = index < Int(p.windowsPerDay)
        var groups: [GroupKey: [Point]] = [:]
        for entry in day.windows[index] {
            let key = series[entry.series]
            guard let place = places[key.vantage] else { continue }
            let (offline, prior) = (day.offline[index].contains(key.vantage), seriesPriors[entry.series])
            let isAbnormal = abnormal?.contains(SeriesWindow(series: entry.series, window: window)) ?? false
            let point: PointWindow
            if learns {
                point = baselines[pass][entry.series].judge(entry.tally, offline: offline, abnormal: isAbnormal, prior: prior, learnBelow: learnBelow, p)
            } else {
                var copy = baselines[pass][entry.series]
                point = copy.judge(entry.tally, offline: offline, abnormal: isAbnormal, prior: prior, learnBelow: learnBelow, p)
            }
            groups[GroupKey(window: window, target: key.target, asn: place.asn, control: place.control), default: []]
                .append(Point(key: key, window: point))
        }
        return groups
    }
}

extension NationalView.GroupKey {
    /// The same ASN and target `step` windows later.
    func shifted(_ step: Int64) -> Self { Self(window: window + step, target: target, asn: asn, control: control) }
}
