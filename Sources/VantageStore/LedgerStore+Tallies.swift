import Foundation
import GRDB
import VantageIdentity
import VantageLedger
import VantageWire

/// The scorer's tallies: one row per vantage point, target and window, with the window's
/// throughputs as unsigned LEB128 varints, or a window summary's median (doubled) and sample count.
extension LedgerStore {
    /// Additions wait in memory, merged cell by cell, until the commit (or a read or removal of
    /// tallies): one row write per cell and commit instead of one per batch. Subtractions are
    /// written at once, after the waiting additions.
    public func addTallies(_ tallies: Tallies, of origin: NodeID, subtract: Bool) {
        guard subtract else {
            memo.withLock { $0.pendingTallies[origin, default: Tallies()].add(tallies) }
            return
        }
        flushTallies()
        write(tallies, of: origin, subtract: true)
    }

    /// Writes the additions waiting in memory.
    func flushTallies() {
        let pending = memo.withLock { memo in
            defer { memo.pendingTallies = [:] }
            return memo.pendingTallies
        }
        for (origin, tallies) in pending.sorted(by: { $0.key < $1.key }) { write(tallies, of: origin, subtract: false) }
    }

    private func write(_ tallies: Tallies, of origin: NodeID, subtract: Bool) {
        write("store the tallies of \(origin.short)") { db in
            for (series, windows) in tallies.series {
                let point = try pointNumber(series.vantage, origin: origin, place: tallies.places[series.vantage]!, in: db)
                let target = try targetNumber(series.target, in: db)
                for (window, tally) in windows {
                    if subtract || !tally.throughputs.isEmpty || tally.summarizedThroughput != nil {
                        try replace(point: point, target: target, window: window, with: tally, subtract: subtract, in: db)
                    } else {
                        try db.cachedStatement(sql: """
                            INSERT INTO tally (point, target, window, measurements, failures) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (window, point, target) DO UPDATE SET measurements = measurements + excluded.measurements,
                                failures = failures + excluded.failures
                            """).execute(arguments: [point, target, window, tally.measurements, tally.failures])
                    }
                }
            }
        }
    }

