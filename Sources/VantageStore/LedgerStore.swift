import Foundation
import GRDB
import VantageIdentity
import VantageLedger
import VantageWire

/// The durable set of facts a node has accepted, in SQLite (WAL). The ledger is a function of that
/// set, so a restart replays it. Writes are durable against a crash of the process when `append`
/// returns (WAL, `synchronous=NORMAL`), and against a power cut with `powerSafe` (`synchronous=FULL`
/// for that transaction), which the node asks for its own batches before it announces them.
public final class LedgerStore: FactStore {
    private let database: DatabaseQueue
    /// The database file.
    public let path: String
    /// The protocol version whose records this store holds.
    static let protocolVersion = Int(ProtocolVersion.current)

    /// Opens (creating if needed) the store at `path`, in WAL mode. A store written by another
    /// protocol version is refused, naming its version. `trace` hears every SQL statement run
    /// (for tests and debugging).
    public init(path: String, trace: (@Sendable (String) -> Void)? = nil) throws {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        if let trace {
            configuration.prepareDatabase { db in db.trace { trace($0.description) } }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError("cannot open the ledger store \(path): \(error)")
        }
        try checkVersion()
        do {
            try Self.migrator.migrate(database)
        } catch {
            throw StoreError("cannot open the ledger store \(path): \(error)")
        }
    }

    /// Refuses a store of protocol version 1 (its `fact` table predates the `meta` table).
    private func checkVersion() throws {
        let found: Int? = try? database.read { db in
            if try db.tableExists("meta") {
                return try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'protocol_version'")
            }
            return try db.tableExists("fact") ? 1 : nil
        }
        if let found, found != Self.protocolVersion {
            throw StoreError("\(path) holds a ledger of protocol version \(found); this node speaks version \(Self.protocolVersion) "
                             + "and cannot read it (nothing of version \(found) was deployed): move the file aside and let the node fetch its ledger from its peers")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("protocol-2") { db in
            try db.create(table: "meta") { table in
                table.column("key", .text).primaryKey()
                table.column("value", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('protocol_version', ?)", arguments: [protocolVersion])
            try db.create(table: "fact") { table in
                table.column("id", .blob).primaryKey()
                table.column("kind", .integer).notNull()
                table.column("envelope", .blob).notNull()
            }
            try db.create(table: "proof") { table in
                table.column("id", .blob).primaryKey()
                table.column("proof", .blob).notNull()
            }
            try db.create(table: "quarantine") { table in
                table.column("source", .text).notNull()
                table.column("id", .blob).notNull()
                table.column("bytes", .blob)
                table.column("reason", .text).notNull()
            }
        }
        return migrator
    }

    public func append(_ entries: [JournalEntry], powerSafe: Bool) throws {
        guard !entries.isEmpty else { return }
        do {
            try database.writeWithoutTransaction { db in
                if powerSafe { try db.execute(sql: "PRAGMA synchronous = FULL") }
                defer { if powerSafe { try? db.execute(sql: "PRAGMA synchronous = NORMAL") } }
                try db.inTransaction {
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
                    return .commit
                }
            }
        } catch {
            throw StoreError("cannot write \(entries.count) facts to \(path): \(error)")
        }
    }

    public func contents() throws -> StoredFacts {
        do {
            return try database.read { db in
                var stored = StoredFacts()
                let facts = try Row.fetchCursor(db, sql: "SELECT id, envelope FROM fact ORDER BY kind, id")
                while let row = try facts.next() {
                    let key: Data = row["id"], bytes: Data = row["envelope"]
                    do {
                        stored.facts.append(StoredRow(key: key, value: try Envelope(serializedBytes: bytes)))
                    } catch {
                        stored.unreadable.append(UnreadableRow(table: "fact", key: key, reason: "not a protobuf envelope: \(error)"))
                    }
                }
                let proofs = try Row.fetchCursor(db, sql: "SELECT id, proof FROM proof ORDER BY id")
                while let row = try proofs.next() {
                    let key: Data = row["id"], bytes: Data = row["proof"]
                    do {
                        stored.proofs.append(StoredRow(key: key, value: try EquivocationProof(serializedBytes: bytes)))
                    } catch {
                        stored.unreadable.append(UnreadableRow(table: "proof", key: key, reason: "not a protobuf proof: \(error)"))
                    }
                }
                return stored
            }
        } catch {
            throw StoreError("cannot read the ledger store \(path): \(error)")
        }
    }

    public func quarantine(_ rows: [UnreadableRow]) throws {
        do {
            try database.write { db in
                for row in rows {
                    let column = row.table == "proof" ? "proof" : "envelope"
                    let table = row.table == "proof" ? "proof" : "fact"
                    let bytes = try Data.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE id = ?", arguments: [row.key])
                    try db.execute(sql: "INSERT INTO quarantine (source, id, bytes, reason) VALUES (?, ?, ?, ?)",
                                   arguments: [table, row.key, bytes, row.reason])
                    try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [row.key])
                }
            }
        } catch {
            throw StoreError("cannot move \(rows.count) unreadable rows aside in \(path): \(error)")
        }
    }

    /// Rebuilds the ledger kept here, verifying every fact again; the ledger then commits to this store.
    public func loadLedger(root: PublicKey, nowMs: Int64, limits: LedgerLimits = LedgerLimits()) throws -> (Ledger, OpenReport) {
        try Ledger.open(root: root, store: self, nowMs: nowMs, limits: limits)
    }

    /// Number of stored facts.
    public func factCount() throws -> Int {
        try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM fact") ?? 0 }
    }

    /// Number of rows moved aside.
    public func quarantinedCount() throws -> Int {
        try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM quarantine") ?? 0 }
    }
}

/// A failure of the store, naming the file.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
