import Foundation
import VantageIdentity
import VantageWire

/// The replicated ledger: a set of verified, signed facts whose merge is set union
/// (DESIGN.md, "The ledger"). Time comes in as `nowMs`; the facts live in a `FactStore` (SQLite on
/// a node, memory elsewhere) and the ledger keeps in memory only what deciding needs: the small
/// facts, each origin's index and the facts held for later.
///
/// - roster: enrollments and revocations (grow-only);
/// - campaigns: every root-signed campaign (grow-only: batches are numbered by them); the register
///   is the one with the highest version (ties: the higher id);
/// - logs: per log (each origin has a raw and a summary log, SPEC §5.8), hash-chained batches by
///   seq above a retention floor;
/// - proofs: equivocation proofs; their origins are excluded and their logs dropped;
/// - attestations: entries of the summary logs, indexed by the batches that carry them.
public struct Ledger: Sendable {
    /// The mesh root key: the only signer of enrollments, revocations and campaigns.
    public let root: PublicKey
    /// The bounds this ledger enforces.
    public let limits: LedgerLimits

    /// Enrollments by record id.
    public internal(set) var enrollments: [Hash256: Verified<Enrollment>] = [:]
    /// Revocations by record id.
    public internal(set) var revocations: [Hash256: Verified<Revocation>] = [:]
    /// Every campaign, by record id.
    public internal(set) var campaigns: [Hash256: Verified<Campaign>] = [:]
    /// The campaign register: the campaign with the highest version (ties: the higher id).
    public internal(set) var campaign: Verified<Campaign>?
    /// The node ids the campaign register names as archivers (empty: every node keeps every log).
    public internal(set) var archivers: Set<NodeID> = []
    /// The relays the campaign register lists, with their addresses (SPEC §7.5).
    public internal(set) var relays: [NodeID: String] = [:]
    /// Logs by log id: an origin's node id for its raw log, its `summaryLogID` for its summary
    /// log (excluded origins have none).
    public internal(set) var logs: [NodeID: OriginLog] = [:]
    /// The node each known summary log id belongs to (derived from the enrollments).
    var summaryLogOwners: [NodeID: NodeID] = [:]
    /// The logs of enrolled nodes by the first 4 bytes of their id, and the prefixes several of
    /// them share (derived from the enrollments; `Want`s and `Announce`s name logs by prefix).
    var logsByPrefix: [UInt64: NodeID] = [:]
    var sharedPrefixes: Set<UInt64> = []
    /// One equivocation proof per excluded origin: the first found. Any valid proof is equal
    /// evidence, so which one a replica keeps is not part of the state; the excluded set is.
    public internal(set) var proofs: [NodeID: ProofFact] = [:]
    /// The admitted summary batches that carry attestations, by batch id (an index of the summary
    /// logs, kept in memory and, as the batches, in the store's small-fact table: SPEC §8, §13.8).
    public internal(set) var attestationIndex: [Hash256: AttestationEntry] = [:]

    /// Enrollments and revocations indexed by node id (derived from the sets above).
    var enrollmentsByNode: [NodeID: [Verified<Enrollment>]] = [:]
    var revocationsByNode: [NodeID: [Verified<Revocation>]] = [:]
    /// The id of the campaign of each campaign name (derived, SPEC §5.6).
    var campaignIDs: [Data: Hash256] = [:]
    /// The numbering of each campaign (derived).
    var numberings: [Hash256: CampaignNumbering] = [:]
    /// Proofs whose signer is not enrolled yet (not part of the state).
    var heldProofs: [Hash256: ProofFact] = [:]
    /// When each held fact arrived, by id: held facts expire (`expireHeld`), so facts of signers
    /// that never get enrolled do not stay.
    var heldArrivals: [Hash256: Int64] = [:]
    /// Held batches over all origins.
    var heldBatchCount = 0
    /// Creation time of the newest admitted batch over all logs (derived, kept up to date).
    public internal(set) var newestBatchMs: Int64?
    /// The smallest `firstCreatedMs` over all logs: nothing is pruned while the cutoff is below it.
    var oldestKeptMs: Int64?
    /// What the store's tallies are recorded as counted with (nil: not recorded yet).
    var storedTallyBasis: TallyBasis?
    /// Origins whose index changed since the last commit.
    var changedOrigins: Set<NodeID> = []
    /// Identifies the current state for the memo; replaced by every mutating entry point.
    var stamp: UInt64 = LedgerMemo.freshStamp()
    /// Identifies the current small sets (roster, revocations, campaigns, excluded).
    var smallStamp: UInt64 = LedgerMemo.freshStamp()
    let memo = LedgerMemo()
    /// Where the facts are. A copy of a ledger over a memory store carries a copy of it; over
    /// SQLite it shares the file, and only the copy that writes may be trusted to match it.
    public internal(set) var store: any FactStore