    /// Reads a cell, adds or subtracts, and writes it back (or deletes it when nothing is left).
    private func replace(point: Int64, target: Int64, window: Int64, with tally: WindowTally, subtract: Bool, in db: Database) throws {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.tallyColumns) FROM tally WHERE point = ? AND target = ? AND window = ?"),
                                   arguments: [point, target, window])
        var cell = row.map(Self.tally) ?? WindowTally()
        if subtract { cell.subtract(tally) } else { cell.add(tally) }
        guard !cell.isEmpty else {
            try db.cachedStatement(sql: "DELETE FROM tally WHERE point = ? AND target = ? AND window = ?").execute(arguments: [point, target, window])
            return
        }
        let summarized = cell.summarizedThroughput
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO tally (point, target, window, \(Self.tallyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [point, target, window, cell.measurements, cell.failures, cell.throughputs.isEmpty ? nil : Self.encode(cell.throughputs),
                                 summarized.map { Int64($0.medianHalves) }, summarized.map { Int64($0.samples) }])
    }

    /// The columns of a tally row after its key.
    private static let tallyColumns = "measurements, failures, throughputs, median_halves, samples"

    /// A tally row's cell.
    private static func tally(_ row: Row) -> WindowTally {
        let samples: Int64? = row["samples"]
        let halves: Int64? = row["median_halves"]
        return WindowTally(measurements: row["measurements"], failures: row["failures"], throughputs: decode(row["throughputs"]),
                           summarizedThroughput: samples.map { ThroughputSummary(medianHalves: UInt64(halves ?? 0), samples: Int($0)) })
    }

    public func resetTallies(of origin: NodeID?) {
        flushTallies()
        write("reset the tallies") { db in
            if let origin {
                try db.execute(sql: "DELETE FROM tally WHERE point IN (SELECT id FROM point WHERE origin = ?)", arguments: [Data(origin.bytes)])
            } else {
                try db.execute(sql: "DELETE FROM tally")
            }
        }
        memo.withLock { $0.deleted = true }
    }

    public func putTallyBasis(_ basis: TallyBasis) {
        write("record the basis of the tallies") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('tally_window_ms', ?), ('tally_max_age_ms', ?)",
                           arguments: [basis.windowMs, basis.maxAgeMs])
        }
    }

    public func tallies() -> Tallies {
        var tallies = Tallies()
        forEachTally(in: Int64.min..<Int64.max) { window, series, place, tally in tallies.add(tally, series: series, window: window, place: place) }
        return tallies
    }

    public func tallySource() -> any TallySource { StoredTallies(store: self) }

    /// The store's tallies, read a stretch of windows at a time (each stretch in one read, so
    /// writes between two stretches are seen by the later one).
    struct StoredTallies: TallySource {
        let store: LedgerStore

        func firstTallyWindow(from window: Int64) -> Int64? {
            store.flushTallies()
            return store.read("find the next window with tallies", nil) { db in
                try Int64.fetchOne(db, sql: "SELECT MIN(window) FROM tally WHERE window >= ?", arguments: [window])
            }
        }

        func forEachTally(in windows: Range<Int64>, _ body: (Int64, Tallies.Series, Tallies.Place, WindowTally) -> Void) {
            store.forEachTally(in: windows, body)
        }
    }

    /// Calls `body` with every tally of a window in `windows`, in window order.
    func forEachTally(in windows: Range<Int64>, _ body: (Int64, Tallies.Series, Tallies.Place, WindowTally) -> Void) {
        flushTallies()
        read("read the tallies", ()) { db in
            var points: [Int64: (name: String, place: Tallies.Place)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, name, country, asn FROM point") {
                points[row["id"]] = (row["name"], Tallies.Place(asn: UInt32(row["asn"] as Int64), country: row["country"]))
            }
            let names = memo.withLock { $0.targetNames }
            let rows = try Row.fetchCursor(db, sql: "SELECT point, target, window, \(Self.tallyColumns) FROM tally WHERE window >= ? AND window < ? ORDER BY window",
                                           arguments: [windows.lowerBound, windows.upperBound])
            while let row = try rows.next() {
                guard let point = points[row["point"]], let target = names[row["target"]] else { continue }
                body(row["window"], Tallies.Series(vantage: point.name, target: target), point.place, Self.tally(row))
            }
        }
    }

    private func pointNumber(_ name: String, origin: NodeID, place: Tallies.Place, in db: Database) throws -> Int64 {
        if let known = memo.withLock({ $0.points[name] }) { return known }
        try db.execute(sql: "INSERT INTO point (origin, name, country, asn) VALUES (?, ?, ?, ?)",
                       arguments: [Data(origin.bytes), name, place.country, Int64(place.asn)])
        let id = db.lastInsertedRowID
        memo.withLock { $0.points[name] = id }
        return id
    }

    private func targetNumber(_ name: String, in db: Database) throws -> Int64 {
        if let known = memo.withLock({ $0.targets[name] }) { return known }
        try db.execute(sql: "INSERT INTO target (name) VALUES (?)", arguments: [name])
        let id = db.lastInsertedRowID
        memo.withLock {
            $0.targets[name] = id
            $0.targetNames[id] = name
        }
        return id
    }

    static func encode(_ values: [UInt64]) -> Data {
        var data = Data()
        for value in values {
            var v = value
            repeat {
                let byte = UInt8(v & 0x7f)
                v >>= 7
                data.append(v == 0 ? byte : byte | 0x80)
            } while v != 0
        }
        return data
    }

    static func decode(_ data: Data?) -> [UInt64] {
        guard let data else { return [] }
        var values: [UInt64] = []
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in data {
            if shift < 64 { value |= UInt64(byte & 0x7f) << shift }
            shift += 7
            if byte & 0x80 == 0 {
                values.append(value)
                (value, shift) = (0, 0)
            }
        }
        return values
    }
}
