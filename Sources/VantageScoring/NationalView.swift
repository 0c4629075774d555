import VantageLedger

/// The national view: per window, target and ASN, the state and counts (DESIGN.md, Scoring, step 3;
/// SPEC §13.3). One vote per ASN: its conclusive vantage points' failures are pooled and tested
/// against their own baselines, and the ASN is anomalous when that is improbable — after the false
/// discovery control over the day's cells — and more than half of them see more failures than usual.
public struct NationalView: Sendable {
    /// One ASN's state for one target in one window.
    public struct Cell: Sendable, Equatable, Codable {
        public var window: Int64
        public var target: String
        public var asn: UInt32
        public var control: Bool
        public var state: PointState
        public var throttled: Bool
        public var vantagePoints: Int
        /// Conclusive vantage points with more failures than their baseline expects (or throttled).
        public var anomalousPoints: Int
        /// Vantage points offline in the window.
        public var offlinePoints: Int
        /// Conclusive measurements and the failures among them, over the conclusive vantage points.
        public var measurements: Int
        public var failures: Int
        /// The failure rate the baselines expect, in percent.
        public var baselinePercent: Double
        /// P(at least these failures) under the baselines; 1 when not tested.
        public var pValue: Double
        /// Anomalous at the day's Bonferroni level, not only at its false discovery rate.
        public var strong = false

        enum CodingKeys: String, CodingKey {
            case window, target, asn, control, state, throttled, measurements, failures
            case vantagePoints = "vantage_points", anomalousPoints = "anomalous_points", offlinePoints = "offline_points"
            case baselinePercent = "baseline_percent", pValue = "p_value", strong
        }
    }

    /// Every cell, sorted by window, target, control, ASN.
    public let cells: [Cell]
    /// The parameters used.
    public let parameters: ScoringParameters

    struct GroupKey: Hashable, Comparable {
        var window: Int64
        var target: String
        var asn: UInt32
        var control: Bool
        static func < (a: GroupKey, b: GroupKey) -> Bool {
            (a.window, a.target, a.control ? 1 : 0, a.asn) < (b.window, b.target, b.control ? 1 : 0, b.asn)
        }
    }

    /// Passes of judging: each pass keeps the windows the previous passes found anomalous out of
    /// the baselines, so a long blocking does not become the norm. The view is the third pass's
    /// (when the second found nothing new, the third is the second again).
    static let maxPasses = 3

    /// A view of these cells.
    init(cells: [Cell], parameters: ScoringParameters) {
        self.cells = cells
        self.parameters = parameters
    }

    /// Builds the view of `country` from observations; vantage points elsewhere become controls.
    public init(_ observations: [Observation], country: String, parameters: ScoringParameters) {
        self.init(TalliesByWindow(Tallies(observations, windowMs: parameters.windowMs)), country: country, parameters: parameters)
    }

    /// Builds the view of `country` from tallies; vantage points elsewhere become controls.
    public init(_ input: some TallySource, country: String, parameters: ScoringParameters) {
        var cells: [Cell] = []
        Self.build(input, country: country, parameters: parameters) { cells += $0 }
        self.init(cells: cells, parameters: parameters)
    }

    /// Builds the view one UTC day after the other, handing each day's cells to `day` in order
    /// (protocol/SPEC.md §13.8): what is held at once is one day's tallies and each vantage
    /// point's baselines, whatever the length of the history.
    public static func build(_ input: some TallySource, country: String, parameters: ScoringParameters, day: ([Cell]) -> Void) {
        var sweep = ViewSweep(input, country: country, parameters: parameters)
        sweep.learnLinkPriors()
        sweep.judgeDays(day)
    }

    /// A window whose failures alone are not this improbable (5 %) is not a candidate, however
    /// improbable it is together with a neighbour: the neighbour's anomaly does not leak into it.
    static let windowSignificance = 0.05

    /// A vantage point's window in a cell.
    struct Point: Equatable {
        var key: PointJudge.Key
        var window: PointWindow
    }

