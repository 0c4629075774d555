/// The gossip layer's settings, each with its documented default (protocol/SPEC.md §9).
public struct GossipSettings: Sendable, Equatable {
    /// Time between anti-entropy rounds, in ms (default 1 s).
    public var intervalMs: Int64
    /// Peers contacted per anti-entropy round (default 2).
    public var fanout: Int
    /// Peers a new local batch is pushed to at once (default 3).
    public var eagerPushPeers: Int
    /// Peers told of batches this node just admitted from others, which they pull if they lack
    /// them (lazy push, SPEC §7.3; default 4; 0: none).
    public var announcePeers: Int
    /// A batch counts as settled once created more than this many gossip intervals before an
    /// exchange starts: an exchange whose two ends differ only by batches not yet settled ends at
    /// its first reply, since pushes and announcements are carrying them (SPEC §7.3; default 1;
    /// 0: exchanges compare whole digests only).
    public var settleRounds: Int
    /// Byte budget of one delta (default 1 MiB; must stay below the frame limit).
    public var maxDeltaBytes: Int
    /// An exchange not finished after this many ms counts as a failure (default 10 s).
    public var exchangeTimeoutMs: Int64
    /// First back-off after a failure, in ms; doubles per failure (default 500 ms).
    public var backoffBaseMs: Int64
    /// Longest back-off, in ms (default 60 s).
    public var backoffMaxMs: Int64
    /// Deltas built for one peer's version vectors per gossip interval, and as many full deltas'
    /// bytes (`maxDeltaBytes` each) of batches for its Wants, in however many pulls; beyond it a
    /// request is not answered, so a 50-byte request cannot buy a megabyte without limit (default 4).
    public var maxAnswersPerInterval: Int
    /// An ordinary node with other peers starts anti-entropy with archivers only every this many
    /// rounds: its batches reach them by push, and an archiver, a peer of many, is spared
    /// exchanges that say "in sync" (SPEC §7.4; default 20; 1: every round).
    public var archiverRoundEvery: Int
    /// Ranges one `Want` of evidence may name; a larger one is not answered (default 256).
    public var maxEvidenceRanges: Int
    /// Bytes a relay charges a peer's Want budget for each range it forwards to archivers (SPEC
    /// §7.5), as if it had answered it with a raw batch of a round (default 4 KiB: a `Want` of 256
    /// ranges costs a quarter of the interval's budget).
    public var forwardChargeBytes: Int
    /// Forwarded `Want`s of one peer a relay has in flight at once; ranges beyond are not
    /// forwarded (default 2).
    public var maxForwardsInFlight: Int

    /// The horizon of the settled digest an exchange started at `nowMs` sends; nil when off.
    func settledHorizon(nowMs: Int64) -> Int64? {
        settleRounds > 0 ? nowMs - Int64(settleRounds) * intervalMs : nil
    }

    /// Settings with their documented defaults.
    public init(
        intervalMs: Int64 = 1000, fanout: Int = 2, eagerPushPeers: Int = 3, announcePeers: Int = 4, settleRounds: Int = 1, maxDeltaBytes: Int = 1 << 20,
        exchangeTimeoutMs: Int64 = 10_000, backoffBaseMs: Int64 = 500, backoffMaxMs: Int64 = 60_000,
        maxAnswersPerInterval: Int = 4, archiverRoundEvery: Int = 20, maxEvidenceRanges: Int = 256, forwardChargeBytes: Int = 4 * 1024,
        maxForwardsInFlight: Int = 2
    ) {
        precondition(intervalMs > 0 && fanout > 0 && eagerPushPeers >= 0 && announcePeers >= 0, "interval and fanout must be positive")
        precondition(settleRounds >= 0, "settled batches cannot be newer than the exchange")
        precondition(maxDeltaBytes > 0 && exchangeTimeoutMs > 0, "delta budget and timeout must be positive")
        precondition(backoffBaseMs > 0 && backoffMaxMs >= backoffBaseMs, "back-off must be positive and bounded")
        precondition(maxAnswersPerInterval > 0, "a peer must be answered at least once per interval")
        precondition(archiverRoundEvery > 0, "archivers must take part in some rounds")
        precondition(maxEvidenceRanges > 0 && forwardChargeBytes > 0 && maxForwardsInFlight > 0, "evidence limits must be positive")
        self.intervalMs = intervalMs
        self.fanout = fanout
        self.eagerPushPeers = eagerPushPeers
        self.announcePeers = announcePeers
        self.settleRounds = settleRounds
        self.maxDeltaBytes = maxDeltaBytes
        self.exchangeTimeoutMs = exchangeTimeoutMs
        self.backoffBaseMs = backoffBaseMs
        self.backoffMaxMs = backoffMaxMs
        self.maxAnswersPerInterval = maxAnswersPerInterval
        self.archiverRoundEvery = archiverRoundEvery
        self.maxEvidenceRanges = maxEvidenceRanges
        self.forwardChargeBytes = forwardChargeBytes
        self.maxForwardsInFlight = maxForwardsInFlight
    }
}
