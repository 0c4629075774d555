import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// Each way a fact is refused, and that a refusal changes nothing else.
@Suite struct LedgerRefusalTests {
    let mesh = TestMesh(name: "refusals")
    let t0: Int64 = 1_705_755_600_000  // 2024-01-20T13:00:00Z
    var now: Int64 { t0 + 3_600_000 }

    func enrolledLedger(_ nodes: TestNode...) throws -> Ledger {
        var ledger = Ledger(root: mesh.root)
        for node in nodes { try ledger.insert(envelope: mesh.enroll(node), nowMs: now) }
        return ledger
    }

    @Test func badSignatureIsRefusedAndNothingChanges() throws {
        var a = mesh.node("a")
        var ledger = try enrolledLedger(a)
        let before = ledger.digest
        var forged = a.nextBatch(createdMs: t0)
        forged.payload[forged.payload.count - 1] ^= 0x01
        #expect(throws: LedgerError.self) { try ledger.insert(envelope: forged, nowMs: now) }
        do {
            try ledger.insert(envelope: forged, nowMs: now)
        } catch let error as LedgerError {
            #expect(error.description.contains("signature does not verify"))
        }
        #expect(ledger.digest == before)
        #expect(ledger.batchCount == 0)
    }

    @Test func unknownSignerIsHeldNotAdmitted() throws {
        var stranger = mesh.node("stranger")
        var ledger = try enrolledLedger()
        let before = ledger.digest
        let admission = try ledger.insert(envelope: stranger.nextBatch(createdMs: t0), nowMs: now)
        #expect(admission == .held)
        #expect(ledger.digest == before)
        #expect(ledger.versionVector.entries.isEmpty)
        // The enrollment arriving later admits it.
        try ledger.insert(envelope: mesh.enroll(stranger), nowMs: now)
        #expect(ledger.batchCount == 1)
    }

