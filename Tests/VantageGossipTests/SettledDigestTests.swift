import Foundation
import Testing
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// The settled digest (protocol/SPEC.md §7.3): two nodes that differ only by batches created after
/// an exchange's horizon end it at the first reply; older differences are exchanged as before.
@Suite struct SettledDigestTests {
    let mesh = TestMesh(name: "settled")
    let t0: Int64 = 1_705_755_600_000

    /// Ledgers of a and b holding the same three batches of each, created a minute apart.
    func shared() -> (TestNode, TestNode, Ledger) {
        var a = mesh.node("a", asn: 1), b = mesh.node("b", asn: 2)
        var ledger = Ledger(root: mesh.root)
        for envelope in [mesh.enroll(a), mesh.enroll(b)] { try! ledger.insert(envelope: envelope, nowMs: t0) }
        for k in 1...3 {
            try! ledger.insert(envelope: a.nextBatch(createdMs: t0 + Int64(k) * 60_000), nowMs: t0 + 600_000)
            try! ledger.insert(envelope: b.nextBatch(createdMs: t0 + Int64(k) * 60_000), nowMs: t0 + 600_000)
        }
        return (a, b, ledger)
    }

    @Test func aRecentHeadIsSettledAtTheBatchBeforeIt() throws {
        var (a, b, behind) = shared()
        var ahead = behind
        let recent = a.nextBatch(createdMs: t0 + 240_000)
        try ahead.insert(envelope: recent, nowMs: t0 + 600_000)
        #expect(ahead.digest != behind.digest)
        // Horizon between the third batch (t0 + 3 min) and the recent one: equal.
        #expect(ahead.settledDigest(scope: .all, horizonMs: t0 + 200_000) == behind.digest)
        #expect(behind.settledDigest(scope: .all, horizonMs: t0 + 200_000) == behind.digest, "nothing recent: the settled digest is the digest")
        // Horizon past the recent batch: it is settled, and missing at behind.
        #expect(ahead.settledDigest(scope: .all, horizonMs: t0 + 240_000) == ahead.digest)
        // Horizon before the third batches too: a's log, with two recent batches ahead, settles at
        // its head (4), while behind settles it at 2; b's log settles at 2 at both.
        #expect(ahead.settledDigest(scope: .all, horizonMs: t0 + 150_000) != behind.settledDigest(scope: .all, horizonMs: t0 + 150_000))
        var aheadOfB = behind
        try aheadOfB.insert(envelope: b.nextBatch(createdMs: t0 + 240_000), nowMs: t0 + 600_000)
        #expect(aheadOfB.settledDigest(scope: .all, horizonMs: t0 + 150_000) != behind.settledDigest(scope: .all, horizonMs: t0 + 150_000))
        #expect(aheadOfB.settledDigest(scope: .all, horizonMs: t0 + 200_000) == behind.digest)
    }

