import Foundation
import VantageIdentity
import VantageWire

/// One stored row: its key in the store and its value.
public struct StoredRow<Value: Sendable>: Sendable {
    public var key: Data
    public var value: Value

    /// A row.
    public init(key: Data, value: Value) {
        self.key = key
        self.value = value
    }
}

/// A stored row that cannot be used: it does not decode as what its table holds. It is moved
/// aside (quarantined) and the rest loads.
public struct UnreadableRow: Sendable, Equatable, CustomStringConvertible {
    /// `fact` or `proof`.
    public var table: String
    public var key: Data
    public var reason: String

    /// A row and why it cannot be used.
    public init(table: String, key: Data, reason: String) {
        self.table = table
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(table) row \(Hex.encode(key.prefix(6))): \(reason)" }
}

/// What the stored tallies were counted with: when the campaign changes either, they are counted
/// again from the batches.
public struct TallyBasis: Sendable, Equatable {
    public var windowMs: Int64
    public var maxAgeMs: Int64

    /// A basis.
    public init(windowMs: Int64, maxAgeMs: Int64) {
        self.windowMs = windowMs
        self.maxAgeMs = maxAgeMs
    }
}

/// What a restart reads: everything but the batches and the tallies, which stay in the store.
public struct StoredState: Sendable {
    /// Enrollments, revocations, campaigns and the summary batches that carry attestations (an
    /// index: they are in their logs too), in any order.
    public var facts: [StoredRow<Envelope>] = []
    /// Equivocation proofs.
    public var proofs: [StoredRow<EquivocationProof>] = []
    /// Each origin's index.
    public var origins: [NodeID: OriginIndex] = [:]
    /// What the tallies were counted with (nil: none were).
    public var tallyBasis: TallyBasis?
    /// Origins whose index did not match their batches and was rebuilt from them: their tallies
    /// are counted again.
    public var repaired: [NodeID] = []
    /// Rows that could not be decoded.
    public var unreadable: [UnreadableRow] = []

    /// A state.
    public init() {}
}

/// Where a ledger keeps its facts: SQLite on a node (`VantageStore`), memory in the simulator,
/// in files and in tests (protocol/SPEC.md §8).
///
/// Writes take effect at once for the store's own reads and become durable, all together, at
/// `commit`. A write or read that fails is remembered, and the next `commit` throws it: the owner
/// must then stop, since what it announced could no longer be kept.
public protocol FactStore: Sendable {
    /// Everything a restart needs but the batches and tallies; throws when the store cannot be read.
    func load() throws -> StoredState

    /// Stores a small fact (enrollment, revocation, campaign, a summary batch with attestations) under its id.
    mutating func putFact(_ id: Hash256, _ envelope: Envelope)
    /// Deletes a small fact (a pruned, revoked or excluded summary batch with attestations).
    mutating func deleteFact(_ id: Hash256)
    /// Stores an equivocation proof of `origin`.
    mutating func putProof(_ proof: ProofFact)
    /// Stores an admitted batch.
    mutating func putBatch(_ batch: StoredBatch)
    /// Deletes `origin`'s batches with seqs in `seqs`.
    mutating func deleteBatches(of origin: NodeID, seqs: ClosedRange<UInt64>)
    /// Stores `origin`'s index.
    mutating func putOrigin(_ origin: NodeID, _ index: OriginIndex)
    /// Deletes `origin`'s index, batches and tallies (an excluded origin).
    mutating func deleteOrigin(_ origin: NodeID)
    /// Adds `tallies` (of `origin`'s vantage points) to the stored ones, or takes them away.
    mutating func addTallies(_ tallies: Tallies, of origin: NodeID, subtract: Bool)
    /// Deletes the tallies of `origin`, or all of them.
    mutating func resetTallies(of origin: NodeID?)
    /// Records what the stored tallies are counted with.
    mutating func putTallyBasis(_ basis: TallyBasis)
    /// Makes every write since the last commit durable, all or none: when it returns they survive
    /// a crash of the process; with `powerSafe`, also a power cut (the node's own batches, before
    /// they are announced). Throws the first failure since the last commit.
    mutating func commit(powerSafe: Bool) throws
    /// True when writes wait for a commit.
    var hasUncommitted: Bool { get }
    /// Moves rows that cannot be used aside, keeping them for inspection.
    mutating func quarantine(_ rows: [UnreadableRow])

    /// `origin`'s batch with this seq.
    func batch(of origin: NodeID, seq: UInt64) -> StoredBatch?
    /// `origin`'s batches with seqs in `seqs`, in order, for as long as `take` says yes (it sees
    /// each batch before it is taken, and must not use the store).
    func batches(of origin: NodeID, seqs: ClosedRange<UInt64>, while take: (StoredBatch) -> Bool) -> [StoredBatch]
    /// `origin`'s batches with a measurement starting in `span` (by their first and last
    /// measurement times), in seq order.
    func batches(of origin: NodeID, measuredIn span: Range<Int64>) -> [StoredBatch]
    /// Every stored tally.
    func tallies() -> Tallies
    /// The stored tallies, read a stretch of windows at a time.
    func tallySource() -> any TallySource
}

/// What opening a stored ledger did.
public struct OpenReport: Sendable {
    /// Rows moved aside: undecodable.
    public var quarantined: [UnreadableRow] = []
    /// Origins whose index was rebuilt from their batches.
    public var repaired: [NodeID] = []
    /// True when the tallies were counted again from the batches.
    public var recounted = false
}
