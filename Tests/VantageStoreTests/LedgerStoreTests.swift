import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageStore
import VantageTestKit
import GRDB
import Foundation

/// The store keeps every accepted fact, and a restart replays them to the same ledger.
@Suite struct LedgerStoreTests {
    let mesh = TestMesh(name: "store")
    let t0: Int64 = 1_705_755_600_000
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-store-\(UUID().uuidString).sqlite").path

    @Test func restartRestoresTheSameLedgerWithoutItsHeldBatches() throws {
        var a = mesh.node("a"), b = mesh.node("b", asn: 2)
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        var envelopes = [mesh.enroll(a), mesh.enroll(b), mesh.campaign(version: 3)]
        envelopes += (1...5).map { a.nextBatch(createdMs: t0 + Int64($0), count: 3) }
        _ = b.nextBatch(createdMs: t0)
        envelopes.append(b.nextBatch(createdMs: t0 + 1))  // held: b's first batch is missing
        for envelope in envelopes { try ledger.insert(envelope: envelope, nowMs: t0 + 1000) }
        try ledger.commit()
        #expect(ledger.journal.isEmpty && ledger.heldCount == 1)

        let reopened = try LedgerStore(path: path)
        let (restored, report) = try reopened.loadLedger(root: mesh.root, nowMs: t0 + 1000)
        #expect(report.applied.refused.isEmpty && report.quarantined.isEmpty)
        #expect(restored.digest == ledger.digest)
        #expect(restored.heldCount == 0, "held batches are not state and are never stored")
        #expect(try reopened.factCount() == envelopes.count - 1)
    }

    @Test func factsOfSignersThatAreNotEnrolledAreNeverStoredAndExpire() throws {
        var stranger = mesh.node("stranger"), a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        #expect(try ledger.insert(envelope: stranger.nextBatch(createdMs: t0), nowMs: t0) == .held)
        #expect(try ledger.insert(envelope: stranger.attestation(ledgerDigest: .zero, createdMs: t0), nowMs: t0) == .held)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: t0)
        try ledger.commit()
        #expect(try LedgerStore(path: path).factCount() == 2, "the enrollment and a's batch; nothing of the stranger")
        #expect(ledger.expireHeld(nowMs: t0 + 599_999, ttlMs: 600_000) == 0)
        #expect(ledger.expireHeld(nowMs: t0 + 600_001, ttlMs: 600_000) == 2)
        #expect(ledger.heldCount == 0)
        // Enrolled later, within the time to live, its facts enter and are stored then.
        var late = Ledger(root: mesh.root, store: try LedgerStore(path: path + "-late"))
        var other = mesh.node("other")
        try late.insert(envelope: other.nextBatch(createdMs: t0), nowMs: t0)
        try late.commit()
        #expect(try LedgerStore(path: path + "-late").factCount() == 0)
        try late.insert(envelope: mesh.enroll(other), nowMs: t0)
        try late.commit()
        #expect(try LedgerStore(path: path + "-late").factCount() == 2)
    }

    @Test func anUnreadableRowIsQuarantinedAndTheRestLoads() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10_000)
        let batches = (1...3).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        for batch in batches { try ledger.insert(envelope: batch, nowMs: t0 + 10_000) }
        try ledger.commit()
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(sql: "UPDATE fact SET envelope = ? WHERE id = ?", arguments: [Data([0xff, 0xff, 0xff]), Data(batches[2].recordID!.bytes)])
            try db.execute(sql: "UPDATE fact SET envelope = ? WHERE id = ?", arguments: [try {
                var forged = batches[1]
                forged.signature[0] ^= 1
                return try forged.serializedData()
            }(), Data(batches[1].recordID!.bytes)])
        }
        let store = try LedgerStore(path: path)
        let (restored, report) = try store.loadLedger(root: mesh.root, nowMs: t0 + 10_000)
        #expect(report.quarantined.count == 2, "\(report.quarantined)")
        #expect(report.quarantined.contains { $0.reason.contains("not a protobuf envelope") })
        #expect(report.quarantined.contains { $0.reason.contains("signature does not verify") })
        #expect(restored.head(of: a.id).seq == 1 && !restored.enrollments.isEmpty)
        #expect(try store.quarantinedCount() == 2 && store.factCount() == 2)
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
        let statements = Statements()
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path, trace: statements.add))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        try ledger.commit()
        #expect(!statements.all.contains { $0.contains("synchronous = FULL") })
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: t0)
        try ledger.commit(powerSafe: true)
        let all = statements.all
        let full = try #require(all.firstIndex { $0.contains("synchronous = FULL") })
        let insert = try #require(all.lastIndex { $0.contains("INSERT OR IGNORE INTO fact") })
        let normal = try #require(all.lastIndex { $0.contains("synchronous = NORMAL") })
        #expect(full < insert && insert < normal, "the batch is written with synchronous=FULL, then the store returns to NORMAL")
    }

    @Test func aLogLongerThanTheHeldLimitSurvivesARestart() throws {
        var a = mesh.node("long")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10_000)
        let count = LedgerLimits().maxHeldPerOrigin * 2 + 10
        for i in 0..<count { try ledger.insert(envelope: a.nextBatch(createdMs: t0 + Int64(i)), nowMs: t0 + 10_000) }
        try ledger.commit()
        // The store returns facts in id order, which is not chain order.
        let (restored, report) = try LedgerStore(path: path).loadLedger(root: mesh.root, nowMs: t0 + 10_000)
        #expect(report.applied.refused.isEmpty, "\(report.applied.refused.prefix(2))")
        #expect(restored.batchCount == count)
        #expect(restored.digest == ledger.digest)
    }

    @Test func equivocationProofSurvivesARestart() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0)
        let fork = a
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: t0)
        var other = fork
        try ledger.insert(envelope: other.nextBatch(createdMs: t0, count: 2), nowMs: t0)
        #expect(ledger.excluded.contains(a.id))
        try ledger.commit()
        let (restored, _) = try LedgerStore(path: path).loadLedger(root: mesh.root, nowMs: t0)
        #expect(restored.excluded.contains(a.id))
        #expect(restored.digest == ledger.digest)
    }

    @Test func unreadableStoreIsNamed() {
        #expect(throws: StoreError.self) { try LedgerStore(path: "/proc/vantage/no/such/dir/ledger.sqlite") }
    }
}

/// SQL statements heard from a store's trace.
final class Statements: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ statement: String) { lock.lock(); list.append(statement); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