    @Test func theOrdinaryEndsRawLogIsComparedAtItsHeadInARoundWithAnArchiver() throws {
        var (a, _, ledger) = shared()
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 240_000), nowMs: t0 + 600_000)
        let horizon = t0 + 200_000
        #expect(ledger.settledDigest(scope: .all, horizonMs: horizon) != ledger.digest(scope: .all), "between archivers: settled back")
        #expect(ledger.settledDigest(scope: .summaries(rawOf: a.id), horizonMs: horizon) == ledger.digest(scope: .summaries(rawOf: a.id)),
                "a's raw log, with an archiver: at its head")
    }

    @Test func aForkAtTheRecentHeadIsNotHiddenOnceSettled() throws {
        var (a, _, behind) = shared()
        var fork = a
        var first = behind, second = behind
        try first.insert(envelope: a.nextBatch(createdMs: t0 + 240_000), nowMs: t0 + 600_000)
        try second.insert(envelope: fork.nextBatch(createdMs: t0 + 240_001), nowMs: t0 + 600_000)
        #expect(first.settledDigest(scope: .all, horizonMs: t0 + 200_000) == second.settledDigest(scope: .all, horizonMs: t0 + 200_000))
        #expect(first.settledDigest(scope: .all, horizonMs: t0 + 300_000) != second.settledDigest(scope: .all, horizonMs: t0 + 300_000))
    }

    @Test func aNodeOneRecentBatchBehindEndsTheExchangeAtOneSummaryEachWayAndGetsItOnceSettled() throws {
        var (a, b, behind) = shared()
        var ahead = behind
        let nowMs = t0 + 600_000
        let recent = a.nextBatch(createdMs: nowMs - 1_000)
        try ahead.insert(envelope: recent, nowMs: nowMs)
        var h = Harness()
        h.nowMs = nowMs
        h.add(a.id, asn: 1, ledger: ahead, settings: GossipSettings(intervalMs: 1_000, fanout: 1, settleRounds: 3))
        h.add(b.id, asn: 2, ledger: behind, settings: GossipSettings(intervalMs: 1_000, fanout: 1, settleRounds: 3))
        h.connect(a.id, b.id)
        h.tick(advanceMs: 0)
        #expect(h.outcomes == [.inSync, .inSync] && h.vectorFrames == 0, "both rounds end at the first reply: \(h.outcomes)")
        #expect(h.ledgers[b.id]!.head(of: a.id).seq == 3, "the recent batch is left to pushes and announcements")
        // Three intervals later the batch is settled: the next round brings it.
        for _ in 0..<3 { h.tick(advanceMs: 1_000) }
        #expect(h.ledgers[b.id]!.head(of: a.id).seq == 4 && h.ledgers[a.id]!.digest == h.ledgers[b.id]!.digest)
        #expect(h.outcomes.contains(.synced))
    }

    @Test func aSettledDifferenceExchangesTheEntriesOfItsBucketAloneWhateverIsRecent() throws {
        var origins = (0..<40).map { mesh.node("origin-\($0)", asn: UInt32(100 + $0)) }
        var shared = Ledger(root: mesh.root)
        for origin in origins { try shared.insert(envelope: mesh.enroll(origin), nowMs: t0) }
        for i in origins.indices { try shared.insert(envelope: origins[i].nextBatch(createdMs: t0 + 60_000), nowMs: t0 + 600_000) }
        let nowMs = t0 + 600_000
        var ahead = shared
        // An old batch the other node lacks, and recent batches of ten origins in other buckets.
        try ahead.insert(envelope: origins[7].nextBatch(createdMs: t0 + 120_000), nowMs: nowMs)
        let bucket = VersionVector.bucket(of: origins[7].id)
        let recent = origins.indices.filter { VersionVector.bucket(of: origins[$0].id) != bucket }.prefix(10)
        for i in recent { try ahead.insert(envelope: origins[i].nextBatch(createdMs: nowMs - 500), nowMs: nowMs) }
        var h = Harness()
        h.nowMs = nowMs
        h.add(origins[0].id, asn: 100, ledger: shared, settings: GossipSettings(fanout: 1, settleRounds: 1))
        h.add(origins[1].id, asn: 101, ledger: ahead, settings: GossipSettings(fanout: 1, settleRounds: 1))
        h.connect(origins[0].id, origins[1].id)
        h.run(h.machines[origins[0].id]!.onTick(nowMs: nowMs, ledger: h.ledgers[origins[0].id]!, using: &h.rng), at: origins[0].id)
        let behind = h.ledgers[origins[0].id]!
        #expect(behind.head(of: origins[7].id).seq == 2, "the settled difference was exchanged")
        #expect(recent.allSatisfy { behind.head(of: origins[$0].id).seq == 1 }, "the recent batches are left to pushes and announcements")
        let inBucket = shared.versionVector.entries.filter { VersionVector.bucket(of: $0.0) == bucket }.count
        #expect(h.vectorEntries <= 2 * inBucket, "\(h.vectorEntries) entries sent; \(inBucket) origins share the settled difference's bucket")
        #expect(h.entryVectorsWithoutSmallFacts == 2 && h.entryVectorsWithSmallFacts == 0, "the same small facts at both ends are not sent again")
    }

    @Test func entriesCarryTheSmallFactsWhenTheyDifferAndTheMissingFactArrives() throws {
        var (a, b, behind) = shared()
        var ahead = behind
        let nowMs = t0 + 600_000
        let late = mesh.node("late", asn: 3)
        try ahead.insert(envelope: mesh.enroll(late), nowMs: nowMs)
        try ahead.insert(envelope: a.nextBatch(createdMs: t0 + 240_000), nowMs: nowMs)
        var h = Harness()
        h.nowMs = nowMs
        h.add(a.id, asn: 1, ledger: ahead, settings: GossipSettings(fanout: 1, settleRounds: 1))
        h.add(b.id, asn: 2, ledger: behind, settings: GossipSettings(fanout: 1, settleRounds: 1))
        h.connect(a.id, b.id)
        h.run(h.machines[b.id]!.onTick(nowMs: nowMs, ledger: h.ledgers[b.id]!, using: &h.rng), at: b.id)
        #expect(h.entryVectorsWithSmallFacts == 2 && h.entryVectorsWithoutSmallFacts == 0)
        #expect(!h.ledgers[b.id]!.enrollments(of: late.id).isEmpty && h.ledgers[b.id]!.head(of: a.id).seq == 4)
        #expect(h.ledgers[a.id]!.digest == h.ledgers[b.id]!.digest)
    }

    @Test func withSettlingOffTheSameRoundExchangesTheRecentBatch() throws {
        var (a, b, behind) = shared()
        var ahead = behind
        let nowMs = t0 + 600_000
        try ahead.insert(envelope: a.nextBatch(createdMs: nowMs - 1_000), nowMs: nowMs)
        var h = Harness()
        h.nowMs = nowMs
        h.add(a.id, asn: 1, ledger: ahead, settings: GossipSettings(fanout: 1, settleRounds: 0))
        h.add(b.id, asn: 2, ledger: behind, settings: GossipSettings(fanout: 1, settleRounds: 0))
        h.connect(a.id, b.id)
        h.tick(advanceMs: 0)
        #expect(h.ledgers[b.id]!.head(of: a.id).seq == 4 && h.outcomes.contains(.synced))
    }
}
