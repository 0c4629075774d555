import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// Compact measurements numbered by a campaign (SPEC §5.6) and the daily quota per origin (§5.7).
@Suite struct CampaignRulesTests {
    let mesh = TestMesh(name: "campaign-rules")
    let t0: Int64 = 1_705_755_600_000  // 2024-01-20T13:00:00Z
    let day: Int64 = 86_400_000
    var now: Int64 { t0 + 2 * day }

    func ledger(enrolling nodes: TestNode..., campaign: Envelope? = nil) throws -> Ledger {
        var ledger = Ledger(root: mesh.root)
        for node in nodes { try ledger.insert(envelope: mesh.enroll(node, notBeforeMs: t0 - day), nowMs: now) }
        if let campaign { try ledger.insert(envelope: campaign, nowMs: now) }
        return ledger
    }

    /// The test mesh's campaign with `change` applied, signed by the root.
    func campaign(version: UInt64 = 1, _ change: (inout Campaign) -> Void = { _ in }) throws -> Envelope {
        var record = try Campaign(serializedBytes: mesh.campaign(version: version).payload)
        change(&record)
        return mesh.rootKey.sign(record)
    }

    @Test func numberedMeasurementsAreSmallerAndReadBackByName() throws {
        var a = mesh.node("a")
        let campaign = try campaign()
        var ledger = try ledger(enrolling: a, campaign: campaign)
        var plainSigner = a
        let numbered = a.nextBatch(createdMs: t0, count: 10, outcome: .tlsReset, numberedBy: campaign)
        let plain = plainSigner.nextBatch(createdMs: t0, count: 10, outcome: .tlsReset)
        #expect(numbered.payload.count * 5 < plain.payload.count * 3, "\(numbered.payload.count) bytes numbered, \(plain.payload.count) named")
        #expect(try ledger.insert(envelope: numbered, nowMs: now) == .added)
        let stored = try #require(ledger.batch(of: a.id, seq: 1))
        let measurements = ledger.measurements(of: stored)
        #expect(measurements.count == 10)
        #expect(measurements.allSatisfy { $0.target == "facebook" && $0.input == "https://www.facebook.com/" && $0.targetIndex == 0 })
        let series = Tallies.Series(vantage: Placement.vantagePoint(node: a.id, try #require(ledger.enrollments(of: a.id).first).record), target: "facebook")
        #expect(ledger.tallies.series[series]?.values.reduce(0) { $0 + $1.failures } == 10)
    }

    @Test func aNumberTheCampaignDoesNotHaveIsRefusedNamingIt() throws {
        let a = mesh.node("a")
        let campaign = try campaign()
        var ledger = try ledger(enrolling: a, campaign: campaign)
        var batch = ledger.nextBatch(of: a.id, createdMs: t0, measurements: [measurement(target: "facebook")])
        batch.measurements[0].targetIndex = 5
        let before = ledger.digest
        #expect {
            try ledger.insert(envelope: a.key.sign(batch), nowMs: now)
        } throws: { error in
            (error as? LedgerError)?.label == "malformed" && "\(error)".contains("target_index 5 is beyond the campaign's 1 targets")
        }
        batch.measurements[0].targetIndex = 1
        batch.measurements[0].target = "facebook"
        #expect { try ledger.insert(envelope: a.key.sign(batch), nowMs: now) } throws: { "\($0)".contains("both target_index and target are set") }
        #expect(ledger.digest == before)
    }

    @Test func aTargetOutsideTheCampaignKeepsItsName() throws {
        let a = mesh.node("a")
        var ledger = try ledger(enrolling: a, campaign: try campaign())
        let batch = ledger.nextBatch(of: a.id, createdMs: t0, measurements: [measurement(target: "facebook"), measurement(target: "telegram")])
        #expect(batch.measurements[0].targetIndex == 1 && batch.measurements[0].target.isEmpty)
        #expect(batch.measurements[1].targetIndex == 0 && batch.measurements[1].target == "telegram")
        #expect(try ledger.insert(envelope: a.key.sign(batch), nowMs: now) == .added)
    }

    @Test func aBatchWaitsForTheCampaignItNamesAndAnOlderCampaignStillNamesIt() throws {
        var a = mesh.node("a")
        let first = try campaign()
        var ledger = try ledger(enrolling: a)
        let batch = a.nextBatch(createdMs: t0, count: 2, numberedBy: first)
        #expect(try ledger.insert(envelope: batch, nowMs: now) == .held)
        // A newer campaign puts another target first; the batch is still named by the one it names.
        let second = try campaign(version: 2) { c in c.targets.insert(Target.with { $0.name = "x"; $0.inputs = ["https://x.com/"] }, at: 0) }
        try ledger.insert(envelope: second, nowMs: now)
        #expect(ledger.logs[a.id]?.headSeq == nil || ledger.logs[a.id]?.headSeq == 0)
        try ledger.insert(envelope: first, nowMs: now)
        #expect(ledger.logs[a.id]?.headSeq == 1)
        #expect(ledger.campaign?.record.version == 2)
        let stored = try #require(ledger.batch(of: a.id, seq: 1))
        #expect(ledger.measurements(of: stored).allSatisfy { $0.target == "facebook" })
    }

    @Test func theDailyQuotaStopsAFloodingOriginAlikeOnEveryReplica() throws {
        var a = mesh.node("a")
        let campaign = try campaign { $0.maxBatchesPerDay = 3 }
        var inOrder = try ledger(enrolling: a, campaign: campaign)
        let batches = (0..<5).map { a.nextBatch(createdMs: t0 + Int64($0) * 60_000, count: 1, numberedBy: campaign) }
        for batch in batches.prefix(3) { #expect(try inOrder.insert(envelope: batch, nowMs: now) == .added) }
        #expect {
            try inOrder.insert(envelope: batches[3], nowMs: now)
        } throws: { error in
            (error as? LedgerError)?.label == "quota" && "\(error)".contains("it would be batch 4 of its origin on its UTC day; the quota is 3")
        }
        #expect(try inOrder.insert(envelope: batches[4], nowMs: now) == .held, "its predecessor was refused: it cannot link")
        var reversed = try ledger(enrolling: a, campaign: campaign)
        for batch in batches.reversed() { _ = try? reversed.insert(envelope: batch, nowMs: now) }
        #expect(reversed.digest == inOrder.digest)
        #expect(reversed.logs[a.id]?.headSeq == 3)
    }

    @Test func theQuotaCountsBytesAndStartsAgainEachUTCDay() throws {
        var a = mesh.node("a")
        var sizer = a
        let size = sizer.nextBatch(createdMs: t0, count: 5, numberedBy: try campaign()).payload.count
        let campaign = try campaign { $0.maxBatchBytesPerDay = UInt64(2 * size + size / 2) }
        var ledger = try ledger(enrolling: a, campaign: campaign)
        #expect(try ledger.insert(envelope: a.nextBatch(createdMs: t0, count: 5, numberedBy: campaign), nowMs: now) == .added)
        #expect(try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 1, count: 5, numberedBy: campaign), nowMs: now) == .added)
        var late = a
        #expect { try ledger.insert(envelope: late.nextBatch(createdMs: t0 + 2, count: 5, numberedBy: campaign), nowMs: now) } throws: {
            ($0 as? LedgerError)?.label == "quota" && "\($0)".contains("bytes; the quota is \(2 * size + size / 2)")
        }
        // 2024-01-21 is another UTC day.
        #expect(try ledger.insert(envelope: a.nextBatch(createdMs: t0 + day, count: 5, numberedBy: campaign), nowMs: now) == .added)
    }

