import Foundation
import GRDB
import Synchronization
import VantageIdentity
import VantageLedger
import VantageWire

/// The ledger's facts in SQLite (protocol/SPEC.md §8): small facts and proofs by id, each origin's
/// index row, its batches keyed by (origin, seq), and the scorer's tallies. A node keeps in memory
/// only the index; a restart reads the index rows and the small facts, never the batches.
///
/// Writes go into one open transaction, which the ledger's owner ends with `commit` after each
/// operation: durable against a crash of the process when it returns (WAL, `synchronous=NORMAL`),
/// and against a power cut with `powerSafe` (the WAL is synced), which the node asks for its own
/// batches before it announces them. Deleted rows give their pages back to the file
/// (`auto_vacuum=INCREMENTAL`, run after each commit that deleted), so the file shrinks with
/// retention.
public final class LedgerStore: FactStore {
    let database: DatabaseQueue
    /// The database file.
    public let path: String
    /// The protocol version whose records this store holds.
    static let protocolVersion = Int(ProtocolVersion.current)
    /// How long a statement waits for a lock another connection holds (a `vantage ledger` command
    /// reading the store of a running agent) before it fails.
    static let busyTimeoutSeconds: TimeInterval = 10
    /// Pages freed per commit at most (4 MiB of 4 KiB pages), so a large prune does not stall.
    static let vacuumPagesPerCommit = 1024

    struct Memo {
        /// The first failure since the last commit.
        var failure: StoreError?
        /// Rows deleted since the last commit (then free pages are given back).
        var deleted = false
        var origins: [NodeID: (id: Int64, key: Data?)] = [:]
        var points: [String: Int64] = [:]
        var targets: [String: Int64] = [:]
        var targetNames: [Int64: String] = [:]
        /// Batches not yet written (see `putBatch`).
        var pendingBatches: [StoredBatch] = []
        /// Tally additions not yet written (see `addTallies`).
        var pendingTallies: [NodeID: Tallies] = [:]
        /// Batch rows read, and syncs of the log, since the store was opened (for tests).
        var batchRowsRead = 0
        var logSyncs = 0
    }
    let memo = Mutex(Memo())

