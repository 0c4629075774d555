import VantageIdentity
import VantageWire

/// One vantage point's measurements of one target in one window, as the scorer counts them.
public struct WindowTally: Sendable, Equatable {
    /// Conclusive measurements (every outcome but `error` and unspecified).
    public var measurements = 0
    /// Those whose outcome is not `ok`.
    public var failures = 0
    /// Measured throughputs, in no particular order.
    public var throughputs: [UInt64] = []
    /// The throughput of a window summary, whose single values are not at hand.
    public var summarizedThroughput: ThroughputSummary?

    /// A tally with these counts.
    public init(measurements: Int = 0, failures: Int = 0, throughputs: [UInt64] = [], summarizedThroughput: ThroughputSummary? = nil) {
        self.measurements = measurements
        self.failures = failures
        self.throughputs = throughputs
        self.summarizedThroughput = summarizedThroughput
    }

    /// The median throughput and how many values it was taken over, as the scorer uses them;
    /// nil when none was measured.
    public var throughput: ThroughputSummary? { summarizedThroughput ?? ThroughputSummary(throughputs) }

    /// Adds `other`'s counts and throughputs (a cell holds one summary at most: a summary's
    /// throughput is taken when the cell has no other).
    public mutating func add(_ other: WindowTally) {
        measurements += other.measurements
        failures += other.failures
        throughputs += other.throughputs
        summarizedThroughput = summarizedThroughput ?? other.summarizedThroughput
    }

    /// Takes away `other`'s counts, one occurrence of each of its throughputs, and its summarised
    /// throughput when it is the cell's.
    public mutating func subtract(_ other: WindowTally) {
        measurements -= other.measurements
        failures -= other.failures
        if other.summarizedThroughput != nil, summarizedThroughput == other.summarizedThroughput { summarizedThroughput = nil }
        for value in other.throughputs {
            if let i = throughputs.firstIndex(of: value) { throughputs.remove(at: i) }
        }
    }

    /// The tally of a window summary's counts by outcome (SPEC §13c): conclusive measurements are
    /// those of every outcome but `error` and unspecified, failures those of them not `ok`.
    public init(outcomes: [(outcome: Outcome, count: Int)], throughput: ThroughputSummary?) {
        for (outcome, count) in outcomes where outcome != .error && outcome != .unspecified {
            measurements += count
            if outcome != .ok { failures += count }
        }
        summarizedThroughput = throughput
    }

    /// Counts one measurement: an `error` or unspecified outcome says nothing of the network and
    /// is not counted (false); any outcome but `ok` is a failure; a measured throughput joins the
    /// throughputs.
    public mutating func count(_ outcome: Outcome, throughputKbps: UInt64?) -> Bool {
        guard outcome != .error, outcome != .unspecified else { return false }
        measurements += 1
        if outcome != .ok { failures += 1 }
        if let throughputKbps { throughputs.append(throughputKbps) }
        return true
    }

    /// True when nothing is counted.
    public var isEmpty: Bool { measurements == 0 && throughputs.isEmpty && summarizedThroughput == nil }
}

/// A window's throughputs as the scorer takes them: their median and how many there were.
public struct ThroughputSummary: Sendable, Equatable {
    /// The median (the mean of the two middle values of an even count).
    public var median: Double
    /// How many throughputs.
    public var samples: Int

    /// A summary with these figures.
    public init(median: Double, samples: Int) {
        self.median = median
        self.samples = samples
    }

    /// The summary of `values`; nil when there are none.
    public init?(_ values: [UInt64]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? Double(sorted[mid]) : (Double(sorted[mid - 1]) + Double(sorted[mid])) / 2
        samples = sorted.count
    }
}

/// The scorer's input: per vantage point and target, the tally of each window (protocol/SPEC.md
/// §13.8). The ledger keeps them in its store as batches come and go, so scoring never reads the
/// batches; offline scoring builds them from measurement lines.
public struct Tallies: Sendable, Equatable {
    /// A vantage point and a target.
    public struct Series: Hashable, Comparable, Sendable {
        public var vantage: String
        public var target: String
        /// A series.
        public init(vantage: String, target: String) {
            self.vantage = vantage
            self.target = target
        }
        public static func < (a: Series, b: Series) -> Bool { (a.vantage, a.target) < (b.vantage, b.target) }
    }

    /// Where a vantage point is.
    public struct Place: Sendable, Equatable {
        public var asn: UInt32
        public var country: String
        /// A place.
        public init(asn: UInt32, country: String) {
            self.asn = asn
            self.country = country
        }
    }

    /// Window tallies by series, then by window index (`start_time_ms` floor-divided by the window).
    public var series: [Series: [Int64: WindowTally]] = [:]
    /// The place of every vantage point with a series.
    public var places: [String: Place] = [:]

    /// No tallies.
    public init() {}

    /// Counts one measurement of `target` by `vantage` at `place` in `window` (SPEC §13.8, by
    /// `WindowTally.count`).
    public mutating func count(vantage: String, place: Place, target: String, window: Int64, outcome: Outcome, throughputKbps: UInt64?) {
        var one = WindowTally()
        guard one.count(outcome, throughputKbps: throughputKbps) else { return }
        add(one, series: Series(vantage: vantage, target: target), window: window, place: place)
    }

    /// Adds one cell's tally.
    public mutating func add(_ tally: WindowTally, series key: Series, window: Int64, place: Place) {
        places[key.vantage] = place
        series[key, default: [:]][window, default: WindowTally()].add(tally)
    }

