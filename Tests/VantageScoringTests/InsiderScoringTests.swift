import Foundation
import Testing
@testable import VantageScoring
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// What one enrolled insider can no longer do to scoring and reports (SPEC §13.2, §13b): crash
/// every node with a count, or veto a report with a summary whose raw evidence never comes.
@Suite struct InsiderScoringTests {
    @Test func failureTailsStayBoundedWhateverTheCounts() {
        let huge = Int(UInt32.max)
        let group = FailureTail.Group(trials: huge, learnedFailures: 2, learnedTrials: 100)
        // One entry per trial was 34 GB: the process died allocating it.
        #expect(FailureTail.atLeast(huge, in: [group]) < 1e-12)
        #expect(FailureTail.atLeast(1, in: [group]) > 0.99)
        #expect(FailureTail.atLeast(40 * huge, in: Array(repeating: group, count: 40)) < 1e-12)
    }

    @Test func aboveTheExactLimitTheScaledTailIsCloseToTheExactOne() {
        let groups = [FailureTail.Group(trials: 2_100, learnedFailures: 3, learnedTrials: 100),
                      FailureTail.Group(trials: 2_100, learnedFailures: 5, learnedTrials: 120)]
        #expect(groups.map(\.trials).reduce(0, +) > FailureTail.exactTrialLimit)
        let exact = groups.map(FailureTail.pmf).reduce([1.0]) { total, pmf in
            var result = Array(repeating: 0.0, count: total.count + pmf.count - 1)
            for (i, x) in total.enumerated() { for (j, y) in pmf.enumerated() { result[i + j] += x * y } }
            return result
        }
        for k in stride(from: 20, through: 400, by: 20) {
            let truth = min(1, exact[k...].reduce(0, +))
            let approximate = FailureTail.atLeast(k, in: groups)
            #expect(abs(truth - approximate) < 0.05, "k = \(k): exact \(truth), scaled \(approximate)")
        }
    }

    /// The nation-scale scenario with summaries, one insider summary batch added by `sign`, scored
    /// again and attested by three ASNs as honest nodes would; its nation-scale verdict's report.
    static func attacked(_ sign: (inout LedgerScenario, Verdict, [Int64]) throws -> Envelope) async throws -> (LedgerScenario, Verdict, Envelope, Report) {
        var (scenario, verdict, windows) = try await ReportTests.summarised()
        let attack = try sign(&scenario, verdict, windows)
        #expect(try scenario.ledger.insert(envelope: attack, nowMs: LedgerScenario.nowMs) == .added)
        let ledger = scenario.ledger
        let result = Scorer.scoreWithView(ledger.tallies, country: "PK", parameters: ledger.scoringParameters, nowMs: nil) { ledger.support(in: $0) }.result
        let now = try #require(result.verdicts.first { $0.id == verdict.id }, "\(result.verdicts.map(\.sentence))")
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        let report = Report.build(verdict: now, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        return (scenario, now, attack, report)
    }

    /// A real summary of the verdict's first window, of `vantage`, naming raw seq 999,999.
    static func vetoRecord(_ scenario: LedgerScenario, _ verdict: Verdict, of vantage: String) -> WindowSummaryRecord {
        var record = scenario.ledger.summaryRecords(of: scenario.nodes[vantage]!.id, windowStarts: [RFC3339.milliseconds(verdict.start)!])[0]
        record.rawSeqs = [999_999]
        return record
    }

    @Test func aSummaryFiledWhereItsSignerIsNotEnrolledIsEvidenceOfNothing() async throws {
        let (scenario, verdict, attack, report) = try await Self.attacked { scenario, verdict, windows in
            // Enrolled in AS64500, it files a summary under AS17557.
            var insider = scenario.mesh.node("insider", country: "PK", asn: 64500)
            try scenario.ledger.insert(envelope: scenario.mesh.enroll(insider), nowMs: LedgerScenario.nowMs)
            return insider.nextSummaryBatch(createdMs: windows.last! + 700_000, summaries: [Self.vetoRecord(scenario, verdict, of: "pk-as17557-0")])
        }
        #expect(!VerdictEvidenceSet.summaryBatches(of: verdict, in: scenario.ledger).contains { $0.envelope == attack })
        #expect(!Report.rawToFetch(for: verdict, in: scenario.ledger).contains { $0.fromSeq == 999_999 })
        #expect(report.missingEvidence == nil)
        let verification = ReportVerifier.verify(report, trustedRoot: scenario.mesh.root)
        #expect(verification.verified, "\(verification.checks.filter { !$0.holds })")
    }

    @Test func aSummaryWhoseRawBatchesNeverComeIsLeftOutAndTheVerdictStillVerifies() async throws {
        var insiderID: NodeID?
        let (scenario, verdict, _, report) = try await Self.attacked { scenario, verdict, windows in
            // Enrolled in AS64500, a summary of its own ASN naming a raw batch it never signed.
            var insider = scenario.mesh.node("insider", country: "PK", asn: 64500)
            insiderID = insider.id
            try scenario.ledger.insert(envelope: scenario.mesh.enroll(insider), nowMs: LedgerScenario.nowMs)
            var record = Self.vetoRecord(scenario, verdict, of: "pk-as17557-0")
            record.asn = 64500
            return insider.nextSummaryBatch(createdMs: windows.last! + 700_000, summaries: [record])
        }
        let insider = try #require(insiderID)
        #expect(report.missingEvidence == ["\(insider.hex) #999999"])
        let verification = ReportVerifier.verify(report, trustedRoot: scenario.mesh.root)
        #expect(verification.verified, "\(verification.checks.filter { !$0.holds })")
        let evidence = try #require(verification.checks.first { $0.part == "evidence" })
        #expect(evidence.detail.contains("1 of") && evidence.detail.contains("left out, their raw batches missing: \(insider.short) window \(verdict.start) (#999999)"),
                "\(evidence.detail)")
        let recomputed = try #require(verification.checks.first { $0.part == "verdict" })
        #expect(recomputed.detail.contains("1 summaries left out: the verdict still follows"), "\(recomputed.detail)")
    }