    /// The pooled test of one ASN's vantage points; `anomalous` here is a candidate until the
    /// day's false discovery control has decided. The failures are tested together with those of
    /// an adjacent window (the one that makes them least probable, the p-value doubled for the
    /// choice): a local or regional disruption lasts two windows before it is reported, and testing them together
    /// gives the test the power to see it through heavy noise, while a lone bad window is weak.
    static func cell(_ key: GroupKey, _ all: [Point], neighbours: [[Point]]) -> Cell {
        let points = all.map(\.window)
        let conclusive = points.filter(\.conclusive)
        let offline = points.filter(\.offline).count
        var cell = Cell(window: key.window, target: key.target, asn: key.asn, control: key.control, state: .inconclusive, throttled: false,
                        vantagePoints: points.count, anomalousPoints: 0, offlinePoints: offline,
                        measurements: conclusive.reduce(0) { $0 + $1.measurements }, failures: conclusive.reduce(0) { $0 + $1.failures },
                        baselinePercent: 0, pValue: 1)
        guard !conclusive.isEmpty else {
            if offline > 0 && offline == points.count { cell.state = offline >= 2 ? .outage : .offline }
            return cell
        }
        let expected = conclusive.reduce(0.0) { $0 + Double($1.measurements) * $1.baseline }
        cell.baselinePercent = (expected / Double(max(1, cell.measurements)) * 1000).rounded() / 10
        let throttled = conclusive.filter(\.throttled).count
        let elevated = conclusive.filter(\.elevated).count
        cell.anomalousPoints = max(elevated, throttled)
        cell.throttled = throttled * 2 > conclusive.count
        let alone = FailureTail.atLeast(cell.failures, in: conclusive.map { $0.group() })
        let candidate = elevated * 2 > conclusive.count && alone < Self.windowSignificance
        // Only a candidate is tested with its neighbours; any other cell's p-value is its own.
        cell.pValue = !candidate ? alone
            : Self.pValue(all.filter(\.window.conclusive), alone: alone, neighbours: neighbours.map { $0.filter(\.window.conclusive) }.filter { !$0.isEmpty })
        cell.state = cell.throttled || candidate ? .anomalous : .ok
        return cell
    }

    /// The smallest pooled tail of the window with one neighbour, times the number of neighbours
    /// tried (at most 2); the window alone when it has no conclusive neighbour. A vantage point's
    /// neighbour window joins its own trials (same baseline); one absent from the neighbour adds none.
    static func pValue(_ points: [Point], alone: Double, neighbours: [[Point]]) -> Double {
        guard !neighbours.isEmpty else { return alone }
        let paired = neighbours.map { neighbour -> Double in
            let next = Dictionary(neighbour.map { ($0.key, $0.window) }) { first, _ in first }
            let failures = points.reduce(0) { $0 + $1.window.failures + (next[$1.key]?.failures ?? 0) }
            return FailureTail.atLeast(failures, in: points.map { $0.window.group(extraTrials: next[$0.key]?.measurements ?? 0) })
        }
        return min(1, Double(neighbours.count) * paired.min()!)
    }

    /// Benjamini–Hochberg over each UTC day's tested cells: a failure candidate stays anomalous only
    /// when it is among the discoveries at `false_discovery_permille`. A discovery is also marked
    /// `strong` when its p-value is below the rate divided by the day's cells (Bonferroni): local
    /// and regional verdicts rest on strong cells only, so a large event elsewhere, which lets more
    /// discoveries through, cannot turn noise in one ISP into a verdict. Throttled cells (a rule on
    /// throughput, not a test of failures) stay anomalous and count as strong.
    static func controlFalseDiscoveries(_ cells: inout [Cell], _ p: ScoringParameters) {
        let rate = Double(p.falseDiscoveryPermille) / 1000
        let byDay = Dictionary(grouping: cells.indices.filter { cells[$0].state == .anomalous || cells[$0].state == .ok }) {
            floorDiv(cells[$0].window, p.windowsPerDay)
        }
        for (_, indices) in byDay {
            let discovered = FalseDiscovery.discoveries(indices.map { (key: $0, p: cells[$0].pValue) }, rate: rate)
            let bonferroni = rate / Double(indices.count)
            for i in indices where cells[i].state == .anomalous {
                if cells[i].throttled || cells[i].pValue <= bonferroni {
                    cells[i].strong = true
                } else if !discovered.contains(i) {
                    cells[i].state = .ok
                }
            }
        }
    }
}

extension NationalView {
    /// The last window in which at least `minASNs` ASNs in the country (not controls) had a
    /// conclusive state: the "now" of a view whose newest windows may still be filling as the
    /// other nodes' batches arrive. Nil when there is none.
    public static func lastCoveredWindow(_ cells: [Cell], minASNs: Int) -> Int64? {
        let covered = Dictionary(grouping: cells.filter { !$0.control && $0.state != .inconclusive }, by: \.window)
            .filter { Set($0.value.map(\.asn)).count >= max(1, minASNs) }
        return covered.keys.max()
    }
}