    @Test func enrollmentNotSignedByRootIsRefused() throws {
        let impostor = TestMesh(name: "impostor")
        var ledger = Ledger(root: mesh.root)
        #expect(throws: LedgerError.notSignedByRoot(kind: "enrollment", signer: impostor.root.id.short)) {
            try ledger.insert(envelope: impostor.enroll(mesh.node("a")), nowMs: now)
        }
        #expect(ledger.enrollments.isEmpty)
    }

    @Test func revokedSignerIsRefusedAfterEffectiveTimeAndCutWhenLate() throws {
        var a = mesh.node("a")
        var ledger = try enrolledLedger(a)
        let early = (1...3).map { a.nextBatch(createdMs: t0 + Int64($0) * 60_000) }
        let late = (4...5).map { a.nextBatch(createdMs: t0 + Int64($0) * 60_000) }
        for batch in early + late { try ledger.insert(envelope: batch, nowMs: now) }
        #expect(ledger.logs[a.id]?.headSeq == 5)
        // A revocation effective at batch 4's time cuts 4 and 5, even though they arrived first.
        try ledger.insert(envelope: mesh.revoke(a, effectiveMs: t0 + 4 * 60_000), nowMs: now)
        #expect(ledger.logs[a.id]?.headSeq == 3)
        #expect(throws: LedgerError.revoked(origin: a.id.short, seq: 6)) {
            try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 6 * 60_000), nowMs: now)
        }
    }

    @Test func revocationBySeqTrustsSeqOverBackdatedTime() throws {
        var a = mesh.node("a")
        var ledger = try enrolledLedger(a)
        try ledger.insert(envelope: mesh.revoke(a, effectiveMs: t0, lastAcceptedSeq: 2), nowMs: now)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 - 3000), nowMs: now)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 - 2000), nowMs: now)
        // Backdated, but past the seq cut.
        #expect(throws: LedgerError.self) { try ledger.insert(envelope: a.nextBatch(createdMs: t0 - 1000), nowMs: now) }
        #expect(ledger.logs[a.id]?.headSeq == 2)
    }

    @Test func equivocationKeepsBothBatchesAsProofAndExcludesTheOrigin() throws {
        var a = mesh.node("a")
        var b = mesh.node("b", asn: 23674)
        var ledger = try enrolledLedger(a, b)
        try ledger.insert(envelope: b.nextBatch(createdMs: t0), nowMs: now)
        let one = a.nextBatch(createdMs: t0)
        let fork = a
        let two = a.nextBatch(createdMs: t0 + 1000, count: 1)
        var other = fork
        let twoPrime = other.nextBatch(createdMs: t0 + 1000, count: 5)
        try ledger.insert(envelope: one, nowMs: now)
        try ledger.insert(envelope: two, nowMs: now)
        let admission = try ledger.insert(envelope: twoPrime, nowMs: now)
        #expect(admission == .equivocation(origin: a.id))
        let proof = try #require(ledger.proofs[a.id])
        #expect(Set([proof.first.id, proof.second.id]) == Set([two.recordID!, twoPrime.recordID!]))
        #expect(ledger.excluded.contains(a.id))
        #expect(ledger.logs[a.id] == nil)
        #expect(ledger.logs[b.id]?.headSeq == 1, "other origins are untouched")
        #expect(throws: LedgerError.excluded(origin: a.id.short)) {
            try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 2000), nowMs: now)
        }
        // The proof travels: a replica that never saw the fork excludes the origin on receipt.
        var replica = try enrolledLedger(a, b)
        try replica.insert(envelope: one, nowMs: now)
        let report = replica.apply(ledger.delta(since: replica.versionVector), nowMs: now)
        #expect(report.equivocations == 1)
        #expect(replica.digest == ledger.digest)
    }

    @Test func brokenHashChainIsAProofOfForking() throws {
        var a = mesh.node("a")
        var ledger = try enrolledLedger(a)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0), nowMs: now)
        let stray = a.batch(seq: 2, previous: Hash256.of([1, 2, 3]), previousCreatedMs: t0, createdMs: t0 + 1)
        #expect(try ledger.insert(envelope: stray, nowMs: now) == .equivocation(origin: a.id))
        #expect(ledger.excluded.contains(a.id))
    }

    @Test func batchWaitingForItsPredecessorIsHeldThenAdmitted() throws {
        var a = mesh.node("a")
        var ledger = try enrolledLedger(a)
        let batches = (1...4).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        #expect(try ledger.insert(envelope: batches[2], nowMs: now) == .held)
        #expect(try ledger.insert(envelope: batches[3], nowMs: now) == .held)
        #expect(ledger.logs[a.id]?.headSeq == 0)
        #expect(try ledger.insert(envelope: batches[0], nowMs: now) == .added)
        #expect(try ledger.insert(envelope: batches[1], nowMs: now) == .added)
        #expect(ledger.logs[a.id]?.headSeq == 4)
        #expect(ledger.heldCount == 0)
    }

    @Test func heldBatchesAreBounded() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, limits: LedgerLimits(maxHeldPerOrigin: 2, maxHeldTotal: 4))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: now)
        _ = a.nextBatch(createdMs: t0)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 1), nowMs: now)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 2), nowMs: now)
        #expect(throws: LedgerError.heldFull(origin: a.id.short, limit: 2)) {
            try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 3), nowMs: now)
        }
        // The total over origins: 4 held (2 + 2) is the limit, a fifth from a third origin is refused.
        var b = mesh.node("b"), c = mesh.node("c")
        for node in [b, c] { try ledger.insert(envelope: mesh.enroll(node), nowMs: now) }
        _ = b.nextBatch(createdMs: t0)
        try ledger.insert(envelope: b.nextBatch(createdMs: t0 + 1), nowMs: now)
        try ledger.insert(envelope: b.nextBatch(createdMs: t0 + 2), nowMs: now)
        #expect(ledger.heldCount == 4)
        _ = c.nextBatch(createdMs: t0)
        #expect(throws: LedgerError.heldFull(origin: c.id.short, limit: 2)) {
            try ledger.insert(envelope: c.nextBatch(createdMs: t0 + 1), nowMs: now)
        }
    }

    @Test func oversizedBatchIsRefusedAtTheLimitPlusOne() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root, limits: LedgerLimits(maxMeasurementsPerBatch: 10))
        try ledger.insert(envelope: mesh.enroll(a), nowMs: now)
        var atLimit = a
        #expect(try ledger.insert(envelope: atLimit.nextBatch(createdMs: t0, count: 10), nowMs: now) == .added)
        #expect(throws: LedgerError.self) {
            try ledger.insert(envelope: a.nextBatch(createdMs: t0, count: 11), nowMs: now)
        }
        // Bytes: a payload of exactly the limit enters; one byte over it is refused.
        var fresh = mesh.node("a")
        let batch = fresh.nextBatch(createdMs: t0, count: 5)
        var exact = Ledger(root: mesh.root, limits: LedgerLimits(maxBatchBytes: batch.payload.count))
        try exact.insert(envelope: mesh.enroll(a), nowMs: now)
        #expect(try exact.insert(envelope: batch, nowMs: now) == .added)
        var small = Ledger(root: mesh.root, limits: LedgerLimits(maxBatchBytes: batch.payload.count - 1))
        try small.insert(envelope: mesh.enroll(a), nowMs: now)
        do {
            try small.insert(envelope: batch, nowMs: now)
            Issue.record("a batch over maxBatchBytes was admitted")
        } catch let error as LedgerError {
            #expect(error.description.contains("exceed the limit of \(batch.payload.count - 1)"))
        }
    }

    @Test func batchFromTheFutureIsRefused() throws {
        var a = mesh.node("a")
        var ledger = try enrolledLedger(a)
        let skew = LedgerLimits().maxClockSkewMs
        #expect(throws: LedgerError.self) {
            try ledger.insert(envelope: a.nextBatch(createdMs: now + skew + 1), nowMs: now)
        }
        var b = mesh.node("a")
        #expect(try ledger.insert(envelope: b.nextBatch(createdMs: now + skew), nowMs: now) == .added)
    }

    @Test func measurementLaterThanItsBatchBeyondTheSkewIsRefused() throws {
        let skew = LedgerLimits().maxClockSkewMs
        func batch(measuredAfterCreation ahead: Int64) -> Envelope {
            var node = mesh.node("a")
            var m = Measurement()
            m.target = "facebook"
            m.probe = .tls
            m.outcome = .ok
            m.startTimeMs = t0 + ahead
            return node.nextBatch(createdMs: t0, measurements: [m])
        }
        var ledger = try enrolledLedger(mesh.node("a"))
        #expect(throws: LedgerError.measurementFromTheFuture(origin: mesh.node("a").id.short, seq: 1, aheadMs: skew + 1)) {
            try ledger.insert(envelope: batch(measuredAfterCreation: skew + 1), nowMs: now)
        }
        #expect(try ledger.insert(envelope: batch(measuredAfterCreation: skew), nowMs: now) == .added)
    }

    @Test func batchOutsideTheEnrollmentWindowIsHeld() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a, notBeforeMs: t0, notAfterMs: t0 + 1000), nowMs: now)
        #expect(try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 5000), nowMs: now) == .held)
        #expect(ledger.batchCount == 0)
    }

    @Test func batchWhoseOriginIsNotItsSignerIsRefused() throws {
        let a = mesh.node("a")
        let b = mesh.node("b")
        var ledger = try enrolledLedger(a, b)
        var batch = Batch()
        batch.origin = Data(b.id.bytes)
        batch.seq = 1
        batch.previousHash = Data(Hash256.zero.bytes)
        batch.createdMs = t0
        #expect(throws: LedgerError.self) { try ledger.insert(envelope: a.key.sign(batch), nowMs: now) }
    }
}

