import Foundation
import VantageIdentity
import VantageLedger

/// The deterministic consensus scorer (DESIGN.md, Scoring; protocol/SPEC.md §13): a pure function
/// of the observations, the parameters and, for which windows are still open, a clock.
public enum Scorer {
    /// One target's judged window in the country.
    struct WindowScope {
        var window: Int64
        var target: String
        var scope: Scope
        var kind: DisruptionKind
        var observed: Set<UInt32>
        var anomalous: Set<UInt32>
        var vantagePoints: Int
        var strength: Double
    }

    /// Scores `observations` for `country`. Windows that end after `nowMs` are still open and left out.
    public static func score(_ observations: [Observation], country: String, parameters: ScoringParameters = ScoringParameters(),
                             nowMs: Int64? = nil) -> ScoreResult {
        scoreWithView(observations, country: country, parameters: parameters, nowMs: nowMs).result
    }

    /// `score`, also returning the national view it was computed from. The observations are
    /// summarised per vantage point and window first (SPEC §13c), and the summaries scored.
    public static func scoreWithView(_ observations: [Observation], country: String, parameters: ScoringParameters = ScoringParameters(),
                                     nowMs: Int64? = nil) -> (result: ScoreResult, view: NationalView) {
        let summaries = WindowSummary.summarize(observations, windowMs: parameters.windowMs)
        return scoreWithView(Tallies(summaries: summaries), country: country, parameters: parameters, nowMs: nowMs) { span in
            observations.filter { span.contains($0.timeMs) }
        }
    }

    /// Scores `tallies` (see the other `scoreWithView`).
    public static func scoreWithView(_ tallies: Tallies, country: String, parameters: ScoringParameters, nowMs: Int64?,
                                     observationsIn: (Range<Int64>) -> [Observation]) -> (result: ScoreResult, view: NationalView) {
        scoreWithView(TalliesByWindow(tallies), country: country, parameters: parameters, nowMs: nowMs, observationsIn: observationsIn)
    }

    /// Scores the tallies of `source` for `country`, reading them a day at a time; `observationsIn`
    /// gives the observations (with their batch ids) that start in a span, from which each
    /// verdict's supporting batches are found. The view returned holds the cells of the last
    /// `viewWindows` windows that have any (all of them when nil): what is kept of the history
    /// is the verdicts, not the view.
    public static func scoreWithView(_ source: some TallySource, country: String, parameters: ScoringParameters, nowMs: Int64?,
                                     viewWindows: Int64? = nil,
                                     observationsIn: (Range<Int64>) -> [Observation]) -> (result: ScoreResult, view: NationalView) {
        var scopes: [WindowScope] = []
        var marked: [NationalView.Cell] = []
        var viewCells: [NationalView.Cell] = []
        NationalView.build(source, country: country, parameters: parameters) { cells in
            let closed = cells.filter { nowMs == nil || ($0.window + 1) * parameters.windowMs <= nowMs! }
            scopes += windowScopes(closed, parameters) + outageScopes(closed, parameters)
            marked += closed.filter { !$0.control && ($0.state == .anomalous || $0.state == .outage) }
            viewCells += cells
            if let viewWindows, let last = viewCells.last?.window { viewCells.removeAll { $0.window <= last - viewWindows } }
        }
        let events = Dictionary(grouping: scopes, by: \.target).values
            .flatMap { runs(of: $0.sorted { $0.window < $1.window }) }
            .map(trimmed)
            .filter { Set($0.map(\.window)).count >= parameters.minWindows || scope(of: $0).isCountryWide }
        let verdicts = merge(events, country: country).map { group in
            var verdict = verdict(from: group, country: country, marked: marked, parameters: parameters)
            let span = (group.lower * parameters.windowMs)..<((group.upper + 1) * parameters.windowMs)
            verdict.supportingBatches = supportingBatches(group, observationsIn(span), parameters)
            return verdict
        }
            .sorted { ($0.start, $0.targets.joined(separator: ","), $0.scope.rawValue) < ($1.start, $1.targets.joined(separator: ","), $1.scope.rawValue) }
        return (ScoreResult(country: country, policy: parameters, verdicts: verdicts), NationalView(cells: viewCells, parameters: parameters))
    }

    /// Step 4: per target and window, the scope of the anomaly, if any ASN of the country is anomalous.
    static func windowScopes(_ cells: [NationalView.Cell], _ p: ScoringParameters) -> [WindowScope] {
        struct Key: Hashable { var window: Int64; var target: String }
        return Dictionary(grouping: cells) { Key(window: $0.window, target: $0.target) }.compactMap { key, cells in
            let national = cells.filter { !$0.control && ($0.state == .anomalous || $0.state == .ok) }
            var anomalous = national.filter { $0.state == .anomalous }
            guard !anomalous.isEmpty else { return nil }
            let controls = cells.filter { $0.control && ($0.state == .anomalous || $0.state == .ok) }
            let global = !controls.isEmpty && controls.filter({ $0.state == .anomalous }).count * 2 > controls.count
            var scope = Self.scope(anomalous: anomalous.count, observed: national.count, global: global, p)
            if scope == .local || scope == .regional {
                // One or a few ISPs: only cells anomalous at the Bonferroni level count.
                anomalous = anomalous.filter(\.strong)
                guard !anomalous.isEmpty else { return nil }
                scope = Self.scope(anomalous: anomalous.count, observed: national.count, global: false, p)
            }
            let strength = anomalous.reduce(0.0) { $0 + Self.strength(of: $1) } / Double(anomalous.count)
            return WindowScope(window: key.window, target: key.target, scope: scope,
                               kind: anomalous.filter(\.throttled).count * 2 > anomalous.count ? .throttling : .blocking,
                               observed: Set(national.map(\.asn)), anomalous: Set(anomalous.map(\.asn)),
                               vantagePoints: cells.filter { !$0.control }.reduce(0) { $0 + $1.vantagePoints },
                               strength: scope == .nation ? strength * Double(anomalous.count) / Double(national.count) : strength)
        }
    }

