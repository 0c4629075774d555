import VantageIdentity
import VantageWire

/// A fact the ledger accepted (admitted or held), to be made durable by the store.
public enum JournalEntry: Sendable {
    /// A signed fact with its record id.
    case fact(Hash256, Envelope)
    /// An equivocation proof.
    case proof(ProofFact)
}

extension Ledger {
    /// Returns and clears the facts accepted since the last call. Empty unless `journaling` is on.
    public mutating func takeJournal() -> [JournalEntry] {
        defer { journal.removeAll() }
        return journal
    }

    /// Notes an accepted fact when journaling.
    mutating func journalize(_ entry: JournalEntry) {
        if journaling { journal.append(entry) }
    }
}
