import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// Deltas stay under their byte budget in every part, and anti-entropy still brings two replicas
/// together when the small facts alone are larger than one delta; duplicates cost no verification.
@Suite struct BoundedDeltaTests {
    let mesh = TestMesh(name: "bounded")
    let t0: Int64 = 1_705_755_600_000
    var now: Int64 { t0 + 3_600_000 }

    /// Enrollments of `count` nodes named `prefix` and a number.
    func enrollments(_ prefix: String, count: Int) -> [Envelope] {
        (0..<count).map { mesh.enroll(mesh.node("\(prefix)\($0)")) }
    }

    /// Wire size of the parts of a delta, as the budget counts them.
    func size(_ delta: Delta) -> Int {
        (delta.facts + delta.batches).reduce(0) { $0 + $1.payload.count + $1.signer.count + $1.signature.count + 12 }
            + delta.proofs.reduce(0) { $0 + [$1.first, $1.second].reduce(0) { $0 + $1.payload.count + $1.signer.count + $1.signature.count + 12 } + 8 }
    }

    @Test func thousandsOfSmallFactsArePagedUnderTheBudgetAndStillArrive() throws {
        var a = mesh.node("a")
        var full = Ledger(root: mesh.root)
        try full.insert(envelope: mesh.enroll(a), nowMs: now)
        for envelope in enrollments("n", count: 3_000) { try full.insert(envelope: envelope, nowMs: now) }
        try full.insert(envelope: a.nextBatch(createdMs: t0 + 3_600_000 - 1), nowMs: now)
        var empty = Ledger(root: mesh.root)
        var rng = SplitMix64(seed: 5)
        let budget = 64 * 1024
        var exchanges = 0
        while empty.digest != full.digest && exchanges < 200 {
            exchanges += 1
            let delta = full.delta(since: empty.versionVector, maxBytes: budget, startBucket: Int.random(in: 0..<16, using: &rng))
            #expect(size(delta) <= budget + 4096, "only the one batch every delta carries may pass the budget")
            #expect(delta.truncated || empty.digest != full.digest)
            let report = empty.apply(delta, nowMs: now)
            #expect(report.refused.isEmpty)
        }
        #expect(empty.digest == full.digest, "after \(exchanges) exchanges")
        #expect(exchanges > 10 && exchanges < 100, "3,000 enrollments need many 64 KiB deltas, not one frame: \(exchanges)")
    }

    @Test func onlyTheBucketsThePeerLacksAreSent() throws {
        let a = mesh.node("a")
        var x = Ledger(root: mesh.root), y = Ledger(root: mesh.root)
        try x.insert(envelope: mesh.enroll(a), nowMs: now)
        try y.insert(envelope: mesh.enroll(a), nowMs: now)
        let shared = enrollments("n", count: 200)
        for envelope in shared {
            try x.insert(envelope: envelope, nowMs: now)
            try y.insert(envelope: envelope, nowMs: now)
        }
        let extra = mesh.enroll(mesh.node("extra"))
        try x.insert(envelope: extra, nowMs: now)
        let delta = x.delta(since: y.versionVector)
        let bucket = Int(extra.recordID!.leadingByte >> 4)
        #expect(delta.facts.contains(extra))
        #expect(delta.facts.allSatisfy { Int($0.recordID!.leadingByte >> 4) == bucket }, "facts of other buckets are not resent")
        #expect(delta.facts.count < 40, "one bucket of about 201 / 16 enrollments, not all 202: \(delta.facts.count)")
    }

