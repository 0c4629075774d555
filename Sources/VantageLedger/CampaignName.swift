import Foundation
import VantageIdentity
import VantageWire

/// How a batch names the campaign it is numbered by (protocol/SPEC.md §5.6): the first 8 bytes
/// of the campaign's record id. Campaigns are few and signed by the mesh root alone, so 8 bytes
/// tell them apart; every summary batch names one, 24 bytes less each.
public enum CampaignName {
    /// Bytes of a campaign's name.
    public static let byteCount = 8

    /// The name of the campaign whose record id is `id`.
    public static func of(_ id: Hash256) -> Data { Data(id.bytes.prefix(byteCount)) }
}

extension Ledger {
    /// The campaign `name` names among those this ledger holds (of two whose ids share the name,
    /// which only the mesh root could sign, the one with the smaller id); nil when none does.
    public func campaign(named name: Data) -> Verified<Campaign>? {
        campaignIDs[name].flatMap { campaigns[$0] }
    }
}
