import Foundation
import GRDB
import SwiftProtobuf
import VantageIdentity
import VantageLedger
import VantageWire

/// Batches and origin index rows.
extension LedgerStore {
    static let batchColumns = "rowid, id, created, first_ms, last_ms, measurements, payload, signature"

    /// Batches wait in memory until the commit, or until batches are read or deleted, and are then
    /// written in one go (one call into SQLite per commit instead of one per batch).
    public func putBatch(_ batch: StoredBatch) {
        memo.withLock { $0.pendingBatches.append(batch) }
    }

    /// Writes the batches waiting in memory, in the order they came.
    func flushBatches() {
        let pending = memo.withLock { memo in
            defer { memo.pendingBatches = [] }
            return memo.pendingBatches
        }
        guard !pending.isEmpty else { return }
        write("store \(pending.count) batches") { db in
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO batch (\(Self.batchColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            for batch in pending {
                let origin = try originNumber(batch.origin, key: batch.envelope.signer, in: db)
                try statement.execute(arguments: [Self.rowid(origin, batch.seq), Data(batch.id.bytes), batch.createdMs, batch.firstMs, batch.lastMs,
                                                  batch.measurements, batch.envelope.payload, batch.envelope.signature])
            }
        }
    }

    public func deleteBatches(of origin: NodeID, seqs: ClosedRange<UInt64>) {
        flushBatches()
        guard let number = originNumber(origin) else { return }
        write("delete batches of \(origin.short)") { db in
            try db.execute(sql: "DELETE FROM batch WHERE rowid BETWEEN ? AND ?",
                           arguments: [Self.rowid(number, seqs.lowerBound), Self.rowid(number, min(seqs.upperBound, 0xff_ffff_ffff))])
        }
        memo.withLock { $0.deleted = true }
    }

    public func putOrigin(_ origin: NodeID, _ index: OriginIndex) {
        write("store the index of \(origin.short)") { db in
            let number = try originNumber(origin, key: nil, in: db)
            try db.cachedStatement(sql: """
                UPDATE origin SET floor_seq = ?, floor_hash = ?, floor_created = ?, head_seq = ?, head_hash = ?, head_created = ?,
                    first_created = ?, measurements = ?, day = ?, day_batches = ?, day_bytes = ? WHERE id = ?
                """).execute(arguments: [
                    index.floor.seq, Data(index.floor.hash.bytes), index.floor.createdMs, index.head.seq, Data(index.head.hash.bytes),
                    index.head.createdMs, index.firstCreatedMs, index.measurements, index.day, index.dayBatches, index.dayBytes, number,
                ])
        }
    }

    public func deleteOrigin(_ origin: NodeID) {
        memo.withLock { $0.pendingTallies[origin] = nil }
        flushBatches()
        guard let number = originNumber(origin) else { return }
        write("delete the log of \(origin.short)") { db in
            try db.execute(sql: "DELETE FROM batch WHERE rowid BETWEEN ? AND ?", arguments: [Self.rowid(number, 0), Self.rowid(number, 0xff_ffff_ffff)])
            try db.execute(sql: "DELETE FROM tally WHERE point IN (SELECT id FROM point WHERE origin = ?)", arguments: [Data(origin.bytes)])
            try db.execute(sql: "DELETE FROM origin WHERE id = ?", arguments: [number])
        }
        memo.withLock {
            $0.origins[origin] = nil
            $0.deleted = true
        }
    }

    public func batch(of origin: NodeID, seq: UInt64) -> StoredBatch? {
        flushBatches()
        guard let number = originNumber(origin), let key = signer(of: origin) else { return nil }
        return read("read batch \(origin.short)#\(seq)", nil) { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.batchColumns) FROM batch WHERE rowid = ?"), arguments: [Self.rowid(number, seq)])
                .map { counted([Self.batch($0, origin: origin, signer: key)])[0] }
        }
    }

    public func batches(of origin: NodeID, seqs: ClosedRange<UInt64>, while take: (StoredBatch) -> Bool) -> [StoredBatch] {
        flushBatches()
        guard let number = originNumber(origin), let key = signer(of: origin) else { return [] }
        return read("read batches of \(origin.short)", []) { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT \(Self.batchColumns) FROM batch WHERE rowid BETWEEN ? AND ? ORDER BY rowid"),
                                           arguments: [Self.rowid(number, seqs.lowerBound), Self.rowid(number, min(seqs.upperBound, 0xff_ffff_ffff))])
            var taken: [StoredBatch] = []
            while let row = try rows.next() {
                let batch = Self.batch(row, origin: origin, signer: key)
                guard take(batch) else { break }
                taken.append(batch)
            }
            return counted(taken)
        }
    }