    @Test func anExchangeSendsOnlyTheAttestationsThePeerLacks() throws {
        var a = mesh.node("a")
        var x = Ledger(root: mesh.root), y = Ledger(root: mesh.root)
        try x.insert(envelope: mesh.enroll(a), nowMs: now)
        try y.insert(envelope: mesh.enroll(a), nowMs: now)
        for i in 0..<200 {
            let createdMs = t0 + Int64(i) * 1000
            let envelope = a.nextSummaryBatch(createdMs: createdMs, summaries: [], attestations: [a.attestation(windowEndMs: createdMs, verdictIDs: ["v\(i)"])])
            try x.insert(envelope: envelope, nowMs: now)
            try y.insert(envelope: envelope, nowMs: now)
        }
        let extra = a.nextSummaryBatch(createdMs: t0 + 999_999, summaries: [], attestations: [a.attestation(windowEndMs: t0 + 999_999)])
        try x.insert(envelope: extra, nowMs: now)
        let delta = x.delta(since: y.versionVector)
        #expect(delta.batches == [extra] && delta.facts.isEmpty, "the one summary-log entry y lacks, nothing else: \(delta.batches.count) batches, \(delta.facts.count) facts")
        #expect(x.attestationIndex.count == 201)
    }

    @Test func aProofLargerThanADeltaStillSpreadsBesideTheFactsOfItsBucket() throws {
        var mallory = mesh.node("mallory")
        var x = Ledger(root: mesh.root), y = Ledger(root: mesh.root)
        for i in 0..<60 {
            let enrollment = mesh.enroll(mesh.node("n\(i)"))
            try x.insert(envelope: enrollment, nowMs: now)
            try y.insert(envelope: enrollment, nowMs: now)
        }
        try x.insert(envelope: mesh.enroll(mallory), nowMs: now)
        try y.insert(envelope: mesh.enroll(mallory), nowMs: now)
        let fork = mallory
        let first = mallory.nextBatch(createdMs: t0, count: 60)
        var other = fork
        let second = other.nextBatch(createdMs: t0, count: 61)
        try x.insert(envelope: first, nowMs: now)
        try x.insert(envelope: second, nowMs: now)
        try y.insert(envelope: first, nowMs: now)
        #expect(x.excluded.contains(mallory.id) && !y.excluded.contains(mallory.id))
        // y learns one more enrollment in the proof's bucket, so that bucket differs for two reasons.
        var extra: Envelope?
        for i in 0..<500 {
            let candidate = mesh.enroll(mesh.node("extra\(i)"))
            if candidate.recordID!.leadingByte >> 4 == mallory.id.leadingByte >> 4 { extra = candidate; break }
        }
        try x.insert(envelope: try #require(extra), nowMs: now)
        let budget = 4_096
        #expect(first.payload.count * 2 > budget, "the proof alone exceeds a delta's budget")
        var rng = SplitMix64(seed: 9)
        var exchanges = 0
        while x.digest != y.digest && exchanges < 100 {
            exchanges += 1
            _ = y.apply(x.delta(since: y.versionVector, maxBytes: budget, startBucket: Int.random(in: 0..<16, using: &rng)), nowMs: now)
            _ = x.apply(y.delta(since: x.versionVector, maxBytes: budget, startBucket: Int.random(in: 0..<16, using: &rng)), nowMs: now)
        }
        #expect(x.digest == y.digest && y.excluded.contains(mallory.id), "after \(exchanges) exchanges")
        #expect(y.enrollments.count == 62)
    }

    @Test func aProofWhoseBatchesExceedTheBatchLimitIsRefused() throws {
        var a = mesh.node("a")
        let limits = LedgerLimits(maxBatchBytes: 4_000)
        var ledger = Ledger(root: mesh.root, limits: limits)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: now)
        let fork = a
        let first = a.nextBatch(createdMs: t0, count: 200)
        var other = fork
        let second = other.nextBatch(createdMs: t0, count: 201)
        #expect(first.payload.count > 4_000)
        let proof = try ProofFact(verifying: EquivocationProof.with { $0.first = first; $0.second = second })
        #expect(throws: LedgerError.self) { try ledger.insertProof(proof, nowMs: now) }
        #expect(ledger.excluded.isEmpty)
    }

