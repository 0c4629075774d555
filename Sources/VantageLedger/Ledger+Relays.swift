import VantageIdentity

extension Ledger {
    /// The addresses node `node` keeps connections to when the campaign lists relays (SPEC §7.5):
    /// every listed relay but itself, unrevoked and unexcluded (none when it lists none: then
    /// nodes dial only their `--join` addresses).
    public func relayAddresses(for node: NodeID, nowMs: Int64) -> [String] {
        relays.filter { $0.key != node && !excluded.contains($0.key) && !isCutByRevocation($0.key, seq: nil, createdMs: nowMs) }
            .values.sorted()
    }

    /// The server name a node's ClientHello carries when it dials (the campaign's `cover_name`;
    /// SPEC §7.5), nil when the campaign names none.
    public var coverName: String? {
        campaign.flatMap { $0.record.coverName.isEmpty ? nil : $0.record.coverName }
    }
}
