import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The sans-IO gossip state machine of one node (protocol/SPEC.md §7). It decides which peers to
/// dial and contact and what to send; its shell moves bytes and applies deltas. Time and
/// randomness are arguments, and the ledger is read, never written, so the same machine runs over
/// real TLS and in the deterministic simulator.
public struct GossipNode: Sendable {
    /// This node's id.
    public let id: NodeID
    /// This node's ASN, to prefer peers elsewhere.
    public let asn: UInt32
    /// The settings.
    public let settings: GossipSettings
    /// Peers by id, connected or not.
    public internal(set) var peers: [NodeID: PeerState] = [:]
    /// Addresses to keep a connection to, with their back-off.
    public private(set) var addresses: [String: AddressState] = [:]
    /// When the next anti-entropy round starts.
    public private(set) var nextRoundMs: Int64 = 0
    /// Anti-entropy rounds started.
    var rounds = 0
    /// Per log, the highest seq asked of a peer after an announcement: not asked again of another
    /// peer until an exchange timeout has passed, and then of the next peer that announced it.
    var wanted: [NodeID: WantedLog] = [:]

    /// A pull in flight: the seq asked for, when, of whom, and the other peers that announced it
    /// since (with the name each gave the log), to ask in turn if no answer brings it.
    struct WantedLog: Sendable {
        var seq: UInt64
        var atMs: Int64
        var askedOf: NodeID
        var alternates: [(peer: NodeID, name: Data)] = []
    }

    /// Announcers of a pulled seq kept to ask next.
    static let maxAlternates = 2

    /// Dial state of one address.
    public struct AddressState: Sendable, Equatable {
        /// The peer reached there, once a connection succeeded.
        public var peer: NodeID?
        /// True while a dial is in flight.
        public var dialing = false
        /// Consecutive dial failures.
        public var failures = 0
        /// No dial before this time.
        public var backoffUntilMs: Int64 = 0
    }

    /// A machine for node `id` in `asn` that keeps connections to `join` addresses.
    public init(id: NodeID, asn: UInt32, settings: GossipSettings = GossipSettings(), join: [String] = []) {
        self.id = id
        self.asn = asn
        self.settings = settings
        for address in join { addresses[address] = AddressState() }
    }

    /// Adds addresses to keep connected (e.g. the relays of a new campaign).
    public mutating func learn(addresses new: [String]) {
        for address in new where addresses[address] == nil { addresses[address] = AddressState() }
    }

    /// Periodic step: time out exchanges, dial addresses, start an anti-entropy round when due.
    public mutating func onTick<G: RandomNumberGenerator>(nowMs: Int64, ledger: Ledger, using rng: inout G) -> [GossipDirective] {
        var directives: [GossipDirective] = []
        for (peer, state) in peers {
            if let exchange = state.exchange, nowMs - exchange.sinceMs > settings.exchangeTimeoutMs {
                directives += fail(peer, reason: "no answer within \(settings.exchangeTimeoutMs) ms", nowMs: nowMs, using: &rng)
            }
        }
        for (address, state) in addresses.sorted(by: { $0.key < $1.key }) where !state.dialing && state.backoffUntilMs <= nowMs {
            if let peer = state.peer, peers[peer]?.connected == true { continue }
            addresses[address]?.dialing = true
            directives.append(.dial(address))
        }
        directives += retryPulls(nowMs: nowMs, ledger: ledger)
        if nowMs >= nextRoundMs {
            nextRoundMs = nowMs + settings.intervalMs
            // A peer that announced this very digest within the interval is in sync: a round with
            // it would be two summaries saying so again (it starts one itself when it changes).
            let ready = peers.values.filter {
                $0.connected && $0.exchange == nil && $0.backoffUntilMs <= nowMs
                    && !($0.lastDigest?.matches(ledger.digest(scope: ledger.scope(between: id, and: $0.id))) == true && nowMs - $0.lastDigestAtMs < settings.intervalMs)
            }
            rounds += 1
            for peer in choosePeers(roundPeers(ready, ledger: ledger), count: settings.fanout, ownASN: asn, using: &rng) {
                let settled = settings.settledHorizon(nowMs: nowMs)
                peers[peer]?.exchange = .awaitingSummaryReply(sinceMs: nowMs, settledBeforeMs: settled)
                directives.append(.send(.summary(ledger, scope: ledger.scope(between: id, and: peer), reply: false, settledBeforeMs: settled), to: peer))
            }
        }
        return directives
    }