    public func batches(of origin: NodeID, measuredIn span: Range<Int64>) -> [StoredBatch] {
        flushBatches()
        guard let number = originNumber(origin), let key = signer(of: origin) else { return [] }
        return read("read batches of \(origin.short)", []) { db in
            counted(try Row.fetchAll(db, sql: "SELECT \(Self.batchColumns) FROM batch WHERE rowid BETWEEN ? AND ? AND last_ms >= ? AND first_ms < ? ORDER BY rowid",
                                     arguments: [Self.rowid(number, 0), Self.rowid(number, 0xff_ffff_ffff), span.lowerBound, span.upperBound])
                .map { Self.batch($0, origin: origin, signer: key) })
        }
    }

    private func signer(of origin: NodeID) -> Data? { memo.withLock { $0.origins[origin]?.key } }

    private func counted(_ batches: [StoredBatch]) -> [StoredBatch] {
        memo.withLock { $0.batchRowsRead += batches.count }
        return batches
    }

    private static func batch(_ row: Row, origin: NodeID, signer: Data) -> StoredBatch {
        var envelope = Envelope()
        envelope.kind = .batch
        envelope.payload = row["payload"]
        envelope.signer = signer
        envelope.signature = row["signature"]
        let rowid: Int64 = row["rowid"]
        return StoredBatch(envelope: envelope, id: Hash256(bytes: row["id"] as Data) ?? .zero, origin: origin, seq: UInt64(rowid & 0xff_ffff_ffff),
                           createdMs: row["created"], measurements: row["measurements"], firstMs: row["first_ms"], lastMs: row["last_ms"])
    }

    // MARK: - Loading

    public func load() throws -> StoredState {
        do {
            return try database.inDatabase { db in
                var state = StoredState()
                state.facts = try Self.decodedRows(Envelope.self, "SELECT id, envelope AS bytes FROM fact ORDER BY kind, id", table: "fact",
                                                   what: "envelope", in: db, unreadable: &state.unreadable)
                state.proofs = try Self.decodedRows(EquivocationProof.self, "SELECT id, proof AS bytes FROM proof ORDER BY id", table: "proof",
                                                    what: "proof", in: db, unreadable: &state.unreadable)
                for row in try Row.fetchAll(db, sql: "SELECT * FROM origin") {
                    guard let node = Hash256(bytes: row["node"] as Data) else { continue }
                    let index = Self.index(row)
                    if try isConsistent(index, origin: row["id"], in: db) {
                        state.origins[node] = index
                    } else {
                        state.origins[node] = try rebuild(index, origin: row["id"], in: db)
                        state.repaired.append(node)
                    }
                }
                let window = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tally_window_ms'")
                let age = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tally_max_age_ms'")
                if let window, let age { state.tallyBasis = TallyBasis(windowMs: window, maxAgeMs: age) }
                return state
            }
        } catch {
            throw StoreError("cannot read the ledger store \(path): \(error)")
        }
    }

    /// The rows of `sql` (columns `id`, `bytes`) decoded as `M`; a row that does not decode is
    /// added to `unreadable`, naming `table` and what it should have been.
    private static func decodedRows<M: SwiftProtobuf.Message & Sendable>(_: M.Type, _ sql: String, table: String, what: String, in db: Database,
                                                                       unreadable: inout [UnreadableRow]) throws -> [StoredRow<M>] {
        var rows: [StoredRow<M>] = []
        for row in try Row.fetchAll(db, sql: sql) {
            let key: Data = row["id"], bytes: Data = row["bytes"]
            do {
                rows.append(StoredRow(key: key, value: try M(serializedBytes: bytes)))
            } catch {
                unreadable.append(UnreadableRow(table: table, key: key, reason: "not a protobuf \(what): \(error)"))
            }
        }
        return rows
    }