    @Test func attestationsArePrunedByRetentionWithTheirSummaryBatchesAndSurviveARestart() throws {
        var a = mesh.node("a")
        let day: Int64 = 86_400_000
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: t0 + 40 * day)
        let old = a.nextSummaryBatch(createdMs: t0, summaries: [], attestations: [a.attestation(windowEndMs: t0)])
        try ledger.insert(envelope: old, nowMs: t0 + 40 * day)
        let recent = a.nextSummaryBatch(createdMs: t0 + 25 * day, summaries: [], attestations: [a.attestation(windowEndMs: t0 + 25 * day)])
        try ledger.insert(envelope: recent, nowMs: t0 + 40 * day)
        #expect(Set(ledger.attestationIndex.keys) == [old.recordID!, recent.recordID!])
        #expect(ledger.summaryBatchCount == 2)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 31 * day), nowMs: t0 + 40 * day)
        #expect(Set(ledger.attestationIndex.keys) == [recent.recordID!], "the summary batch older than the cutoff (day 1) is pruned with its attestation")
        try ledger.commit()
        let (reopened, _) = try Ledger.open(root: mesh.root, store: ledger.store)
        #expect(Set(reopened.attestationIndex.keys) == [recent.recordID!], "the index is read back from the store, the pruned one is not")
        #expect(reopened.digest == ledger.digest)
    }

    @Test func factsTheLedgerHoldsAreNotVerifiedAgain() throws {
        var a = mesh.node("a")
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a), nowMs: now)
        let batches = (1...20).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        var delta = Delta()
        delta.batches = batches
        var verifications = 0
        let counting: (Envelope) throws -> SignedFact = { verifications += 1; return try SignedFact(verifying: $0) }
        _ = ledger.apply(delta, nowMs: now, verify: counting)
        #expect(verifications == 20)
        let again = ledger.apply(delta, nowMs: now, verify: counting)
        #expect(verifications == 20 && again.duplicates == 20, "a duplicate costs a hash, not a signature check")
        // A forged copy of a held id is not a duplicate: its bytes differ, so it is verified (and refused).
        var forged = batches[0]
        forged.signature[5] ^= 1
        #expect(ledger.holds(forged), "same id: the id covers domain and payload, not the signature")
    }

    @Test func aPartialVectorIsAnsweredForItsBucketsOnly() throws {
        var nodes = (0..<12).map { mesh.node("n\($0)", asn: UInt32($0 + 1)) }
        var full = Ledger(root: mesh.root)
        for i in nodes.indices {
            try full.insert(envelope: mesh.enroll(nodes[i]), nowMs: now)
            try full.insert(envelope: nodes[i].nextBatch(createdMs: t0 + Int64(i)), nowMs: now)
        }
        var empty = Ledger(root: mesh.root)
        for node in nodes { try empty.insert(envelope: mesh.enroll(node), nowMs: now) }
        let mask: UInt64 = 1 << UInt64(VersionVector.bucket(of: nodes[3].id))
        let partial = empty.versionVector.restricted(to: mask)
        let delta = full.delta(since: partial)
        let expected = nodes.filter { VersionVector.bucket(of: $0.id) == VersionVector.bucket(of: nodes[3].id) }.count
        #expect(delta.batches.count == expected, "only the origins of the included bucket are answered")
        #expect(full.delta(since: empty.versionVector).batches.count == 12)
        #expect(full.versionVector.differingBuckets(from: empty.versionVector).nonzeroBitCount
                == Set(nodes.map { VersionVector.bucket(of: $0.id) }).count)
        #expect(full.versionVector.differingBuckets(from: full.versionVector) == 0)

        // The wire form keeps what a partial vector says, and a vector that contradicts it is refused.
        let restricted = full.versionVector.restricted(to: mask)
        #expect(try VersionVector(message: restricted.message) == restricted)
        #expect(try VersionVector(message: full.versionVector.fingerprintsOnly.message).entries.isEmpty)
        var lying = full.versionVector.message
        lying.partial = true
        lying.includedBuckets = mask
        #expect { try VersionVector(message: lying) } throws: { "\($0)".contains("its origin bucket is not among the included buckets") }
        var short = full.versionVector.message
        short.originBuckets.removeLast()
        #expect { try VersionVector(message: short) } throws: { "\($0)".contains("63 origin buckets, not 64") }
    }
}
