import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What `GET /v1/status` and `GET /v1/peers` report.
extension NodeAgent {
    /// The status of `GET /v1/status`.
    public func status() -> AgentStatus {
        AgentStatus(
            nodeID: id.hex, meshID: ledger.meshID.hex, meshName: mesh.name, country: enrollment.record.country,
            asn: enrollment.record.asn, isp: enrollment.record.isp, archiver: ledger.isArchiver(id),
            ledger: .init(digest: ledger.digest.hex, summaryDigest: ledger.digest(scope: .summaryTier).hex, origins: ledger.origins.count, batches: ledger.batchCount, summaryBatches: ledger.summaryBatchCount,
                          measurements: ledger.measurementCount, held: ledger.heldCount, excluded: ledger.excluded.count),
            peers: peers().filter(\.connected), replication: replication(), recovering: cannotSign)
    }

    /// The archivers named and those holding this node's whole raw log, against the goal.
    func replication() -> Replication? {
        let head = ledger.span(of: id).head.seq
        let holders = Set(gossip.peers.values.filter { ($0.holdsOwnRawUpTo ?? 0) >= head }.map(\.id) + [id])
        guard let named = ledger.replication(nowMs: nowMs), let own = ledger.replication(heldBy: holders, nowMs: nowMs) else { return nil }
        return Replication(named: named, ownRaw: own)
    }

    /// The peers of `GET /v1/peers`, connected or not.
    public func peers() -> [PeerStatus] {
        gossip.peers.values.sorted { $0.id < $1.id }.map { state in
            let bytes = connections[state.id]?.bytes.totals ?? (0, 0)
            return PeerStatus(nodeID: state.id.hex, asn: state.asn, connected: state.connected,
                              lastContact: state.lastContactMs.map { Date(unixMilliseconds: $0).rfc3339 },
                              failures: state.failures, exchanges: state.exchanges, bytesIn: bytes.0, bytesOut: bytes.1,
                              digest: state.lastDigest?.hex, sameDigest: state.lastDigest?.matches(ledger.digest(scope: ledger.scope(between: id, and: state.id))) == true)
        }
    }
}
