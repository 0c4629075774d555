import Foundation
import VantageIdentity

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

    /// `score`, also returning the national view it was computed from.
    public static func scoreWithView(_ observations: [Observation], country: String, parameters: ScoringParameters = ScoringParameters(),
                                     nowMs: Int64? = nil) -> (result: ScoreResult, view: NationalView) {
        let view = NationalView(observations, country: country, parameters: parameters)
        let closed = view.cells.filter { nowMs == nil || ($0.window + 1) * parameters.windowMs <= nowMs! }
        let scopes = windowScopes(closed, parameters)
        let events = Dictionary(grouping: scopes, by: \.target).values.flatMap { runs(of: $0.sorted { $0.window < $1.window }) }
        let verdicts = merge(events, country: country).map { group in
            var verdict = verdict(from: group, country: country, cells: closed, parameters: parameters)
            verdict.supportingBatches = supportingBatches(group, observations, parameters)
            return verdict
        }
            .sorted { ($0.start, $0.targets.joined(separator: ","), $0.scope.rawValue) < ($1.start, $1.targets.joined(separator: ","), $1.scope.rawValue) }
        return (ScoreResult(country: country, policy: parameters, verdicts: verdicts), view)
    }

    /// Step 4: per target and window, the scope of the anomaly, if any ASN of the country is anomalous.
    static func windowScopes(_ cells: [NationalView.Cell], _ p: ScoringParameters) -> [WindowScope] {
        struct Key: Hashable { var window: Int64; var target: String }
        return Dictionary(grouping: cells) { Key(window: $0.window, target: $0.target) }.compactMap { key, cells in
            let national = cells.filter { !$0.control && $0.state != .inconclusive }
            let anomalous = national.filter { $0.state == .anomalous }
            guard !anomalous.isEmpty else { return nil }
            let controls = cells.filter { $0.control && $0.state != .inconclusive }
            let n = national.count, m = anomalous.count
            let scope: Scope
            if !controls.isEmpty && controls.filter({ $0.state == .anomalous }).count * 2 > controls.count {
                scope = .global
            } else if n < p.minASNs {
                scope = .insufficient
            } else if m * 100 >= p.nationSharePercent * n {
                scope = .nation
            } else {
                scope = m >= 2 ? .regional : .local
            }
            let strength = anomalous.reduce(0.0) { $0 + Double($1.anomalousPoints) / Double(max(1, $1.vantagePoints)) } / Double(m)
            return WindowScope(window: key.window, target: key.target, scope: scope,
                               kind: anomalous.filter(\.throttled).count * 2 > m ? .throttling : .blocking,
                               observed: Set(national.map(\.asn)), anomalous: Set(anomalous.map(\.asn)),
                               vantagePoints: cells.filter { !$0.control }.reduce(0) { $0 + $1.vantagePoints },
                               strength: scope == .nation ? strength * Double(m) / Double(n) : strength)
        }
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

    /// The scope an event has: the one most of its windows have, ties to the more severe.
    static func scope(of event: [WindowScope]) -> Scope {
        let counts = Dictionary(grouping: event, by: \.scope).mapValues(\.count)
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }!.key
    }

    static func kind(of event: [WindowScope]) -> DisruptionKind {
        event.filter { $0.kind == .throttling }.count * 2 > event.count ? .throttling : .blocking
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
            if let batch = o.batch, cells.contains(Cell(window: floorDiv(o.timeMs, p.windowMs), target: o.target, asn: o.asn)) {
                batches.insert(batch)
            }
        }
        return batches.sorted().map(\.hex)
    }
}
