import VantageWire

/// How far a disruption reaches (DESIGN.md, Scoring, step 4).
public enum Scope: String, Sendable, Codable, Comparable, CaseIterable {
    case insufficient, local, regional, nation, global

    /// Severity order, for ties: global > nation > regional > local > insufficient.
    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Scope, b: Scope) -> Bool { a.rank < b.rank }

    /// Nation or global: an event of this scope is a verdict from its first window (SPEC §13.5),
    /// since most of the country's ASNs, each a discovery of the day's false discovery control,
    /// are not anomalous together by chance; local and regional events need `min_windows`.
    var isCountryWide: Bool { self == .nation || self == .global }
}

/// What a disruption does: chosen platforms blocked or throttled, or whole ISPs dark (outage).
public enum DisruptionKind: String, Sendable, Codable {
    case blocking, throttling, outage
}

/// A scored disruption: one or more targets, one scope, one time span.
public struct Verdict: Sendable, Equatable, Codable {
    /// The target of an outage: every target.
    public static let allTargets = "*"

    public var id: String
    public var country: String
    public var scope: Scope
    public var kind: DisruptionKind
    public var targets: [String]
    public var start: String
    public var end: String
    public var windows: Int
    public var asnsAffected: Int
    public var asnsObserved: Int
    public var affectedASNs: [UInt32]
    public var vantagePoints: Int
    public var systematic: Bool
    public var chronic: Bool
    public var confidence: Double
    public var supportingBatches: [String]

    enum CodingKeys: String, CodingKey {
        case id, country, scope, kind, targets, start, end, windows, systematic, chronic, confidence
        case asnsAffected = "asns_affected", asnsObserved = "asns_observed", affectedASNs = "affected_asns"
        case vantagePoints = "vantage_points", supportingBatches = "supporting_batches"
    }
}

/// The scorer's output: `{"country", "policy", "verdicts"}`.
public struct ScoreResult: Sendable, Equatable, Codable {
    public var country: String
    public var policy: ScoringParameters
    public var verdicts: [Verdict]
}

extension Verdict {
    /// One line for a person: "NATION-SCALE blocking of facebook, x — 13:00–17:30 UTC — 9 of 10 ASNs — confidence 0.93".
    /// True when the verdict reaches the last closed window of the view it came from (the
    /// window starting at `lastWindowStartMs`): what is blocked now, not history.
    public func isCurrent(lastWindowStartMs: Int64) -> Bool {
        scope != .insufficient && (RFC3339.milliseconds(end) ?? 0) > lastWindowStartMs
    }

    public var sentence: String {
        let scopeText: String
        switch scope {
        case .nation: scopeText = "NATION-SCALE"
        case .regional: scopeText = "REGIONAL"
        case .local: scopeText = "LOCAL"
        case .global: scopeText = "GLOBAL OUTAGE (controls abroad fail too):"
        case .insufficient: scopeText = "INSUFFICIENT DATA for"
        }
        let day = start.prefix(10)
        let from = start.dropFirst(11).prefix(5), to = end.dropFirst(11).prefix(5)
        let span = end.prefix(10) == day ? "\(day) \(from)–\(to) UTC" : "\(start)–\(end)"
        let what = kind == .outage ? "outage (every target unreachable)" : "\(kind.rawValue) of \(targets.joined(separator: ", "))"
        return "\(scopeText) \(what) — \(span) — \(asnsAffected) of \(asnsObserved) ASNs"
            + (systematic ? ", systematic" : "") + (chronic ? ", chronic" : "") + " — confidence \(String(format: "%.2f", confidence))"
    }
}