    private static func index(_ row: Row) -> OriginIndex {
        func head(_ prefix: String) -> ChainHead {
            let seq: Int64 = row["\(prefix)_seq"]
            let hash: Data? = row["\(prefix)_hash"]
            return ChainHead(seq: UInt64(seq), hash: hash.flatMap { Hash256(bytes: $0) } ?? .zero, createdMs: row["\(prefix)_created"])
        }
        return OriginIndex(floor: head("floor"), head: head("head"), firstCreatedMs: row["first_created"], measurements: row["measurements"],
                           day: row["day"], dayBatches: row["day_batches"], dayBytes: row["day_bytes"])
    }

    /// The store's own check of an origin (SPEC §8): its batch rows are exactly seqs floor + 1 ...
    /// head (lowest, highest and how many, from the b-tree without reading the rows' contents),
    /// and the head row has the head's id.
    private func isConsistent(_ index: OriginIndex, origin: Int64, in db: Database) throws -> Bool {
        let row = try Row.fetchOne(db, sql: "SELECT MIN(rowid) AS low, MAX(rowid) AS high, COUNT(*) AS count FROM batch WHERE rowid BETWEEN ? AND ?",
                                   arguments: [Self.rowid(origin, 0), Self.rowid(origin, 0xff_ffff_ffff)])
        let (low, high, count): (Int64?, Int64?, Int) = (row?["low"], row?["high"], row?["count"] ?? 0)
        guard let low, let high else { return index.head.seq == index.floor.seq }
        guard low == Self.rowid(origin, index.floor.seq + 1), high == Self.rowid(origin, index.head.seq), count == index.batchCount else { return false }
        let headID = try Data.fetchOne(db, sql: "SELECT id FROM batch WHERE rowid = ?", arguments: [high])
        return headID == Data(index.head.hash.bytes)
    }

    /// An origin's index rebuilt from its batch rows: the contiguous run from the floor up, and
    /// rows beyond a gap deleted (peers send them again).
    private func rebuild(_ damaged: OriginIndex, origin: Int64, in db: Database) throws -> OriginIndex {
        var index = OriginIndex(floor: damaged.floor, head: damaged.floor)
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, id, created, measurements, length(payload) AS bytes FROM batch WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                                       arguments: [Self.rowid(origin, damaged.floor.seq + 1), Self.rowid(origin, 0xff_ffff_ffff)])
        while let row = try rows.next() {
            let rowid: Int64 = row["rowid"]
            guard UInt64(rowid & 0xff_ffff_ffff) == index.head.seq + 1, let id = Hash256(bytes: row["id"] as Data) else { break }
            let created: Int64 = row["created"], bytes: Int = row["bytes"]
            if index.firstCreatedMs == nil { index.firstCreatedMs = created }
            index.head = ChainHead(seq: index.head.seq + 1, hash: id, createdMs: created)
            index.measurements += row["measurements"] as Int
            let day = OriginIndex.day(of: created)
            if day != index.day || index.dayBatches == 0 { (index.day, index.dayBatches, index.dayBytes) = (day, 0, 0) }
            index.dayBatches += 1
            index.dayBytes += bytes
        }
        if !db.isInsideTransaction { try db.execute(sql: "BEGIN IMMEDIATE") }
        try db.execute(sql: "DELETE FROM batch WHERE rowid BETWEEN ? AND ?", arguments: [Self.rowid(origin, index.head.seq + 1), Self.rowid(origin, 0xff_ffff_ffff)])
        try db.execute(sql: "DELETE FROM batch WHERE rowid BETWEEN ? AND ?", arguments: [Self.rowid(origin, 0), Self.rowid(origin, index.floor.seq)])
        return index
    }
}
