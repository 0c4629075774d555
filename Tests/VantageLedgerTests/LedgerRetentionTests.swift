import Testing
import VantageIdentity
import VantageLedger
import VantageTestKit

/// Retention prunes by the ledger's own newest batch; a replica that never saw the pruned
/// batches starts at the same floor.
@Suite struct LedgerRetentionTests {
    let mesh = TestMesh(name: "retention")
    let day: Int64 = 86_400_000
    let t0: Int64 = 1_705_755_600_000

    @Test func oldBatchesArePrunedAndAFreshReplicaConverges() throws {
        var a = mesh.node("a")
        var b = mesh.node("b", asn: 23674)
        var full = Ledger(root: mesh.root)
        try full.insert(envelope: mesh.enroll(a), nowMs: t0 + 40 * day)
        try full.insert(envelope: mesh.enroll(b), nowMs: t0 + 40 * day)
        let old = (0..<5).map { a.nextBatch(createdMs: t0 + Int64($0) * day) }
        for batch in old { try full.insert(envelope: batch, nowMs: t0 + 40 * day) }
        #expect(full.logs[a.id]?.floorSeq == 0)
        // A batch 33 days later moves the cutoff to day 3: batches of days 0, 1 and 2 go.
        try full.insert(envelope: b.nextBatch(createdMs: t0 + 33 * day), nowMs: t0 + 40 * day)
        #expect(full.logs[a.id]?.floorSeq == 3)
        #expect(full.logs[a.id]?.index.batchCount == 2)
        #expect(full.tallies == FactPool.recountedTallies(full), "pruned batches no longer count")
        // A pruned batch arriving again is not fetched back in.
        #expect(try full.insert(envelope: old[0], nowMs: t0 + 40 * day) == .duplicate)

        var fresh = Ledger(root: mesh.root)
        let report = fresh.apply(full.delta(since: fresh.versionVector), nowMs: t0 + 40 * day)
        #expect(report.refused.isEmpty)
        #expect(fresh.logs[a.id]?.floorSeq == 3)
        #expect(fresh.digest == full.digest)
        #expect(fresh.tallies == full.tallies)
    }

    @Test func campaignRetentionOverridesTheDefault() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10 * day)
        for i in 0..<4 { try ledger.insert(envelope: a.nextBatch(createdMs: t0 + Int64(i) * day), nowMs: t0 + 10 * day) }
        #expect(ledger.logs[a.id]?.floorSeq == 0)
        try ledger.insert(envelope: mesh.campaign(version: 1, retentionDays: 2), nowMs: t0 + 10 * day)
        #expect(ledger.retentionDays == 2)
        #expect(ledger.logs[a.id]?.floorSeq == 1)
    }
}