    /// An empty ledger for the mesh whose root key is `root`, keeping its facts in `store`.
    public init(root: PublicKey, limits: LedgerLimits = LedgerLimits(), store: any FactStore = MemoryFactStore()) {
        self.root = root
        self.limits = limits
        self.store = store
    }

    /// Origins excluded for equivocation.
    public var excluded: Dictionary<NodeID, ProofFact>.Keys { proofs.keys }

    /// The mesh id: SHA-256 of the root key.
    public var meshID: Hash256 { root.id }

    /// Inserts one verified fact. Throws `LedgerError` when it must be refused; a refused fact
    /// changes nothing.
    @discardableResult
    public mutating func insert(_ fact: SignedFact, nowMs: Int64) throws -> Admission {
        let previous = stamp
        stamp = LedgerMemo.freshStamp()
        do {
            let admission = try admit(fact, nowMs: nowMs)
            if admission == .duplicate { stamp = previous }
            return admission
        } catch {
            stamp = previous  // a refused fact changes nothing
            throw error
        }
    }

    private mutating func admit(_ fact: SignedFact, nowMs: Int64) throws -> Admission {
        switch fact {
        case .enrollment(let v): return try insertEnrollment(v)
        case .revocation(let v): return try insertRevocation(v)
        case .campaign(let v): return try insertCampaign(v)
        case .batch(let v): return try insertBatch(v, nowMs: nowMs)
        case .enrollmentRequest:
            throw LedgerError.malformed(kind: "enrollment-request", reason: "requests go to the admin, not into the ledger")
        }
    }

    /// Verifies an envelope and inserts it.
    @discardableResult
    public mutating func insert(envelope: Envelope, nowMs: Int64) throws -> Admission {
        try insert(Self.verify(envelope, with: SignedFact.init(verifying:)), nowMs: nowMs)
    }

    /// Runs a verifier, reporting its failure as a refusal of an unverified fact.
    static func verify(_ envelope: Envelope, with verifier: (Envelope) throws -> SignedFact) throws -> SignedFact {
        if envelope.kind == .batch, envelope.signer.isEmpty {
            // Left out on the wire (SPEC §7.2) and not restored: its origin is enrolled nowhere here.
            let origin = BatchPeek.origin(envelope.payload).flatMap { Hash256(bytes: $0)?.short } ?? "an unreadable origin"
            throw LedgerError.unverified("a batch of \(origin) came without its signer, and no enrollment of that origin is here to restore it from")
        }
        do {
            return try verifier(envelope)
        } catch let error as IdentityError {
            throw LedgerError.unverified(error.description)
        }
    }

    /// The enrollments of a node.
    public func enrollments(of node: NodeID) -> [Verified<Enrollment>] {
        enrollmentsByNode[node] ?? []
    }

    /// The revocations of a node.
    public func revocations(of node: NodeID) -> [Verified<Revocation>] {
        revocationsByNode[node] ?? []
    }

    /// An enrollment of `node` whose validity covers `timeMs`, if any (of several, the smallest
    /// id). Revocations are separate: see `isCutByRevocation`.
    public func enrollment(of node: NodeID, coveringMs timeMs: Int64) -> Verified<Enrollment>? {
        enrollments(of: node).covering(timeMs)
    }

    /// Number of admitted raw batches over all origins.
    public var batchCount: Int { batchCount(of: .raw) }

    /// Number of admitted summary batches over all origins.
    public var summaryBatchCount: Int { batchCount(of: .summary) }

    private func batchCount(of tier: LogTier) -> Int {
        logs.filter { self.tier(ofLog: $0.key) == tier }.values.reduce(0) { $0 + $1.index.batchCount }
    }

    /// Number of measurements in admitted batches.
    public var measurementCount: Int { logs.values.reduce(0) { $0 + $1.index.measurements } }

    /// Number of facts held waiting for a predecessor or an enrollment (not part of the state).
    public var heldCount: Int { heldBatchCount + heldProofs.count }
}
