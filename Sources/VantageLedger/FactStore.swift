import VantageIdentity
import VantageWire

/// A fact the ledger accepted (admitted or held), to be made durable by its store.
public enum JournalEntry: Sendable {
    /// A signed fact with its record id.
    case fact(Hash256, Envelope)
    /// An equivocation proof.
    case proof(ProofFact)
}

/// Everything a store holds: the facts a ledger is rebuilt from.
public struct StoredFacts: Sendable {
    /// Signed facts, admitted or held, in any order.
    public var facts: [Envelope] = []
    /// Equivocation proofs.
    public var proofs: [EquivocationProof] = []

    /// Stored facts as listed.
    public init(facts: [Envelope] = [], proofs: [EquivocationProof] = []) {
        self.facts = facts
        self.proofs = proofs
    }
}

/// Where a ledger keeps the facts it accepted, so that a restart rebuilds the same ledger: SQLite
/// on a node (`VantageStore`), memory in the simulator and in property tests.
public protocol FactStore: Sendable {
    /// Makes `entries` durable, all or none; when it returns they survive a crash.
    mutating func append(_ entries: [JournalEntry]) throws
    /// Every stored fact and proof.
    func contents() throws -> StoredFacts
}

/// A store in memory: a value, so a copied ledger carries a copy of its store (the simulator
/// keeps a crashed node's store and rebuilds the node from it).
public struct MemoryFactStore: FactStore {
    private var stored = StoredFacts()

    /// An empty store.
    public init() {}

    public mutating func append(_ entries: [JournalEntry]) {
        for entry in entries {
            switch entry {
            case .fact(_, let envelope): stored.facts.append(envelope)
            case .proof(let proof): stored.proofs.append(proof.message)
            }
        }
    }

    public func contents() -> StoredFacts { stored }
}

extension Ledger {
    /// Writes the facts accepted since the last commit to the store. Nothing that depends on
    /// them may be announced before this returns; a failure names the store and what was lost.
    public mutating func commit() throws {
        guard var store, !journal.isEmpty else { return }
        try store.append(journal)
        self.store = store
        journal.removeAll()
    }

    /// Notes an accepted fact for the next commit (only when the ledger has a store).
    mutating func journalize(_ entry: JournalEntry) {
        if store != nil { journal.append(entry) }
    }

    /// Rebuilds the ledger kept in `store`: every stored fact verified (with `verify`) and inserted
    /// again, batches in chain order. Refusals are returned, not thrown.
    public static func open(root: PublicKey, store: any FactStore, nowMs: Int64, limits: LedgerLimits = LedgerLimits(),
                            verify: (Envelope) throws -> SignedFact = SignedFact.init(verifying:)) throws -> (Ledger, ApplyReport) {
        let stored = try store.contents()
        var ledger = Ledger(root: root, limits: limits)
        let report = ledger.apply(chainOrdered(stored.facts, proofs: stored.proofs), nowMs: nowMs, verify: verify)
        ledger.store = store
        return (ledger, report)
    }

    /// A delta of `facts` with small facts first and batches in chain order (by signer, then seq),
    /// so a long log is admitted batch after batch instead of being held (and, past the held limit,
    /// refused) until its predecessors come.
    static func chainOrdered(_ facts: [Envelope], proofs: [EquivocationProof]) -> Delta {
        var delta = Delta()
        delta.facts = facts.filter { $0.kind != .batch }
        delta.batches = facts.filter { $0.kind == .batch }
            .map { ($0, BatchPeek.seq($0.payload) ?? 0) }
            .sorted { a, b in a.0.signer == b.0.signer ? a.1 < b.1 : a.0.signer.lexicographicallyPrecedes(b.0.signer) }
            .map(\.0)
        delta.proofs = proofs
        return delta
    }
}
