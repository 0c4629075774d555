import Foundation
import GRDB
import VantageIdentity
import VantageLedger
import VantageWire

/// The durable set of facts a node has accepted, in SQLite (WAL). The ledger is a function of that
/// set, so a restart replays it: verify and insert every stored fact, in any order.
public final class LedgerStore: FactStore {
    private let database: DatabaseQueue
    /// The database file.
    public let path: String

    /// Opens (creating if needed) the store at `path`, in WAL mode.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw StoreError("cannot open the ledger store \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "fact") { table in
                table.column("id", .blob).primaryKey()
                table.column("kind", .integer).notNull()
                table.column("envelope", .blob).notNull()
            }
            try db.create(table: "proof") { table in
                table.column("id", .blob).primaryKey()
                table.column("proof", .blob).notNull()
            }
        }
        return migrator
    }

    /// Writes journal entries in one transaction; when it returns they survive a crash.
    public func append(_ entries: [JournalEntry]) throws {
        guard !entries.isEmpty else { return }
        do {
            try database.write { db in
                for entry in entries {
                    switch entry {
                    case .fact(let id, let envelope):
                        try db.execute(sql: "INSERT OR IGNORE INTO fact (id, kind, envelope) VALUES (?, ?, ?)",
                                       arguments: [Data(id.bytes), envelope.kind.rawValue, try envelope.serializedData()])
                    case .proof(let proof):
                        try db.execute(sql: "INSERT OR IGNORE INTO proof (id, proof) VALUES (?, ?)",
                                       arguments: [Data(proof.id.bytes), try proof.message.serializedData()])
                    }
                }
            }
        } catch {
            throw StoreError("cannot write \(entries.count) facts to \(path): \(error)")
        }
    }

    /// Every stored fact and proof.
    public func contents() throws -> StoredFacts {
        do {
            return try database.read { db in
                var stored = StoredFacts()
                let facts = try Row.fetchCursor(db, sql: "SELECT envelope FROM fact ORDER BY kind, id")
                while let row = try facts.next() {
                    stored.facts.append(try Envelope(serializedBytes: row["envelope"] as Data))
                }
                let proofs = try Row.fetchCursor(db, sql: "SELECT proof FROM proof ORDER BY id")
                while let row = try proofs.next() {
                    stored.proofs.append(try EquivocationProof(serializedBytes: row["proof"] as Data))
                }
                return stored
            }
        } catch {
            throw StoreError("cannot read the ledger store \(path): \(error)")
        }
    }

    /// Rebuilds the ledger kept here, verifying every fact again; the ledger then commits to this store.
    public func loadLedger(root: PublicKey, nowMs: Int64, limits: LedgerLimits = LedgerLimits()) throws -> (Ledger, ApplyReport) {
        try Ledger.open(root: root, store: self, nowMs: nowMs, limits: limits)
    }

    /// Number of stored facts.
    public func factCount() throws -> Int {
        try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM fact") ?? 0 }
    }
}

/// A failure of the store, naming the file.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