    /// Opens (creating if needed) the store at `path`, in WAL mode. A store written by another
    /// protocol version is refused, naming its version. `trace` hears every SQL statement run
    /// (for tests and debugging).
    public init(path: String, trace: (@Sendable (String) -> Void)? = nil) throws {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.allowsUnsafeTransactions = true
        configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            if let trace { db.trace { trace($0.description) } }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError("cannot open the ledger store \(path): \(error)")
        }
        try checkVersion()
        do {
            try Self.migrator.migrate(database)
            try loadNames()
        } catch {
            throw StoreError("cannot open the ledger store \(path): \(error)")
        }
    }

    /// Refuses a store of protocol version 1 (its `fact` table predates the `meta` table), and one
    /// of an earlier layout of version 2 (batches among the facts, no `origin` table).
    private func checkVersion() throws {
        let (found, layout): (Int?, Bool) = (try? database.read { db in
            if try db.tableExists("meta") {
                return (try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'protocol_version'"), try db.tableExists("origin"))
            }
            return (try db.tableExists("fact") ? 1 : nil, true)
        }) ?? (nil, true)
        let advice = "move the file aside and let the node fetch its ledger from its peers"
        if let found, found != Self.protocolVersion {
            throw StoreError("\(path) holds a ledger of protocol version \(found); this node speaks version \(Self.protocolVersion) "
                             + "and cannot read it (nothing of version \(found) was deployed): \(advice)")
        }
        if found != nil, !layout {
            throw StoreError("\(path) holds a ledger in an earlier development layout of version \(Self.protocolVersion) (batches kept in memory): \(advice)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ledger-on-disk") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO meta (key, value) VALUES ('protocol_version', \(protocolVersion));
                CREATE TABLE fact (id BLOB PRIMARY KEY, kind INTEGER NOT NULL, envelope BLOB NOT NULL);
                CREATE TABLE proof (id BLOB PRIMARY KEY, proof BLOB NOT NULL);
                CREATE TABLE origin (
                    id INTEGER PRIMARY KEY, node BLOB NOT NULL UNIQUE, key BLOB,
                    floor_seq INTEGER NOT NULL DEFAULT 0, floor_hash BLOB, floor_created INTEGER NOT NULL DEFAULT 0,
                    head_seq INTEGER NOT NULL DEFAULT 0, head_hash BLOB, head_created INTEGER NOT NULL DEFAULT 0,
                    first_created INTEGER, measurements INTEGER NOT NULL DEFAULT 0,
                    day INTEGER NOT NULL DEFAULT 0, day_batches INTEGER NOT NULL DEFAULT 0, day_bytes INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE batch (
                    rowid INTEGER PRIMARY KEY, id BLOB NOT NULL, created INTEGER NOT NULL, first_ms INTEGER NOT NULL,
                    last_ms INTEGER NOT NULL, measurements INTEGER NOT NULL, payload BLOB NOT NULL, signature BLOB NOT NULL);
                CREATE TABLE point (id INTEGER PRIMARY KEY, origin BLOB NOT NULL, name TEXT NOT NULL UNIQUE, country TEXT NOT NULL, asn INTEGER NOT NULL);
                CREATE INDEX point_origin ON point (origin);
                CREATE TABLE target (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE tally (
                    point INTEGER NOT NULL, target INTEGER NOT NULL, window INTEGER NOT NULL,
                    measurements INTEGER NOT NULL, failures INTEGER NOT NULL, throughputs BLOB,
                    PRIMARY KEY (point, target, window)) WITHOUT ROWID;
                CREATE TABLE quarantine (source TEXT NOT NULL, id BLOB NOT NULL, bytes BLOB, reason TEXT NOT NULL);
                """)
        }
        // Window summaries (SPEC §13c): a cell may hold a summary's throughput; tallies counted
        // before summaries are counted again at open (their basis is forgotten).
        migrator.registerMigration("summary-tallies") { db in
            try db.execute(sql: """
                ALTER TABLE tally ADD COLUMN median_halves INTEGER;
                ALTER TABLE tally ADD COLUMN samples INTEGER;
                DELETE FROM tally;
                DELETE FROM meta WHERE key IN ('tally_window_ms', 'tally_max_age_ms');
                """)
        }
        // Scoring reads the tallies a day at a time: the window leads the key.
        migrator.registerMigration("tally-by-window") { db in
            try db.execute(sql: """
                CREATE TABLE tally_by_window (
                    window INTEGER NOT NULL, point INTEGER NOT NULL, target INTEGER NOT NULL,
                    measurements INTEGER NOT NULL, failures INTEGER NOT NULL, throughputs BLOB, median_halves INTEGER, samples INTEGER,
                    PRIMARY KEY (window, point, target)) WITHOUT ROWID;
                INSERT INTO tally_by_window SELECT window, point, target, measurements, failures, throughputs, median_halves, samples FROM tally;
                DROP TABLE tally;
                ALTER TABLE tally_by_window RENAME TO tally;
                """)
        }
        return migrator
    }

    /// A batch's row id: its origin's number in the high bits, its seq in the low 40.
    static func rowid(_ origin: Int64, _ seq: UInt64) -> Int64 { origin << 40 | Int64(seq & 0xff_ffff_ffff) }

    // MARK: - Doing SQL

    /// Runs a write inside the open transaction (beginning one if none is open). A failure is
    /// remembered for the next commit.
    func write(_ what: @autoclosure () -> String, _ body: (Database) throws -> Void) {
        do {
            try database.inDatabase { db in
                if !db.isInsideTransaction { try db.execute(sql: "BEGIN IMMEDIATE") }
                try body(db)
            }
        } catch {
            fail("cannot \(what()) in \(path): \(error)")
        }
    }

    /// Runs a read (seeing the open transaction's writes); a failure is remembered for the next
    /// commit and `fallback` returned.
    func read<T>(_ what: @autoclosure () -> String, _ fallback: T, _ body: (Database) throws -> T) -> T {
        do {
            return try database.inDatabase(body)
        } catch {
            fail("cannot \(what()) from \(path): \(error)")
            return fallback
        }
    }

    private func fail(_ message: String) {
        memo.withLock { if $0.failure == nil { $0.failure = StoreError(message) } }
    }

    public func commit(powerSafe: Bool) throws {
        flushBatches()
        flushTallies()
        let (failure, deleted) = memo.withLock { memo in
            defer { (memo.failure, memo.deleted) = (nil, false) }
            return (memo.failure, memo.deleted)
        }
        do {
            try database.inDatabase { db in
                guard db.isInsideTransaction else { return }
                if failure != nil { try db.execute(sql: "ROLLBACK"); return }
                try db.execute(sql: "COMMIT")
                if deleted { try db.execute(sql: "PRAGMA incremental_vacuum(\(Self.vacuumPagesPerCommit))") }
            }
            if powerSafe { try syncLog() }
        } catch {
            throw StoreError("cannot commit to the ledger store \(path): \(error)")
        }
        if let failure {
            try? loadNames()
            throw failure
        }
    }

    /// Syncs the write-ahead log, which holds what was just committed, to the disk.
    private func syncLog() throws {
        let descriptor = open(path + "-wal", O_RDONLY)
        guard descriptor >= 0 else { throw StoreError("cannot open \(path)-wal to sync it: errno \(errno)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError("cannot sync \(path)-wal: errno \(errno)") }
        memo.withLock { $0.logSyncs += 1 }
    }

    public var hasUncommitted: Bool {
        !memo.withLock { $0.pendingTallies.isEmpty && $0.pendingBatches.isEmpty } || ((try? database.inDatabase { $0.isInsideTransaction }) ?? false)
    }

    /// Reads the numbers of origins, vantage points and targets into memory.
    private func loadNames() throws {
        try database.inDatabase { db in
            var memo = Memo()
            (memo.batchRowsRead, memo.logSyncs) = self.memo.withLock { ($0.batchRowsRead, $0.logSyncs) }
            for row in try Row.fetchAll(db, sql: "SELECT id, node, key FROM origin") {
                if let node = Hash256(bytes: row["node"] as Data) { memo.origins[node] = (row["id"], row["key"]) }
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM point") { memo.points[row["name"]] = row["id"] }
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM target") {
                memo.targets[row["name"]] = row["id"]
                memo.targetNames[row["id"]] = row["name"]
            }
            self.memo.withLock { $0 = memo }
        }
    }

    /// The number of `origin` (nil when it has no row).
    func originNumber(_ origin: NodeID) -> Int64? { memo.withLock { $0.origins[origin]?.id } }

    /// The number of `origin`, adding its row (with its key, when known) if it has none.
    func originNumber(_ origin: NodeID, key: Data?, in db: Database) throws -> Int64 {
        if let known = memo.withLock({ $0.origins[origin] }) {
            if known.key == nil, let key {
                try db.execute(sql: "UPDATE origin SET key = ? WHERE id = ?", arguments: [key, known.id])
                memo.withLock { $0.origins[origin] = (known.id, key) }
            }
            return known.id
        }
        try db.execute(sql: "INSERT INTO origin (node, key) VALUES (?, ?)", arguments: [Data(origin.bytes), key])
        let id = db.lastInsertedRowID
        memo.withLock { $0.origins[origin] = (id, key) }
        return id
    }

    // MARK: - Facts

    public func putFact(_ id: Hash256, _ envelope: Envelope) {
        write("store fact \(id.short)") { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO fact (id, kind, envelope) VALUES (?, ?, ?)")
                .execute(arguments: [Data(id.bytes), envelope.kind.rawValue, try envelope.serializedData()])
        }
    }

    public func deleteFact(_ id: Hash256) {
        write("delete fact \(id.short)") { db in
            try db.execute(sql: "DELETE FROM fact WHERE id = ?", arguments: [Data(id.bytes)])
        }
        memo.withLock { $0.deleted = true }
    }

    public func putProof(_ proof: ProofFact) {
        write("store proof \(proof.id.short)") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO proof (id, proof) VALUES (?, ?)",
                           arguments: [Data(proof.id.bytes), try proof.message.serializedData()])
        }
    }

    public func quarantine(_ rows: [UnreadableRow]) {
        write("move \(rows.count) unreadable rows aside") { db in
            for row in rows {
                let (table, column) = row.table == "proof" ? ("proof", "proof") : ("fact", "envelope")
                let bytes = try Data.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE id = ?", arguments: [row.key])
                try db.execute(sql: "INSERT INTO quarantine (source, id, bytes, reason) VALUES (?, ?, ?, ?)",
                               arguments: [table, row.key, bytes, row.reason])
                try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [row.key])
            }
        }
    }

    /// Copies the write-ahead log into the database file and empties it (SQLite does this by itself
    /// as the log grows; the benchmark and tests call it to measure the file).
    public func checkpoint() throws {
        try database.inDatabase { db in
            guard !db.isInsideTransaction else { throw StoreError("\(path): commit before a checkpoint") }
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Batch rows read since the store was opened: a restart reads none.
    public var batchRowsRead: Int { memo.withLock { $0.batchRowsRead } }

    /// Syncs of the write-ahead log since the store was opened (one per power-safe commit).
    public var logSyncs: Int { memo.withLock { $0.logSyncs } }

    /// Rows of each table: small facts, batches, tallies (for `vantage ledger inspect` and tests).
    public func rowCounts() throws -> (facts: Int, batches: Int, tallies: Int) {
        flushBatches()
        flushTallies()
        return try database.inDatabase { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fact") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batch") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tally") ?? 0)
        }
    }

    /// Number of rows moved aside.
    public func quarantinedCount() throws -> Int {
        try database.inDatabase { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM quarantine") ?? 0 }
    }

    /// Opens the ledger kept here from its index; the ledger then writes to this store.
    public func loadLedger(root: PublicKey, limits: LedgerLimits = LedgerLimits()) throws -> (Ledger, OpenReport) {
        try Ledger.open(root: root, store: self, limits: limits)
    }
}

/// A failure of the store, naming the file.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