    /// Step 4 for ISP outages: per window, the ASNs of the country whose every vantage point (two or
    /// more) lost every target, among the ASNs observed then; target `*` (all targets).
    static func outageScopes(_ cells: [NationalView.Cell], _ p: ScoringParameters) -> [WindowScope] {
        Dictionary(grouping: cells.filter { !$0.control }, by: \.window).compactMap { window, cells in
            let down = Set(cells.filter { $0.state == .outage }.map(\.asn))
            guard !down.isEmpty else { return nil }
            let observed = Set(cells.filter { $0.state == .anomalous || $0.state == .ok }.map(\.asn)).union(down)
            let scope = Self.scope(anomalous: down.count, observed: observed.count, global: false, p)
            return WindowScope(window: window, target: Verdict.allTargets, scope: scope, kind: .outage, observed: observed, anomalous: down,
                               vantagePoints: Set(cells.map(\.asn)).count, strength: scope == .nation ? Double(down.count) / Double(observed.count) : 1)
        }
    }

    /// Step 4's rule: global when the controls abroad fail too; else by the share of anomalous ASNs.
    static func scope(anomalous m: Int, observed n: Int, global: Bool, _ p: ScoringParameters) -> Scope {
        if global { return .global }
        if n < p.minASNs { return .insufficient }
        if m * 100 >= p.nationSharePercent * n { return .nation }
        return m >= 2 ? .regional : .local
    }

    /// How strongly one anomalous ASN cell speaks: for failures, −log₁₀ of its p-value over 6 (a
    /// p-value of 10⁻⁶ or less is full strength); for throttling, the share of its vantage points
    /// that are throttled.
    static func strength(of cell: NationalView.Cell) -> Double {
        if cell.throttled { return Double(cell.anomalousPoints) / Double(max(1, cell.vantagePoints - cell.offlinePoints)) }
        return min(1, -log10(max(cell.pValue, 1e-300)) / 6)
    }

    /// Step 5: consecutive anomalous windows of one target form one event; a gap of one window is bridged.
    static func runs(of windows: [WindowScope]) -> [[WindowScope]] {
        var runs: [[WindowScope]] = []
        for w in windows {
            if let last = runs.last?.last, w.window - last.window <= 2 {
                runs[runs.count - 1].append(w)
            } else {
                runs.append([w])
            }
        }
        return runs
    }

    /// An event without its leading and trailing windows of another scope than the event's: a
    /// disruption's edges are where its own scope begins and ends, not a weaker window next to it.
    static func trimmed(_ event: [WindowScope]) -> [WindowScope] {
        let scope = scope(of: event)
        guard let first = event.firstIndex(where: { $0.scope == scope }), let last = event.lastIndex(where: { $0.scope == scope }) else { return event }
        return Array(event[first...last])
    }

    /// The scope an event has: the one most of its windows have, ties to the more severe.
    static func scope(of event: [WindowScope]) -> Scope {
        let counts = Dictionary(grouping: event, by: \.scope).mapValues(\.count)
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }!.key
    }

    /// The kind an event has: an outage's windows are all outages; otherwise throttling when most
    /// windows are throttled, else blocking.
    static func kind(of event: [WindowScope]) -> DisruptionKind {
        if event.allSatisfy({ $0.kind == .outage }) { return .outage }
        return event.filter { $0.kind == .throttling }.count * 2 > event.count ? .throttling : .blocking
    }

    /// Events merged into one verdict: their scope and kind, and all their windows.
    struct Group {
        var country: String
        var scope: Scope
        var kind: DisruptionKind
        var lower: Int64
        var upper: Int64
        var windows: [WindowScope]
    }

    /// Step 5: events of different targets that overlap in time with the same scope and kind merge.
    static func merge(_ events: [[WindowScope]], country: String) -> [Group] {
        var groups: [Group] = []
        for event in events.sorted(by: { ($0[0].window, $0[0].target) < ($1[0].window, $1[0].target) }) {
            let (scope, kind) = (scope(of: event), kind(of: event))
            let (lower, upper) = (event.first!.window, event.last!.window)
            if let i = groups.firstIndex(where: { $0.scope == scope && $0.kind == kind && $0.lower <= upper && lower <= $0.upper }) {
                groups[i].windows += event
                groups[i].lower = min(groups[i].lower, lower)
                groups[i].upper = max(groups[i].upper, upper)
            } else {
                groups.append(Group(country: country, scope: scope, kind: kind, lower: lower, upper: upper, windows: event))
            }
        }
        return groups
    }

    /// The ids of the batches that carried measurements of the group's anomalous cells (window,
    /// target, affected ASN), sorted hex.
    static func supportingBatches(_ group: Group, _ observations: [Observation], _ p: ScoringParameters) -> [String] {
        struct Cell: Hashable { var window: Int64; var target: String; var asn: UInt32 }
        var cells = Set<Cell>()
        for w in group.windows { for asn in w.anomalous { cells.insert(Cell(window: w.window, target: w.target, asn: asn)) } }
        var batches = Set<Hash256>()
        for o in observations where o.country == group.country {
            let window = floorDiv(o.timeMs, p.windowMs)
            if let batch = o.batch, cells.contains(Cell(window: window, target: o.target, asn: o.asn))
                || cells.contains(Cell(window: window, target: Verdict.allTargets, asn: o.asn)) {
                batches.insert(batch)
            }
        }
        return batches.sorted().map(\.hex)
    }
}