    /// The peers a round may choose from. Archivers take part in every `archiverRoundEvery`-th
    /// round only: an archiver starts no other round, and an ordinary node leaves them out of its
    /// other rounds unless fewer than `fanout` other peers are ready (its only peers may be relays
    /// that archive). Pushes bring archivers the batches of the nodes connected to them.
    func roundPeers(_ ready: [PeerState], ledger: Ledger) -> [PeerState] {
        guard !ledger.archivers.isEmpty, rounds % settings.archiverRoundEvery != 0 else { return ready }
        if ledger.isArchiver(id) { return [] }
        let others = ready.filter { !ledger.isArchiver($0.id) }
        return others.count >= settings.fanout ? others : ready
    }

    /// A connection to `peer` passed TLS and Hello. `address` is set for connections this node dialed.
    /// The peer takes part from the next round on: nothing to send now.
    public mutating func onConnected(_ peer: NodeID, asn peerASN: UInt32, address: String?, nowMs: Int64) -> [GossipDirective] {
        if peers[peer] == nil { peers[peer] = PeerState(id: peer, asn: peerASN) }
        peers[peer]?.connected = true
        peers[peer]?.lastContactMs = nowMs
        if let address {
            addresses[address] = AddressState(peer: peer)
        }
        return []
    }

    /// A dial to `address` failed before Hello completed: the address backs off.
    public mutating func onDialFailed<G: RandomNumberGenerator>(_ address: String, nowMs: Int64, using rng: inout G) -> [GossipDirective] {
        guard var state = addresses[address] else { return [] }
        state.dialing = false
        state.failures += 1
        state.backoffUntilMs = nowMs + backoffDelay(failures: state.failures, settings: settings, using: &rng)
        addresses[address] = state
        return []
    }

    /// The connection to `peer` closed.
    public mutating func onDisconnected<G: RandomNumberGenerator>(_ peer: NodeID, nowMs: Int64, using rng: inout G) -> [GossipDirective] {
        var directives: [GossipDirective] = []
        if peers[peer]?.exchange != nil {
            directives = fail(peer, reason: "connection closed during an exchange", nowMs: nowMs, using: &rng)
        }
        peers[peer]?.connected = false
        for (address, state) in addresses where state.peer == peer {
            addresses[address]?.dialing = false
            addresses[address]?.backoffUntilMs = peers[peer]?.backoffUntilMs ?? nowMs
        }
        return directives
    }

    /// A batch this node just signed (and made durable): push it to a few of the peers that keep
    /// its log (a raw batch only to archivers, SPEC §7.4); an ordinary node pushes it to one
    /// archiver it is connected to, which forwards it to the others, and to a few other peers.
    public func onLocalBatch<G: RandomNumberGenerator>(_ envelope: Envelope, ledger: Ledger, using rng: inout G) -> [GossipDirective] {
        let log = envelope.batchPosition?.log ?? id
        let connected = peers.values.filter { $0.connected && ledger.keeps(log, at: $0.id) }
        let archivers = ledger.isArchiver(id) ? [] : connected.filter { ledger.isArchiver($0.id) }
        let others = connected.filter { !ledger.isArchiver($0.id) || ledger.isArchiver(id) }
        return (choosePeers(archivers, count: 1, ownASN: asn, using: &rng)
                + choosePeers(others, count: settings.eagerPushPeers, ownASN: asn, using: &rng)).map { .send(.push(envelope), to: $0) }
    }

    /// Records a failure of `peer`: its exchange ends and it backs off.
    mutating func fail<G: RandomNumberGenerator>(_ peer: NodeID, reason: String, nowMs: Int64, using rng: inout G) -> [GossipDirective] {
        guard var state = peers[peer] else { return [] }
        state.exchange = nil
        state.failures += 1
        state.backoffUntilMs = nowMs + backoffDelay(failures: state.failures, settings: settings, using: &rng)
        peers[peer] = state
        return [.exchangeEnded(peer, .failed(reason))]
    }

    /// Records the end of a successful exchange with `peer`.
    mutating func succeed(_ peer: NodeID, _ outcome: ExchangeOutcome, nowMs: Int64) -> [GossipDirective] {
        peers[peer]?.exchange = nil
        peers[peer]?.failures = 0
        peers[peer]?.backoffUntilMs = 0
        peers[peer]?.lastContactMs = nowMs
        peers[peer]?.exchanges += 1
        return [.exchangeEnded(peer, outcome)]
    }
}
