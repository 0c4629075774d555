import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageStore
import VantageTestKit

/// The store keeps every accepted fact, and a restart replays them to the same ledger.
@Suite struct LedgerStoreTests {
    let mesh = TestMesh(name: "store")
    let t0: Int64 = 1_705_755_600_000
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-store-\(UUID().uuidString).sqlite").path

    @Test func restartRestoresTheSameLedgerIncludingHeldBatches() throws {
        var a = mesh.node("a"), b = mesh.node("b", asn: 2)
        var ledger = Ledger(root: mesh.root, store: try LedgerStore(path: path))
        var envelopes = [mesh.enroll(a), mesh.enroll(b), mesh.campaign(version: 3)]
        envelopes += (1...5).map { a.nextBatch(createdMs: t0 + Int64($0), count: 3) }
        _ = b.nextBatch(createdMs: t0)
        envelopes.append(b.nextBatch(createdMs: t0 + 1))  // held: b's first batch is missing
        for envelope in envelopes { try ledger.insert(envelope: envelope, nowMs: t0 + 1000) }
        try ledger.commit()
        #expect(ledger.journal.isEmpty)

        let reopened = try LedgerStore(path: path)
        let (restored, report) = try reopened.loadLedger(root: mesh.root, nowMs: t0 + 1000)
        #expect(report.refused.isEmpty)
        #expect(restored.digest == ledger.digest)
        #expect(restored.heldCount == 1)
        #expect(try reopened.factCount() == envelopes.count)
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
        #expect(report.refused.isEmpty, "\(report.refused.prefix(2))")
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
