import VantageLedger
/// `GET /v1/status`: who this node is and what its ledger holds.
public struct AgentStatus: Codable, Sendable {
    public struct LedgerState: Codable, Sendable {
        /// The digest of everything this node holds.
        public var digest: String
        /// The digest of the small facts and the summary tier: equal on every node in sync,
        /// archivers and ordinary nodes alike (protocol/SPEC.md §7.4).
        public var summaryDigest: String
        public var origins: Int
        /// Raw batches (measurements), and batches of window summaries.
        public var batches: Int
        public var summaryBatches: Int
        public var measurements: Int
        public var held: Int
        public var excluded: Int

        enum CodingKeys: String, CodingKey {
            case digest, origins, batches, measurements, held, excluded
            case summaryBatches = "summary_batches"
            case summaryDigest = "summary_digest"
        }
    }

    public var nodeID: String
    public var meshID: String
    public var meshName: String
    public var country: String
    public var asn: UInt32
    public var isp: String
    /// True when this node keeps every raw log (a named archiver, or no archivers named).
    public var archiver: Bool
    public var ledger: LedgerState
    public var peers: [PeerStatus]
    /// Raw evidence against the campaign's replication goal; nil when it names no archivers.
    public var replication: Replication?
    /// Set while the node recovers its own log: why it signs nothing.
    public var recovering: String?

    enum CodingKeys: String, CodingKey {
        case country, asn, isp, archiver, ledger, peers, recovering, replication
        case nodeID = "node_id"
        case meshID = "mesh_id"
        case meshName = "mesh_name"
    }
}

/// Where raw evidence is held (protocol/SPEC.md §7.4): the archivers the campaign names, and
/// those that have confirmed holding this node's raw log up to its newest batch.
public struct Replication: Codable, Sendable {
    public var named: ReplicationState
    public var ownRaw: ReplicationState
    enum CodingKeys: String, CodingKey { case named, ownRaw = "own_raw" }

    /// The first shortfall, in words, or nil when both meet the goal.
    public var shortfall: String? {
        named.shortfall.map { "the campaign names \($0)" } ?? ownRaw.shortfall.map { "this node's newest raw batches are held by \($0)" }
    }
}

/// One peer in `GET /v1/peers` and in the status.
public struct PeerStatus: Codable, Sendable {
    public var nodeID: String
    public var asn: UInt32
    public var connected: Bool
    public var lastContact: String?
    public var failures: Int
    public var exchanges: Int
    public var bytesIn: Int
    public var bytesOut: Int
    /// The ledger digest the peer last announced, hex (its first 16 bytes, as gossip carries it),
    /// and whether it is that of this node's now.
    public var digest: String?
    public var sameDigest: Bool

    enum CodingKeys: String, CodingKey {
        case asn, connected, failures, exchanges, digest
        case sameDigest = "same_digest"
        case nodeID = "node_id"
        case lastContact = "last_contact"
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
    }
}

/// The reply to `POST /v1/measurements` and `POST /v1/facts`.
public struct SubmitReport: Codable, Sendable {
    /// Lines or facts accepted.
    public var accepted: Int
    /// Lines or facts refused.
    public var refused: Int
    /// Batches signed.
    public var batches: Int
    /// Each refusal with its line number (or index) and reason.
    public var errors: [String]

    /// A report.
    public init(accepted: Int, refused: Int, batches: Int, errors: [String]) {
        self.accepted = accepted
        self.refused = refused
        self.batches = batches
        self.errors = errors
    }
}
