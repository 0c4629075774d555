import Foundation
import GRDB
import Testing
import VantageIdentity
import VantageLedger
import VantageStore
import VantageTestKit
import VantageWire

/// The store keeps the facts; a restart reads the index, not the facts, and gets the same ledger.
@Suite struct LedgerStoreTests {
    let mesh = TestMesh(name: "store")
    let t0: Int64 = 1_705_755_600_000
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-store-\(UUID().uuidString).sqlite").path

    @Test func aRestartReadsTheIndexNotTheBatches() throws {
        var a = mesh.node("a"), b = mesh.node("b", asn: 2)
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        var envelopes = [mesh.enroll(a), mesh.enroll(b), mesh.campaign(version: 3)]
        envelopes += (1...50).map { a.nextBatch(createdMs: t0 + Int64($0) * 60_000, count: 3) }
        envelopes += (1...20).map { b.nextBatch(createdMs: t0 + Int64($0) * 60_000, count: 2, outcome: .tlsReset) }
        var c = mesh.node("c", asn: 3)
        _ = c.nextBatch(createdMs: t0)
        envelopes += [mesh.enroll(c), c.nextBatch(createdMs: t0 + 1)]  // held: c's first batch is missing
        for envelope in envelopes { try ledger.insert(envelope: envelope, nowMs: t0 + 86_400_000) }
        try ledger.commit()
        #expect(!ledger.hasUncommitted && ledger.heldCount == 1)

        let reopened = try LedgerStore(path: path)
        let (restored, report) = try reopened.loadLedger(root: mesh.root)
        #expect(report.quarantined.isEmpty && report.repaired.isEmpty && !report.recounted)
        #expect(reopened.batchRowsRead == 0, "a restart reads no batch")
        #expect(restored.digest == ledger.digest && restored.versionVector == ledger.versionVector)
        #expect(restored.measurementCount == 190 && restored.batchCount == 70)
        #expect(restored.tallies == ledger.tallies, "the tallies are read as they were stored")
        #expect(reopened.batchRowsRead == 0)
        #expect(restored.heldCount == 0, "held batches are not state and are never stored")
        #expect(try reopened.rowCounts().batches == 70)
        // The batches are there when asked for.
        #expect(restored.batch(of: a.id, seq: 50)?.id == ledger.batch(of: a.id, seq: 50)?.id)
        #expect(reopened.batchRowsRead == 1)
    }

