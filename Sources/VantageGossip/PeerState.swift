import VantageIdentity

/// What the gossip layer knows of one peer: identity, liveness from contact, and its exchange.
public struct PeerState: Sendable {
    /// Where an exchange this node started stands.
    enum Exchange: Sendable, Equatable {
        /// The horizon of the settled digest this node sent, if any.
        case awaitingSummaryReply(sinceMs: Int64, settledBeforeMs: Int64?)
        case awaitingDelta(sinceMs: Int64)

        var sinceMs: Int64 {
            switch self {
            case .awaitingSummaryReply(let ms, _), .awaitingDelta(let ms): return ms
            }
        }
    }

    /// The peer's node id.
    public let id: NodeID
    /// The peer's ASN (from its enrollment).
    public let asn: UInt32
    /// True while a connection is open.
    public internal(set) var connected = true
    /// Consecutive failures; 0 after a success.
    public internal(set) var failures = 0
    /// No new exchange is started before this time.
    public internal(set) var backoffUntilMs: Int64 = 0
    /// Last time the peer answered.
    public internal(set) var lastContactMs: Int64?
    /// The ledger digest the peer last announced in a summary (as frames carry it), and when.
    public internal(set) var lastDigest: DigestPrefix?
    var lastDigestAtMs: Int64 = .min
    /// How far the peer holds this node's raw log: its head seq when the peer last announced the
    /// digest this node has over a scope that covers the log (an archiver in sync).
    public internal(set) var holdsOwnRawUpTo: UInt64?
    /// Exchanges that ended in sync or synced.
    public internal(set) var exchanges = 0
    var exchange: Exchange?
    /// Batches sent to this peer lately, which its vectors may not show yet.
    var inFlight = InFlight()
    /// Since `answersSinceMs` (rate limit): deltas built for this peer's version vectors, and
    /// batch bytes sent for its `Want`s.
    var vectorAnswers = 0
    var wantBytes = 0
    var answersSinceMs: Int64 = 0
    /// Raw batches this relay is fetching from archivers for the peer (SPEC §7.5), and in how
    /// many forwarded `Want`s.
    var forwarding: Set<EvidencePlace> = []
    var forwardsInFlight = 0

    init(id: NodeID, asn: UInt32) {
        self.id = id
        self.asn = asn
    }
}

/// Exponential back-off with jitter: base × 2^(failures−1), capped, plus up to 25 % random.
func backoffDelay<G: RandomNumberGenerator>(failures: Int, settings: GossipSettings, using rng: inout G) -> Int64 {
    precondition(failures > 0, "back-off only after a failure")
    let exponent = min(failures - 1, 20)
    let delay = min(settings.backoffBaseMs << Int64(exponent), settings.backoffMaxMs)
    return delay + Int64.random(in: 0...(delay / 4), using: &rng)
}

/// Chooses up to `count` peers at random, those in other ASNs than `ownASN` first.
func choosePeers<G: RandomNumberGenerator>(_ candidates: [PeerState], count: Int, ownASN: UInt32, using rng: inout G) -> [NodeID] {
    let sorted = candidates.sorted { $0.id < $1.id }
    let others = sorted.filter { $0.asn != ownASN }.shuffled(using: &rng)
    let same = sorted.filter { $0.asn == ownASN }.shuffled(using: &rng)
    return (others + same).prefix(count).map(\.id)
}

/// A raw batch by its origin and seq: how summaries name evidence, and what a `Want` of evidence
/// asks for.
public struct EvidencePlace: Hashable, Comparable, Sendable {
    public var origin: NodeID
    public var seq: UInt64

    /// A place.
    public init(origin: NodeID, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (a: EvidencePlace, b: EvidencePlace) -> Bool { (a.origin, a.seq) < (b.origin, b.seq) }
}
