import VantageIdentity

extension Ledger {
    /// The addresses node `node` keeps connections to when the campaign lists relays (SPEC §7.5):
    /// every listed relay but itself, unrevoked and unexcluded; nil when it lists none (then nodes
    /// dial the addresses enrollments advertise).
    public func relayAddresses(for node: NodeID, nowMs: Int64) -> [String]? {
        guard !relays.isEmpty else { return nil }
        return relays.filter { $0.key != node && !excluded.contains($0.key) && !isCutByRevocation($0.key, seq: nil, createdMs: nowMs) }
            .values.sorted()
    }
}