    @Test func factsOfSignersThatAreNotEnrolledAreNeverStoredAndExpire() throws {
        var stranger = mesh.node("stranger"), a = mesh.node("a")
        let store = try LedgerStore(path: path)
        var ledger = Ledger(root: mesh.root, store: store)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        #expect(try ledger.insert(envelope: stranger.nextBatch(createdMs: t0), nowMs: t0) == .held)
        #expect(try ledger.insert(envelope: stranger.nextSummaryBatch(createdMs: t0, summaries: [], attestations: [stranger.attestation(windowEndMs: t0)]),
                                  nowMs: t0) == .held)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: t0)
        try ledger.commit()
        let counts = try store.rowCounts()
        #expect(counts.facts == 1 && counts.batches == 1, "the enrollment and a's batch; nothing of the stranger")
        #expect(ledger.expireHeld(nowMs: t0 + 599_999, ttlMs: 600_000) == 0)
        #expect(ledger.expireHeld(nowMs: t0 + 600_001, ttlMs: 600_000) == 2)
        #expect(ledger.heldCount == 0)
        // Enrolled later, within the time to live, its facts enter and are stored then.
        let lateStore = try LedgerStore(path: path + "-late")
        var late = Ledger(root: mesh.root, store: lateStore)
        var other = mesh.node("other")
        try late.insert(envelope: other.nextBatch(createdMs: t0), nowMs: t0)
        try late.commit()
        #expect(try lateStore.rowCounts().batches == 0)
        try late.insert(envelope: mesh.enroll(other), nowMs: t0)
        try late.commit()
        #expect(try lateStore.rowCounts().batches == 1)
    }

    @Test func theFileShrinksAsRetentionPrunes() throws {
        var a = mesh.node("a")
        let store = try LedgerStore(path: path)
        var ledger = Ledger(root: mesh.root, store: store)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        try ledger.insert(envelope: mesh.campaign(version: 1, retentionDays: 2), nowMs: t0)
        var sizes: [Int] = []
        var batchRows: [Int] = []
        for day in 0..<8 {
            for hour in 0..<24 {
                let created = t0 + Int64(day) * 86_400_000 + Int64(hour) * 3_600_000
                try ledger.insert(envelope: a.nextBatch(createdMs: created, count: 200), nowMs: created)
                try ledger.commit()
            }
            try store.checkpoint()
            sizes.append(try fileSize(path))
            batchRows.append(try store.rowCounts().batches)
        }
        #expect(batchRows[7] <= 2 * 24 + 1, "two days of batches are kept: \(batchRows)")
        #expect(ledger.batchCount == batchRows[7] && ledger.span(of: a.id).floor > 100)
        #expect(sizes[7] <= sizes[3] + sizes[3] / 10, "the file does not grow once retention prunes: \(sizes)")
        #expect(sizes[7] < sizes[2] * 2, "\(sizes)")
        let (restored, _) = try LedgerStore(path: path).loadLedger(root: mesh.root)
        #expect(restored.digest == ledger.digest && restored.tallies == ledger.tallies)
    }

    @Test func anUnreadableRowIsQuarantinedAndTheRestLoads() throws {
        var a = mesh.node("a"), b = mesh.node("b")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        let enrollB = mesh.enroll(b)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10_000)
        try ledger.insert(envelope: enrollB, nowMs: t0 + 10_000)
        for i in 1...3 { try ledger.insert(envelope: a.nextBatch(createdMs: t0 + Int64(i)), nowMs: t0 + 10_000) }
        try ledger.commit()
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(sql: "UPDATE fact SET envelope = ? WHERE id = ?", arguments: [Data([0xff, 0xff, 0xff]), Data(enrollB.recordID!.bytes)])
        }
        let store = try LedgerStore(path: path)
        let (restored, report) = try store.loadLedger(root: mesh.root)
        #expect(report.quarantined.count == 1 && report.quarantined[0].reason.contains("not a protobuf envelope"), "\(report.quarantined)")
        #expect(restored.head(of: a.id).seq == 3 && restored.enrollments.count == 1)
        #expect(try store.quarantinedCount() == 1 && store.rowCounts().facts == 1)
    }

    @Test func anIndexThatDoesNotMatchItsBatchesIsRebuiltFromThem() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10_000)
        for i in 1...5 { try ledger.insert(envelope: a.nextBatch(createdMs: t0 + Int64(i), count: 2), nowMs: t0 + 10_000) }
        try ledger.commit()
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM batch WHERE rowid = (SELECT MAX(rowid) - 1 FROM batch)")  // seq 4: a hole below the head
        }
        let (restored, report) = try LedgerStore(path: path).loadLedger(root: mesh.root)
        #expect(report.repaired == [a.id])
        #expect(restored.head(of: a.id).seq == 3 && restored.measurementCount == 6, "the run up to the hole is kept")
        #expect(restored.head(of: a.id).hash == ledger.batch(of: a.id, seq: 3)?.id)
        var reference = Ledger(root: mesh.root)
        try reference.insert(envelope: mesh.enroll(a), nowMs: t0 + 10_000)
        for seq in 1...3 { try reference.insert(.batch(#require(ledger.batch(of: a.id, seq: UInt64(seq)))), nowMs: t0 + 10_000) }
        #expect(restored.digest == reference.digest && restored.tallies == reference.tallies)
    }

    @Test func aStoreOfProtocolVersionOneIsRefusedSayingSo() throws {
        let database = try DatabaseQueue(path: path)
        try database.write { db in try db.execute(sql: "CREATE TABLE fact (id BLOB PRIMARY KEY, kind INTEGER, envelope BLOB)") }
        #expect {
            try LedgerStore(path: path)
        } throws: { error in
            "\(error)".contains("protocol version 1; this node speaks version 2") && "\(error)".contains("move the file aside")
        }
    }

    @Test func theNodesOwnBatchesAreSyncedForPowerLoss() throws {
        var a = mesh.node("a")
        let store = try LedgerStore(path: path)
        var ledger = Ledger(root: mesh.root, store: store)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        try ledger.commit()
        #expect(store.logSyncs == 0)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: t0)
        try ledger.commit(powerSafe: true)
        #expect(store.logSyncs == 1, "the log holding the node's own batch is synced before commit returns")
    }

    @Test func aLogLongerThanTheHeldLimitSurvivesARestart() throws {
        var a = mesh.node("long")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10_000)
        let count = LedgerLimits().maxHeldPerOrigin * 2 + 10
        // Fewer than the default quota of 1,000 batches a day.
        for i in 0..<count { try ledger.insert(envelope: a.nextBatch(createdMs: t0 + Int64(i) * 100_000), nowMs: t0 + Int64(i) * 100_000) }
        try ledger.commit()
        let (restored, _) = try LedgerStore(path: path).loadLedger(root: mesh.root)
        #expect(restored.batchCount == count)
        #expect(restored.digest == ledger.digest)
    }

    @Test func equivocationProofSurvivesARestartAndTheLogIsDeleted() throws {
        var a = mesh.node("a")
        let store = try LedgerStore(path: path)
        var ledger = Ledger(root: mesh.root, store: store)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        let fork = a
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: t0)
        var other = fork
        try ledger.insert(envelope: other.nextBatch(createdMs: t0, count: 2), nowMs: t0)
        #expect(ledger.excluded.contains(a.id))
        try ledger.commit()
        #expect(try store.rowCounts().batches == 0 && store.rowCounts().tallies == 0)
        let (restored, _) = try LedgerStore(path: path).loadLedger(root: mesh.root)
        #expect(restored.excluded.contains(a.id))
        #expect(restored.digest == ledger.digest)
    }

    @Test func unreadableStoreIsNamed() {
        #expect(throws: StoreError.self) { try LedgerStore(path: "/proc/vantage/no/such/dir/ledger.sqlite") }
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