/// Measurements have a lower time bound: `max_measurement_age` before their batch.
@Suite struct MeasurementAgeTests {
    let mesh = TestMesh(name: "age")
    let t0: Int64 = 1_705_755_600_000
    let day: Int64 = 86_400_000

    func measurement(at ms: Int64) -> VantageWire.Measurement {
        Measurement.with {
            $0.target = "x"
            $0.input = "https://x.com/"
            $0.probe = .tls
            $0.startTimeMs = ms
            $0.outcome = .ok
        }
    }

    @Test func aMeasurementOlderThanTheLimitBeforeItsBatchIsRefusedNamingIt() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10 * day)
        let backdated = a.nextBatch(createdMs: t0 + 8 * day, measurements: [measurement(at: t0 + 8 * day - 1), measurement(at: t0)])
        #expect {
            try ledger.insert(envelope: backdated, nowMs: t0 + 10 * day)
        } throws: { error in
            (error as? LedgerError)?.label == "too_old" && "\(error)".contains("beyond max_measurement_age (604800 s)")
        }
        var b = mesh.node("b")
        try ledger.insert(envelope: mesh.enroll(b), nowMs: t0 + 10 * day)
        #expect(try ledger.insert(envelope: b.nextBatch(createdMs: t0 + 6 * day, measurements: [measurement(at: t0)]), nowMs: t0 + 10 * day) == .added)
    }

    @Test func theCampaignSetsTheLimit() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 10 * day)
        var campaign = try Campaign(serializedBytes: mesh.campaign(version: 1).payload)
        campaign.maxMeasurementAgeDays = 1
        try ledger.insert(envelope: mesh.rootKey.sign(campaign), nowMs: t0 + 10 * day)
        #expect(ledger.maxMeasurementAgeMs == day)
        #expect(throws: LedgerError.self) {
            try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 2 * day, measurements: [measurement(at: t0)]), nowMs: t0 + 10 * day)
        }
    }
}
