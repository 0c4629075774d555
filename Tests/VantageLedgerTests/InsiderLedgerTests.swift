import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// What one enrolled insider can no longer do to every replica's ledger (SPEC §5.5, §5.8): claim
/// counts no campaign produces, or restart a log to erase its history.
@Suite struct InsiderLedgerTests {
    let mesh = TestMesh(name: "insider")
    let day: Int64 = 86_400_000
    let t0: Int64 = 1_705_755_600_000

    /// A ledger with the test campaign (one target, one input, TLS every 300 s) and `node` enrolled.
    func ledger(with node: TestNode) throws -> (Ledger, Envelope) {
        var ledger = Ledger(root: mesh.root)
        let campaign = mesh.campaign(version: 1)
        try ledger.insert(envelope: campaign, nowMs: t0 + day)
        try ledger.insert(envelope: mesh.enroll(node), nowMs: t0 + day)
        return (ledger, campaign)
    }

    func refusal(_ ledger: Ledger, _ envelope: Envelope) -> LedgerError? {
        var copy = ledger
        do {
            try copy.insert(envelope: envelope, nowMs: t0 + day)
            return nil
        } catch {
            return error as? LedgerError
        }
    }

    /// Seq 1 of the insider's summary log holding `summary`, numbered by `campaign` when given.
    func firstSummaryBatch(_ summary: WindowSummaryRecord, numberedBy campaign: Envelope?) -> Envelope {
        var signer = mesh.node("insider")
        return signer.nextSummaryBatch(createdMs: t0 + 700_000, summaries: [summary], numberedBy: campaign)
    }

    @Test func aSummaryCountingMoreThanItsCampaignCanMeasureIsRefusedByName() throws {
        var node = mesh.node("insider")
        var (ledger, campaign) = try ledger(with: node)
        let raw = node.nextBatch(createdMs: t0 + 600_000, count: 3, outcome: .tlsReset, numberedBy: campaign)
        try ledger.insert(envelope: raw, nowMs: t0 + day)
        var summary = node.summary(of: raw)
        summary.targets[0].target = "facebook"
        let honest = summary
        summary.targets[0].setCounts([(outcome: .tlsReset, count: Int(UInt32.max))])
        // The campaign measures one input with one probe kind twice a window: 64 is the floor.
        #expect(SummaryCountLimit.perTarget(summary.targets[0], windowSeconds: 600, campaign: try Campaign(serializedBytes: campaign.payload)) == 64)
        let error = try #require(refusal(ledger, firstSummaryBatch(summary, numberedBy: campaign)))
        #expect(error.label == "summary_counts")
        #expect("\(error)".contains("target #1 counts 4294967295 measurements; its campaign allows at most 64 in a window"), "\(error)")
        summary.targets[0].setCounts([(outcome: .tlsReset, count: 64)])
        var copy = ledger
        #expect(try copy.insert(envelope: firstSummaryBatch(summary, numberedBy: campaign), nowMs: t0 + day) == .added, "64 fit")

        // Raw seqs: each one a summary names holds at least one of the measurements it counts.
        var many = honest
        many.rawSeqs = Array(1...4)
        let named = try #require(refusal(ledger, firstSummaryBatch(many, numberedBy: campaign)))
        #expect(named.label == "summary_counts" && "\(named)".contains("it names 4 raw batches for 3 measurements"), "\(named)")

        // A batch that names no campaign is bounded by the hard cap alone.
        var unnamed = honest
        unnamed.targets[0].setCounts([(outcome: .tlsReset, count: SummaryCountLimit.hardCap + 1)])
        let capped = try #require(refusal(ledger, firstSummaryBatch(unnamed, numberedBy: nil)))
        #expect("\(capped)".contains("allows at most \(SummaryCountLimit.hardCap)"), "\(capped)")
    }

    /// Three batches of `node`'s log (`tier`), a day apart, in `ledger`.
    func threeBatches(of node: inout TestNode, tier: LogTier, into ledger: inout Ledger) throws {
        for i in 1...3 {
            let createdMs = t0 + Int64(i) * day
            let raw = node.nextBatch(createdMs: createdMs, count: 1)
            if tier == .raw {
                try ledger.insert(envelope: raw, nowMs: t0 + 5 * day)
            } else {
                try ledger.insert(envelope: node.nextSummaryBatch(createdMs: createdMs, summaries: [node.summary(of: raw)]), nowMs: t0 + 5 * day)
            }
        }
    }