    @Test func theDefaultsFollowTheCampaignsRounds() throws {
        #expect(DailyQuota(nil).batches == 1_000 && DailyQuota(nil).bytes == 1_000 * 65_536)
        var every60s = Campaign()
        every60s.intervalSeconds = 60
        #expect(DailyQuota(every60s).batches == 4 * 1_440)
        every60s.maxBatchesPerDay = 10
        #expect(DailyQuota(every60s).batches == 10 && DailyQuota(every60s).bytes == 10 * 65_536)
    }

    @Test func summariesAreNumberedByTheCampaignAndReadBackByName() throws {
        let a = mesh.node("a")
        let campaign = try campaign()
        var ledger = try ledger(enrolling: a, campaign: campaign)
        let window = floorDiv(t0, 600_000) * 600_000
        let summary = summary(window: window, targets: ["telegram", "facebook"])
        let batch = ledger.nextSummaryBatch(of: a.id, createdMs: window + 660_000, summaries: [summary])
        #expect(batch.campaign == CampaignName.of(campaign.recordID!) && batch.campaign.count == 8)
        #expect(batch.summaries[0].targets.map(\.targetIndex) == [1, 0] && batch.summaries[0].targets.map(\.target) == ["", "telegram"],
                "the campaign's target by number first, the other by name")
        var named = batch
        named.campaign = Data()
        named.summaries = [summary]
        let (numberedBytes, namedBytes): ([UInt8], [UInt8]) = (try batch.serializedBytes(), try named.serializedBytes())
        #expect(numberedBytes.count + "facebook".count == namedBytes.count + 2 + CampaignName.byteCount,
                "the name's bytes saved, the campaign's 8 (and their tag and length) spent")
        #expect(try ledger.insert(envelope: a.key.sign(batch), nowMs: now) == .added)
        let stored = try #require(ledger.batch(of: a.id.summaryLogID, seq: 1))
        #expect(ledger.summaries(of: stored).map { $0.targets.map(\.target) } == [["facebook", "telegram"]])
        let series = Tallies.Series(vantage: Placement.vantagePoint(node: a.id, try #require(ledger.enrollments(of: a.id).first).record), target: "facebook")
        #expect(ledger.tallies.series[series]?.values.reduce(0) { $0 + $1.measurements } == 3)
    }

    @Test func aSummaryNumberTheCampaignDoesNotHaveIsRefusedNamingIt() throws {
        let a = mesh.node("a")
        let campaign = try campaign()
        let window = floorDiv(t0, 600_000) * 600_000
        func refusal(_ change: (inout Batch) -> Void) throws -> String {
            var ledger = try ledger(enrolling: a, campaign: campaign)
            var batch = ledger.nextSummaryBatch(of: a.id, createdMs: window + 660_000, summaries: [summary(window: window, targets: ["facebook", "telegram"])])
            change(&batch)
            do {
                try ledger.insert(envelope: a.key.sign(batch), nowMs: now)
                return "admitted"
            } catch {
                return "\(error)"
            }
        }
        #expect(try refusal { _ in } == "admitted")
        #expect(try refusal { $0.summaries[0].targets[0].targetIndex = 9 }.contains("target_index 9 is beyond the campaign's 1 targets"))
        #expect(try refusal { $0.summaries[0].targets[1].target = "facebook" }.contains("target facebook is summarised twice in one window"))
        #expect(try refusal { $0.summaries[0].targets[0].target = "facebook" }.contains("targets are not each numbered or named"))
        #expect(try refusal { $0.campaign = Data() }.contains("a summary's target is numbered, but its batch names no campaign"))
        #expect(try refusal { $0.campaign = Data(campaign.recordID!.bytes) }.contains("campaign is not the 8-byte name of a campaign"))
    }

    /// A summary of three `ok` measurements of each of `targets` in the window starting at `window`.
    func summary(window: Int64, targets: [String]) -> WindowSummaryRecord {
        WindowSummaryRecord.with { record in
            record.windowStartMs = window
            record.windowSeconds = 600
            record.country = "PK"
            record.asn = 17557
            record.targets = targets.sorted().map { name in TargetSummaryRecord.with { $0.target = name; $0.ok = 3 } }
            record.rawSeqs = [1]
            record.rawHash = Data(repeating: 7, count: 32)
        }
    }

    func measurement(target: String) -> VantageWire.Measurement {
        VantageWire.Measurement.with {
            $0.target = target
            $0.input = target == "facebook" ? "https://www.facebook.com/" : "https://\(target).org/"
            $0.probe = .tls
            $0.startTimeMs = t0 - 1_000
            $0.outcome = .ok
        }
    }
}