    @Test func aTargetTheCampaignDoesNotMeasureIsScoredNowhere() {
        var data = ScenarioData()
        data.windows = 30
        data.targets = ["facebook", "invented", "wikipedia"]
        // Every vantage point of the ten ASNs says the invented target fails.
        data.disruptions = [.init(asns: Set(data.asns), targets: ["invented"], fromWindow: 20, toWindow: 25)]
        let observations = data.observations(seed: 7)
        let open = Scorer.score(observations, country: "PK", parameters: ScoringParameters())
        #expect(open.verdicts.contains { $0.targets == ["invented"] && $0.scope == .nation }, "without a campaign every target is scored")
        var campaign = Campaign()
        campaign.targets = ["facebook", "wikipedia"].map { name in Target.with { $0.name = name; $0.inputs = ["https://\(name).example/"] } }
        let parameters = ScoringParameters(campaign)
        #expect(parameters.targets == ["facebook", "wikipedia"])
        #expect(Scorer.score(observations, country: "PK", parameters: parameters).verdicts.allSatisfy { !$0.targets.contains("invented") })
    }

    @Test func namesOutsideACampaignAreRefusedByCharsetAndLength() {
        #expect(TargetName.problem(of: "www.facebook.com") == nil && TargetName.problem(of: "x") == nil)
        for name in ["", "<b>phish</b>", "@everyone", "a b", String(repeating: "a", count: 65), "fácebook"] {
            #expect(TargetName.problem(of: name) != nil, "\(name)")
        }
        let line = #"{"target":"<a href=https://evil.example>x</a>","input":"https://x.com/","probe":"tls","time":"2024-01-20T13:05:00Z","outcome":"ok"}"#
        let parsed = MeasurementLines.parse(Data((line + "\n").utf8))
        #expect(parsed.lines.isEmpty && parsed.errors.first?.description.contains("is not 1 to 64 ASCII letters, digits") == true, "\(parsed.errors)")
    }
}