    @Test(arguments: [LogTier.raw, LogTier.summary])
    func aBatchFarAheadWithAnAncientPredecessorDoesNotRestartALogThatKeepsBatches(tier: LogTier) throws {
        var node = mesh.node("insider")
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(node), nowMs: t0)
        try threeBatches(of: &node, tier: tier, into: &ledger)
        let log = tier == .raw ? node.id : node.id.summaryLogID
        let digest = ledger.digest
        // Seq head + 50, "after" a batch of 1970, created ten days before the log's head: the old
        // rule dropped seqs 1–3 everywhere and restarted the log at seq 49.
        var batch = Batch()
        batch.origin = Data(node.id.bytes)
        batch.tier = tier
        batch.seq = 53
        batch.previousHash = Data(Hash256.of([1]).bytes)
        batch.previousCreatedMs = 1
        batch.createdMs = t0 - 10 * day
        if tier == .raw {
            batch.measurements = [Measurement.with { $0.target = "facebook"; $0.probe = .tls; $0.startTimeMs = batch.createdMs - 1000; $0.outcome = .ok }]
        } else {
            var summary = node.summary(of: node.nextBatch(createdMs: t0 - 10 * day, count: 1))
            summary.rawSeqs = [1]
            batch.summaries = [summary]
        }
        let admission = try ledger.insert(envelope: node.key.sign(batch), nowMs: t0 + 5 * day)
        #expect(admission == .held)
        #expect(ledger.span(of: log).floor == 0 && ledger.span(of: log).head.seq == 3, "every batch the log kept is still there")
        #expect(ledger.digest == digest)
    }

    @Test func aLogRestartsOnlyBelowWhatEveryReplicaPruned() throws {
        var node = mesh.node("a")
        var other = mesh.node("b", asn: 23674)
        var full = Ledger(root: mesh.root)
        try full.insert(envelope: mesh.enroll(node), nowMs: t0 + 40 * day)
        try full.insert(envelope: mesh.enroll(other), nowMs: t0 + 40 * day)
        for i in 0..<5 { try full.insert(envelope: node.nextBatch(createdMs: t0 + Int64(i) * day), nowMs: t0 + 40 * day) }
        try full.insert(envelope: other.nextBatch(createdMs: t0 + 33 * day), nowMs: t0 + 40 * day)
        #expect(full.span(of: node.id).floor == 3)
        // A fresh replica restarts the log at the floor the others pruned to, once.
        var fresh = Ledger(root: mesh.root)
        _ = fresh.apply(full.delta(since: fresh.versionVector), nowMs: t0 + 40 * day)
        #expect(fresh.span(of: node.id).floor == 3 && fresh.digest == full.digest)
        // A second "restart" far ahead, whose predecessor is older than the cutoff, is only a gap:
        // the log keeps batches inside retention.
        var forged = Batch()
        forged.origin = Data(node.id.bytes)
        forged.seq = 40
        forged.previousHash = Data(Hash256.of([2]).bytes)
        forged.previousCreatedMs = t0
        forged.createdMs = t0 + 33 * day
        forged.measurements = [Measurement.with { $0.target = "facebook"; $0.probe = .tls; $0.startTimeMs = forged.createdMs - 1000; $0.outcome = .ok }]
        #expect(try fresh.insert(envelope: node.key.sign(forged), nowMs: t0 + 40 * day) == .held)
        #expect(fresh.span(of: node.id).floor == 3 && fresh.span(of: node.id).head.seq == 5 && fresh.digest == full.digest)
    }

    @Test func theSummaryLogHasASmallQuotaOfItsOwn() throws {
        var node = mesh.node("insider")
        var (ledger, _) = try ledger(with: node)
        let quota = DailyQuota(nil, tier: .summary)
        #expect(quota.batches == 6 * 144 && quota.bytes == quota.batches * 8 * 1024)
        #expect(DailyQuota(nil, tier: .raw).batches == 1_000, "the raw log keeps its own")
        // A node rewriting its attestations as fast as it can: every replica stops it at the quota.
        var refused: LedgerError?
        for i in 0...quota.batches {
            let attestation = node.attestation(windowEndMs: t0 + 3_600_000, verdictIDs: ["v\(i)"])
            do {
                try ledger.insert(envelope: node.nextSummaryBatch(createdMs: t0 + 3_600_000 + Int64(i), summaries: [], attestations: [attestation]), nowMs: t0 + day)
            } catch {
                refused = error as? LedgerError
                #expect(i == quota.batches)
            }
        }
        #expect(refused?.label == "quota" && "\(refused!)".contains("the quota is \(quota.batches)"), "\(String(describing: refused))")
        #expect(ledger.span(of: node.id.summaryLogID).head.seq == UInt64(quota.batches))
    }

    @Test func aLogNeverGoesBackToAnOlderCampaign() throws {
        var node = mesh.node("insider")
        var (ledger, older) = try ledger(with: node)
        let newer = mesh.campaign(version: 2, name: "newer")
        try ledger.insert(envelope: newer, nowMs: t0 + day)
        let raw = node.nextBatch(createdMs: t0 + 600_000, count: 3, numberedBy: newer)
        try ledger.insert(envelope: raw, nowMs: t0 + day)
        var summary = node.summary(of: raw)
        summary.targets[0].target = "facebook"
        #expect(try ledger.insert(envelope: node.nextSummaryBatch(createdMs: t0 + 700_000, summaries: [summary], numberedBy: newer), nowMs: t0 + day) == .added)
        // The next batch of either log picks the first campaign again (a looser one could allow more).
        for envelope in [node.nextSummaryBatch(createdMs: t0 + 800_000, summaries: [summary], numberedBy: older),
                         node.nextBatch(createdMs: t0 + 800_000, count: 1, numberedBy: older)] {
            let refused = try #require(refusal(ledger, envelope))
            #expect(refused.label == "malformed" && "\(refused)".contains("it names campaign version 1, older than version 2 that the batch before it named"), "\(refused)")
        }
    }
}
