import Foundation
import VantageIdentity
import VantageWire

/// A fact the ledger accepted (admitted), to be made durable by its store.
public enum JournalEntry: Sendable {
    /// A signed fact with its record id.
    case fact(Hash256, Envelope)
    /// An equivocation proof.
    case proof(ProofFact)
}

/// One stored row: its key in the store (the fact's id when it was written) and its value.
public struct StoredRow<Value: Sendable>: Sendable {
    public var key: Data
    public var value: Value

    /// A row.
    public init(key: Data, value: Value) {
        self.key = key
        self.value = value
    }
}

/// A stored row that cannot be used: undecodable, or its signature no longer verifies. It is moved
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

/// Everything a store holds: the facts a ledger is rebuilt from.
public struct StoredFacts: Sendable {
    /// Signed facts, in any order.
    public var facts: [StoredRow<Envelope>] = []
    /// Equivocation proofs.
    public var proofs: [StoredRow<EquivocationProof>] = []
    /// Rows that could not be decoded.
    public var unreadable: [UnreadableRow] = []

    /// Stored facts as listed.
    public init(facts: [StoredRow<Envelope>] = [], proofs: [StoredRow<EquivocationProof>] = [], unreadable: [UnreadableRow] = []) {
        self.facts = facts
        self.proofs = proofs
        self.unreadable = unreadable
    }
}

/// Where a ledger keeps the facts it accepted, so that a restart rebuilds the same ledger: SQLite
/// on a node (`VantageStore`), memory in the simulator and in property tests.
public protocol FactStore: Sendable {
    /// Makes `entries` durable, all or none. When it returns they survive a crash of the process;
    /// with `powerSafe`, also a power cut (the node's own batches, before they are announced).
    mutating func append(_ entries: [JournalEntry], powerSafe: Bool) throws
    /// Every stored fact and proof.
    func contents() throws -> StoredFacts
    /// Moves rows that cannot be used out of the facts, keeping them for inspection.
    mutating func quarantine(_ rows: [UnreadableRow]) throws
}

/// A store in memory: a value, so a copied ledger carries a copy of its store (the simulator
/// keeps a crashed node's store and rebuilds the node from it).
public struct MemoryFactStore: FactStore {
    private var stored = StoredFacts()
    /// Rows moved aside.
    public private(set) var quarantined: [UnreadableRow] = []

    /// An empty store.
    public init() {}

    public mutating func append(_ entries: [JournalEntry], powerSafe: Bool) {
        for entry in entries {
            switch entry {
            case .fact(let id, let envelope): stored.facts.append(StoredRow(key: Data(id.bytes), value: envelope))
            case .proof(let proof): stored.proofs.append(StoredRow(key: Data(proof.id.bytes), value: proof.message))
            }
        }
    }

    public func contents() -> StoredFacts { stored }

    public mutating func quarantine(_ rows: [UnreadableRow]) {
        let keys = Set(rows.map(\.key))
        stored.facts.removeAll { keys.contains($0.key) }
        stored.proofs.removeAll { keys.contains($0.key) }
        quarantined += rows
    }

    /// Replaces a stored fact's bytes, as a damaged disk would (for tests of quarantine).
    public mutating func damage(factAt index: Int, _ change: (inout Envelope) -> Void) {
        change(&stored.facts[index].value)
    }
}

/// What opening a stored ledger did.
public struct OpenReport: Sendable {
    /// Facts inserted again, and the ones refused with why.
    public var applied: ApplyReport
    /// Rows moved aside: undecodable, or no longer verifying.
    public var quarantined: [UnreadableRow]
}

extension Ledger {
    /// Writes the facts accepted since the last commit to the store (`powerSafe`: synced so that
    /// a power cut keeps them). Nothing that depends on them may be announced before this returns;
    /// a failure names the store and what was lost.
    public mutating func commit(powerSafe: Bool = false) throws {
        guard var store, !journal.isEmpty else { return }
        try store.append(journal, powerSafe: powerSafe)
        self.store = store
        journal.removeAll()
    }

    /// Notes an accepted fact for the next commit (only when the ledger has a store).
    mutating func journalize(_ entry: JournalEntry) {
        if store != nil { journal.append(entry) }
    }

    /// Rebuilds the ledger kept in `store`: every stored fact verified (with `verify`) and inserted
    /// again, batches in chain order. A row that cannot be decoded or no longer verifies is moved
    /// aside; refusals are reported, not thrown.
    public static func open(root: PublicKey, store: any FactStore, nowMs: Int64, limits: LedgerLimits = LedgerLimits(),
                            verify: (Envelope) throws -> SignedFact = SignedFact.init(verifying:)) throws -> (Ledger, OpenReport) {
        var store = store
        let stored = try store.contents()
        var unreadable = stored.unreadable
        var verified: [Envelope: SignedFact] = [:]
        var facts: [Envelope] = []
        for row in stored.facts {
            do {
                verified[row.value] = try verify(row.value)
                facts.append(row.value)
            } catch {
                unreadable.append(UnreadableRow(table: "fact", key: row.key, reason: "\(error)"))
            }
        }
        var proofs: [EquivocationProof] = []
        for row in stored.proofs {
            do {
                _ = try ProofFact(verifying: row.value)
                proofs.append(row.value)
            } catch {
                unreadable.append(UnreadableRow(table: "proof", key: row.key, reason: "\(error)"))
            }
        }
        if !unreadable.isEmpty { try store.quarantine(unreadable) }
        var ledger = Ledger(root: root, limits: limits)
        let report = ledger.apply(chainOrdered(facts, proofs: proofs), nowMs: nowMs) { envelope in
            try verified[envelope] ?? verify(envelope)
        }
        ledger.store = store
        return (ledger, OpenReport(applied: report, quarantined: unreadable))
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