    /// Adds every cell of `other`.
    public mutating func add(_ other: Tallies) {
        for (key, windows) in other.series {
            for (window, tally) in windows { add(tally, series: key, window: window, place: other.places[key.vantage]!) }
        }
    }

    /// Every cell, sorted by series then window.
    public var cells: [(series: Series, window: Int64, tally: WindowTally)] {
        series.sorted { $0.key < $1.key }.flatMap { key, windows in
            windows.sorted { $0.key < $1.key }.map { (key, $0.key, $0.value) }
        }
    }

}

/// Where measurements count (SPEC §13.8): each is placed by the enrollment of its origin that
/// covers the measurement's own start (of several, the smallest id), so a node enrolled today
/// cannot vote in last month's windows; its vantage point is the node in that enrollment's country
/// and ASN. A measurement that starts longer before its batch than `max_measurement_age` counts
/// for nothing. Used alike by the ledger's tallies and by report verification.
public enum Placement {
    /// The window length when the campaign names none (600 s).
    public static let defaultWindowSeconds = 600

    /// The vantage point of `node` under `enrollment`.
    public static func vantagePoint(node: NodeID, _ enrollment: Enrollment) -> String {
        "\(node.hex)/\(enrollment.country)/AS\(enrollment.asn)"
    }

    /// The measurements of a batch that count, each with its enrollment; `measurements` are the
    /// batch's, named.
    public static func placed(_ measurements: [VantageWire.Measurement], of batch: Batch, among enrollments: [Verified<Enrollment>],
                              maxAgeMs: Int64) -> [(measurement: VantageWire.Measurement, enrollment: Enrollment)] {
        let oldest = batch.createdMs - maxAgeMs
        return measurements.compactMap { m in
            guard m.startTimeMs >= oldest, let enrollment = enrollments.covering(m.startTimeMs)?.record else { return nil }
            return (m, enrollment)
        }
    }

    /// The tallies of one batch of `origin`: the measurements `placed` keeps, counted per
    /// enrollment, target and window first, so a vantage point is named once per batch.
    public static func tallies(_ measurements: [VantageWire.Measurement], of batch: Batch, origin: NodeID, among enrollments: [Verified<Enrollment>],
                               maxAgeMs: Int64, windowMs: Int64) -> Tallies {
        struct Cell: Hashable { var enrollment: Int, target: String, window: Int64 }
        let oldest = batch.createdMs - maxAgeMs
        var cells: [Cell: WindowTally] = [:]
        for m in measurements where m.startTimeMs >= oldest {
            guard let enrollment = coveringIndex(enrollments, m.startTimeMs) else { continue }
            var tally = WindowTally()
            guard tally.count(m.outcome, throughputKbps: m.hasThroughputKbps ? m.throughputKbps : nil) else { continue }
            cells[Cell(enrollment: enrollment, target: m.target, window: floorDiv(m.startTimeMs, windowMs)), default: WindowTally()].add(tally)
        }
        var tallies = Tallies()
        var names: [Int: String] = [:]
        for (cell, tally) in cells {
            let enrollment = enrollments[cell.enrollment].record
            let name = names[cell.enrollment] ?? vantagePoint(node: origin, enrollment)
            names[cell.enrollment] = name
            tallies.add(tally, series: Tallies.Series(vantage: name, target: cell.target), window: cell.window,
                        place: Tallies.Place(asn: enrollment.asn, country: enrollment.country))
        }
        return tallies
    }

    /// The tallies of one window summary of `origin` (SPEC §13c): nothing when its window is not
    /// `windowMs` long, or no enrollment of `origin` in the summary's country and ASN overlaps the
    /// window; a target without conclusive measurements counts for nothing.
    public static func tallies(of record: WindowSummaryRecord, origin: NodeID, among enrollments: [Verified<Enrollment>], windowMs: Int64) -> Tallies {
        var tallies = Tallies()
        guard let enrollment = enrollment(placing: record, among: enrollments, windowMs: windowMs) else { return tallies }
        let name = vantagePoint(node: origin, enrollment)
        for target in record.targets {
            let tally = target.tally
            guard tally.measurements > 0 else { continue }
            tallies.add(tally, series: Tallies.Series(vantage: name, target: target.target), window: floorDiv(record.windowStartMs, windowMs),
                        place: Tallies.Place(asn: enrollment.asn, country: enrollment.country))
        }
        return tallies
    }

    /// The enrollment that places a window summary (SPEC §13c): one of its signer's in the
    /// summary's country and ASN that overlaps its window, when the window is `windowMs` long;
    /// nil when the summary counts for nothing.
    public static func enrollment(placing record: WindowSummaryRecord, among enrollments: [Verified<Enrollment>], windowMs: Int64) -> Enrollment? {
        let start = record.windowStartMs
        guard Int64(record.windowSeconds) * 1000 == windowMs else { return nil }
        return enrollments.map(\.record).first {
            $0.country == record.country && $0.asn == record.asn && $0.notBeforeMs < start + windowMs && start < $0.notAfterMs
        }
    }

    /// The position of the enrollment that `covering` picks (of those covering `timeMs`, the
    /// smallest id), without building a filtered copy.
    static func coveringIndex(_ enrollments: [Verified<Enrollment>], _ timeMs: Int64) -> Int? {
        var best: Int?
        for (i, e) in enrollments.enumerated() where e.record.notBeforeMs <= timeMs && timeMs < e.record.notAfterMs {
            if best.map({ e.id < enrollments[$0].id }) ?? true { best = i }
        }
        return best
    }
}

/// Floor division, for window and day indices of times before 1970.
public func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
