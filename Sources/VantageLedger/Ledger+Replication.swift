import VantageIdentity

/// How widely raw evidence is held, against the campaign's replication goal (protocol/SPEC.md
/// §7.4): how many archivers, in how many countries, hold a log.
public struct ReplicationState: Codable, Sendable, Equatable {
    /// The campaign's goal.
    public var goalArchivers: Int
    public var goalCountries: Int
    /// Archivers holding the log: named by the campaign, enrolled now, not revoked or excluded.
    public var archivers: Int
    /// Their countries, sorted.
    public var countries: [String]
    /// What falls short of the goal, in words; nil when it is met.
    public var shortfall: String?

    enum CodingKeys: String, CodingKey {
        case archivers, countries, shortfall
        case goalArchivers = "goal_archivers", goalCountries = "goal_countries"
    }
}

extension Ledger {
    /// The campaign's replication goal: archivers and countries (default 3 in 2).
    public var replicationGoal: (archivers: Int, countries: Int) {
        let goal = campaign?.record.replication
        return (Int(goal?.archivers ?? 0) == 0 ? 3 : Int(goal!.archivers), Int(goal?.countries ?? 0) == 0 ? 2 : Int(goal!.countries))
    }

    /// The replication of evidence held by `holders` (all named archivers when nil) against the
    /// goal; nil when the campaign names no archivers (every node then holds every raw log).
    public func replication(heldBy holders: Set<NodeID>? = nil, nowMs: Int64) -> ReplicationState? {
        guard !archivers.isEmpty else { return nil }
        let active = archivers.filter { node in
            (holders?.contains(node) ?? true) && !excluded.contains(node) && !isCutByRevocation(node, seq: nil, createdMs: nowMs)
        }
        let countries = Set(active.compactMap { enrollment(of: $0, coveringMs: nowMs)?.record.country }).sorted()
        let held = active.filter { enrollment(of: $0, coveringMs: nowMs) != nil }.count
        let goal = replicationGoal
        let met = held >= goal.archivers && countries.count >= goal.countries
        let shortfall = met ? nil : "\(held) archiver\(held == 1 ? "" : "s") in \(countries.count) countr\(countries.count == 1 ? "y" : "ies")"
            + " where the campaign's goal is \(goal.archivers) in \(goal.countries)"
        return ReplicationState(goalArchivers: goal.archivers, goalCountries: goal.countries, archivers: held, countries: countries, shortfall: shortfall)
    }
}
