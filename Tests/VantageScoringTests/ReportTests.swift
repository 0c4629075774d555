import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageTestKit
import VantageWire

/// Live scoring from a signed ledger, attestations, and reports verified offline.
@Suite struct ReportTests {
    /// The nation-scale scenario (four platforms, 9 of 10 ASNs) signed into a ledger, built once.
    static let shared: Result<(LedgerScenario, ScoreResult), Error> = Result {
        var data = ScenarioData()
        data.windows = 40
        data.disruptions = [.init(asns: Set(data.asns.prefix(9)), targets: ["facebook", "instagram", "x", "youtube"], fromWindow: 20, toWindow: 30)]
        let scenario = try LedgerScenario(data.observations(seed: 5), withCampaign: true)
        let ledger = scenario.ledger
        let result = Scorer.scoreWithView(ledger.tallies, country: "PK", parameters: ledger.scoringParameters, nowMs: nil) { ledger.observations(in: $0) }.result
        return (scenario, result)
    }

    static func nationScale() async throws -> (LedgerScenario, ScoreResult) {
        try await offPool { shared }.get()
    }

    @Test func scoringTheLedgerFindsTheVerdictAndItsSupportingBatches() async throws {
        let (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        #expect(verdict.targets == ["facebook", "instagram", "x", "youtube"])
        #expect(verdict.asnsAffected == 9 && verdict.asnsObserved == 10)
        // 9 ASNs × 2 vantage points × 11 windows, each window one batch per vantage point.
        #expect(verdict.supportingBatches.count == 9 * 2 * 11)
        let ids = Set(scenario.batches.map { $0.recordID!.hex })
        #expect(verdict.supportingBatches.allSatisfy(ids.contains))
        #expect(verdict.supportingBatches == verdict.supportingBatches.sorted())
    }

    @Test func scoringTheTalliesIsScoringTheMeasurements() async throws {
        let (scenario, result) = try await Self.nationScale()
        let observations = scenario.ledger.observations(in: Int64.min..<Int64.max)
        #expect(observations.count == scenario.ledger.measurementCount)
        #expect(Scorer.score(observations, country: "PK", parameters: scenario.ledger.scoringParameters) == result)
    }

    @Test func theTalliesGrowBatchByBatchToWhatTheMeasurementsGive() async throws {
        var data = ScenarioData()
        data.windows = 12
        let full = try LedgerScenario(data.observations(seed: 9))
        var partial = Ledger(root: full.mesh.root)
        for fact in full.ledger.smallFactEnvelopes {
            try partial.insert(envelope: fact, nowMs: LedgerScenario.nowMs)
        }
        #expect(partial.tallies.series.isEmpty)
        for batch in full.batches.reversed() { _ = try? partial.insert(envelope: batch, nowMs: LedgerScenario.nowMs) }
        let observations = full.ledger.observations(in: Int64.min..<Int64.max)
        #expect(partial.digest == full.ledger.digest)
        #expect(partial.tallies == Tallies(observations, windowMs: full.ledger.windowMs))
    }

    @Test func aReportFromTheLedgerVerifiesOffline() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1", "pk-as17578-0"] { try scenario.attest(result, by: vantage) }
        let report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        #expect(report.attestations.count == 4)
        let verification = ReportVerifier.verify(try roundTrip(report), trustedRoot: scenario.mesh.root)
        #expect(verification.verified, "\(verification.checks.filter { !$0.holds })")
        #expect(verification.checks.contains { $0.part == "attestations" && $0.detail.contains("4 ASNs") })
    }

    /// The nation-scale scenario with every signer's summaries, scored as a node scores (summaries
    /// support the verdict), and attested by three ASNs.
    static func summarised() async throws -> (LedgerScenario, Verdict, [Int64]) {
        var (scenario, _) = try await Self.nationScale()
        let windows = SummaryLogTests.windows(of: scenario.ledger.observations(in: Int64.min..<Int64.max))
        for vantage in scenario.nodes.keys.sorted() {
            try scenario.ledger.insert(envelope: SummaryLogTests.summaryBatch(&scenario, of: vantage, windows: windows, createdMs: windows.last! + 660_000),
                                       nowMs: LedgerScenario.nowMs)
        }
        let ledger = scenario.ledger
        let result = Scorer.scoreWithView(ledger.tallies, country: "PK", parameters: ledger.scoringParameters, nowMs: nil) { ledger.support(in: $0) }.result
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        return (scenario, verdict, windows)
    }

    @Test func aReportFromAnOrdinaryNodeVerifiesWithEvidenceFetchedAndNamesWhatIsMissing() async throws {
        let (scenario, verdict, _) = try await Self.summarised()
        // An ordinary node: every small fact and summary, no raw batch of others.
        var ordinary = Ledger(root: scenario.mesh.root)
        var delta = Delta()
        delta.facts = scenario.ledger.snapshot.facts.filter { $0.kind != .batch }
        delta.batches = scenario.ledger.summaryLogs.flatMap { scenario.ledger.storedBatches(of: $0).compactMap { $0.decoded?.envelope } }
        _ = ordinary.apply(delta, nowMs: LedgerScenario.nowMs)
        #expect(ordinary.origins.isEmpty && ordinary.digest(scope: .summaryTier) == scenario.ledger.digest(scope: .summaryTier))
        let exporter = scenario.nodes["pk-as17557-0"]!.id
        let toFetch = Report.rawToFetch(for: verdict, in: ordinary)
        #expect(toFetch.count == VerdictEvidenceSet.rawSeqs(namedBy: VerdictEvidenceSet.summaryBatches(of: verdict, in: ordinary), for: verdict,
                                                            windowMs: ordinary.windowMs, in: ordinary).values.reduce(0) { $0 + $1.count } && toFetch.count > 100,
                "every raw batch the summaries name")
        let fetched = toFetch.compactMap { scenario.ledger.batch(of: Hash256(bytes: $0.origin)!, seq: $0.fromSeq) }
        let complete = Report.build(verdict: verdict, ledger: ordinary, fetched: fetched, meshName: "scoring", exportedBy: exporter, nowMs: 0)
        let archived = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: exporter, nowMs: 0)
        #expect(complete.batches == archived.batches && complete.summaries == archived.summaries && complete.missingEvidence == nil)
        let verification = ReportVerifier.verify(try roundTrip(complete), trustedRoot: scenario.mesh.root)
        #expect(verification.verified, "\(verification.checks.filter { !$0.holds })")

        // Ten batches could not be fetched: the report says so; verification leaves out the
        // summaries that name them, names them, and the verdict still follows from the rest.
        let partial = Report.build(verdict: verdict, ledger: ordinary, fetched: Array(fetched.dropFirst(10)), meshName: "scoring", exportedBy: exporter, nowMs: 0)
        #expect(partial.missingEvidence?.count == 10 && partial.batches.count == toFetch.count - 10)
        let leftOut = ReportVerifier.verify(try roundTrip(partial), trustedRoot: scenario.mesh.root)
        let evidence = try #require(leftOut.checks.first { $0.part == "evidence" })
        #expect(leftOut.verified, "\(leftOut.checks.filter { !$0.holds })")
        #expect(evidence.detail.contains("summaries left out, their raw batches missing") && evidence.detail.contains("could not fetch 10"), "\(evidence.detail)")
        #expect(evidence.detail.contains("\(fetched[0].signer.id.short) window ") && evidence.detail.contains("#\(fetched[0].record.seq)"), "\(evidence.detail)")
        #expect(leftOut.checks.contains { $0.part == "verdict" && $0.holds && $0.detail.contains("summaries left out: the verdict still follows") })

        // With most of the raw evidence gone, the verdict no longer follows: not verified.
        let gutted = Report.build(verdict: verdict, ledger: ordinary, fetched: Array(fetched.prefix(fetched.count / 10)), meshName: "scoring", exportedBy: exporter, nowMs: 0)
        let failed = ReportVerifier.verify(try roundTrip(gutted), trustedRoot: scenario.mesh.root)
        #expect(!failed.verified && failed.checks.contains { $0.part == "verdict" && !$0.holds && $0.detail.contains("summaries are left out") }, "\(failed.checks)")
    }

    @Test func aReportChecksEverySummaryOfItsWindowsAgainstTheRawBatches() async throws {
        var (scenario, verdict, windows) = try await Self.summarised()
        let report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        #expect(report.summaries.count == 20, "one summary batch per signer")
        let verification = ReportVerifier.verify(try roundTrip(report), trustedRoot: scenario.mesh.root)
        #expect(verification.verified, "\(verification.checks.filter { !$0.holds })")
        let check = try #require(verification.checks.first { $0.part == "summaries" })
        #expect(check.holds && check.detail.contains("of 20 signers: the summaries scored agree with the raw batches"), "\(check.detail)")

        // A signer replaces one window's summary with one that claims more failures than it measured.
        let liar = "pk-as17564-0", node = scenario.nodes[liar]!
        let window = RFC3339.milliseconds(verdict.start)!
        var records = scenario.ledger.summaryRecords(of: node.id, windowStarts: [window])
        records[0].targets[0].outcomes[records[0].targets[0].outcomes.count - 1].count += 5
        try scenario.ledger.insert(envelope: scenario.nodes[liar]!.nextSummaryBatch(createdMs: windows.last! + 720_000, summaries: records),
                                   nowMs: LedgerScenario.nowMs)
        // The lie is left out, named, and the verdict follows from the rest (the attestations name
        // the evidence before the lie: the quorum is another check).
        let lying = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: node.id, nowMs: 0)
        let verified = ReportVerifier.verify(lying, trustedRoot: scenario.mesh.root)
        let caught = try #require(verified.checks.first { $0.part == "summaries" })
        #expect(verified.checks.contains { $0.part == "verdict" && $0.holds }, "\(verified.checks.filter { !$0.holds })")
        #expect(caught.detail.contains("1 of") && caught.detail.contains("left out, contradicted by the raw batches they name; first: \(node.id.short) window \(verdict.start): the summary says"),
                "\(caught.detail)")
    }

    @Test func oneAlteredByteInAnySignedPartFailsAndNamesThePart() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        let report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        #expect(ReportVerifier.verify(report).consistent)

        var rng = SplitMix64(seed: 3)
        let cases: [(String, WritableKeyPath<Report, [String]>, Int)] = [
            ("enrollments", \.enrollments, Int.random(in: 0..<report.enrollments.count, using: &rng)),
            ("batches", \.batches, Int.random(in: 0..<report.batches.count, using: &rng)),
            ("attestations", \.attestations, Int.random(in: 0..<report.attestations.count, using: &rng)),
        ]
        for (part, path, index) in cases {
            for _ in 0..<3 {
                await Task.yield()
                var tampered = report
                tampered[keyPath: path][index] = flipOneByte(report[keyPath: path][index], using: &rng)
                let verification = ReportVerifier.verify(tampered, trustedRoot: scenario.mesh.root)
                #expect(!verification.verified && !verification.consistent, "\(part)[\(index)]")
                #expect(verification.checks.contains { !$0.holds && $0.part == "\(part)[\(index)]" },
                        "\(part)[\(index)]: \(verification.checks.filter { !$0.holds })")
            }
        }
        var campaign = report
        campaign.campaigns[0] = flipOneByte(report.campaigns[0], using: &rng)
        #expect(ReportVerifier.verify(campaign).checks.contains { !$0.holds && $0.part == "campaigns[0]" })

        var claimed = report
        claimed.verdict.asnsAffected = 10
        let verdictCheck = try #require(ReportVerifier.verify(claimed).checks.first { $0.part == "verdict" })
        #expect(!verdictCheck.holds && verdictCheck.detail.contains("asns_affected: report says 10, evidence gives 9"))

        var policy = report
        policy.policy.nationSharePercent = 90
        #expect(ReportVerifier.verify(policy).checks.contains { !$0.holds && $0.part == "policy" })

        let other = TestMesh(name: "another")
        #expect(ReportVerifier.verify(report, trustedRoot: other.root).checks.contains { !$0.holds && $0.part == "mesh key" })
    }

    @Test func withoutAQuorumOfAttestingASNsTheReportDoesNotVerify() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        // Two nodes of two ASNs, and a second node of one of them: 2 ASNs < min_asns 3.
        for vantage in ["pk-as17557-0", "pk-as17557-1", "pk-as17564-0"] { try scenario.attest(result, by: vantage) }
        let report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        let verification = ReportVerifier.verify(report)
        #expect(!verification.verified)
        let check = try #require(verification.checks.first { $0.part == "attestations" })
        #expect(!check.holds && check.detail.contains("2 ASNs"))
    }

    @Test func attestationsDigestTheCanonicalVerdicts() async throws {
        let (_, result) = try await Self.nationScale()
        let record = Attestations.record(result: result, evidence: [:], windowStartMs: 1, windowEndMs: 2)
        #expect(record.verdictIds == result.verdicts.map(\.id).sorted())
        #expect(Hash256(bytes: record.verdictsDigest) == Hash256.of(Array(Attestations.canonicalJSON(result.verdicts))))
        var changed = result
        changed.verdicts[0].confidence += 0.01
        #expect(Attestations.digest(of: changed.verdicts) != Attestations.digest(of: result.verdicts))
    }

    @Test func withoutATrustedMeshKeyAReportIsConsistentButNotVerified() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        let report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        let unchecked = ReportVerifier.verify(report)
        #expect(unchecked.consistent && !unchecked.meshChecked && !unchecked.verified)
        #expect(unchecked.checks.contains { $0.part == "mesh key" && $0.detail.contains("NOT checked") })
        #expect(ReportVerifier.verify(report, trustedRoot: scenario.mesh.root).verified)
    }

    @Test func aReportThatDropsContraryEvidenceNoLongerMatchesItsAttestations() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        var report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        #expect(ReportVerifier.verify(report, trustedRoot: scenario.mesh.root).verified)
        // Drop batches that support nothing (an unaffected ASN's, showing the platforms reachable):
        // the verdict may still be recomputed, but no attestation names this evidence.
        let supporting = Set(verdict.supportingBatches)
        let contrary = report.batches.enumerated().filter { _, text in
            let id = try! Envelope(serializedBytes: Data(base64Encoded: text)!).recordID!.hex
            return !supporting.contains(id)
        }.prefix(5).map(\.offset)
        report.batches = report.batches.enumerated().filter { !contrary.contains($0.offset) }.map(\.element)
        let verification = ReportVerifier.verify(report, trustedRoot: scenario.mesh.root)
        #expect(!verification.verified)
        let check = try #require(verification.checks.first { $0.part == "attestations" })
        #expect(!check.holds && check.detail.contains("0 ASNs") && check.detail.contains("3 attested other evidence"), "\(check.detail)")
    }

    @Test func batchesOfARevokedSignerAfterItsCutDoNotCount() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        var report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        let revoked = scenario.nodes["pk-as17578-0"]!
        report.revocations.append(try scenario.mesh.revoke(revoked, effectiveMs: ScenarioData.t0, lastAcceptedSeq: 1).serializedData().base64EncodedString())
        let verification = ReportVerifier.verify(report, trustedRoot: scenario.mesh.root)
        #expect(!verification.verified)
        #expect(verification.checks.contains { !$0.holds && $0.detail.contains("was revoked before batch #2") })
    }

    func roundTrip(_ report: Report) throws -> Report {
        try JSONDecoder().decode(Report.self, from: report.fileData())
    }

    /// The base64 of the envelope bytes with one byte changed.
    func flipOneByte(_ base64: String, using rng: inout SplitMix64) -> String {
        var bytes = [UInt8](Data(base64Encoded: base64)!)
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[i] ^= UInt8.random(in: 1...255, using: &rng)
        return Data(bytes).base64EncodedString()
    }
}

/// `vantage report render`: the page a journalist shares, and its chart alone.
extension ReportTests {
    @Test func aRenderedReportShowsTheVerdictItsChartHeatMapVerificationAndEvidence() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1", "pk-as17578-0"] { try scenario.attest(result, by: vantage) }
        let report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        let dir = ProcessInfo.processInfo.environment["VANTAGE_RENDER_DIR"].map { URL(fileURLWithPath: $0) } ?? CommandRunner.temporaryDirectory("render")
        try JSONEncoder().encode(report).write(to: dir.appendingPathComponent("report.json"))
        try (scenario.mesh.root.description + "\n").write(to: dir.appendingPathComponent("mesh.key"), atomically: true, encoding: .utf8)
        let runner = try CommandRunner(directory: dir)

        let rendered = try runner.run("report", "render", "report.json", "--out", "report.html", "--mesh-key", "mesh.key")
        #expect(rendered.status == 0 && rendered.stdout.contains("VERIFIED"), "\(rendered.stdout) \(rendered.stderr)")
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<h1 id=\"verdict\">") && page.contains(verdict.sentence))
        for target in verdict.targets { #expect(page.contains("<polyline class=\"line\" data-target=\"\(target)\" data-control=\"false\""), "a line for \(target)") }
        #expect(page.contains("no vantage point abroad in the evidence"), "the controls abroad have their own panel, empty in this scenario")
        #expect(page.contains("class=\"verdict-span\"") && page.contains("<rect class=\"cell anomalous\""))
        #expect(page.contains("<strong>VERIFIED</strong>") && page.contains("vantage report verify report.json --mesh-key mesh.json"))
        #expect(page.contains("<th>ISP</th>") && page.contains("AS17557"))
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("@import"), "self-contained: nothing to fetch")

        let unchecked = try runner.run("report", "render", "report.json", "--out", "unchecked.html")
        let plain = try String(contentsOf: dir.appendingPathComponent("unchecked.html"), encoding: .utf8)
        #expect(unchecked.status == 0 && plain.contains("The mesh was not checked.") && !plain.contains("<strong>VERIFIED</strong>"))

        let chart = try runner.run("report", "render", "report.json", "--out", "chart.svg", "--format", "svg")
        let svg = try String(contentsOf: dir.appendingPathComponent("chart.svg"), encoding: .utf8)
        #expect(chart.status == 0 && svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("<polyline"))

        // A real browser draws both: screenshots, when Chromium is installed.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            print("Chromium is not installed (apt-get install chromium): the screenshots are skipped")
            return
        }
        for (source, png, size) in [("report.html", "report.png", "1000,2600"), ("chart.svg", "chart.png", "900,420")] {
            let shot = try ExternalProgram.run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                            "--user-data-dir=\(dir.appendingPathComponent("profile-\(png)").path)",
                                                            "--window-size=\(size)", "--screenshot=\(dir.appendingPathComponent(png).path)",
                                                            dir.appendingPathComponent(source).absoluteString], seconds: 60)
            let image = try Data(contentsOf: dir.appendingPathComponent(png))
            #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]) && image.count > 10_000, "\(png): \(image.count) bytes; \(shot.output.suffix(300))")
            print("rendered \(dir.appendingPathComponent(png).path) (\(image.count) bytes)")
        }
    }
}

extension ReportTests {
    @Test func aReportWhoseEveryStringIsHostileRendersAsText() async throws {
        var (scenario, result) = try await Self.nationScale()
        let verdict = try #require(result.verdicts.first { $0.scope == .nation })
        for vantage in ["pk-as17557-0", "pk-as17564-0", "pk-as17571-1"] { try scenario.attest(result, by: vantage) }
        var report = Report.build(verdict: verdict, ledger: scenario.ledger, meshName: "scoring", exportedBy: scenario.nodes["pk-as17557-0"]!.id, nowMs: 0)
        let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
        report.meshName = hostile
        report.exportedBy = hostile
        report.exportedAt = hostile
        report.missingEvidence = [hostile]
        report.verdict.country = hostile
        report.verdict.id = hostile
        report.verdict.targets = [hostile, "x"]
        report.verdict.start = hostile
        report.format = hostile
        // An enrollment signed by the mesh root whose country is markup: refused by the verifier,
        // so the page names no place from it.
        let insider = scenario.mesh.node("insider", country: hostile, asn: 64500, isp: hostile)
        report.enrollments.append(try scenario.mesh.enroll(insider).serializedData().base64EncodedString())
        let dir = CommandRunner.temporaryDirectory("hostile-render")
        try JSONEncoder().encode(report).write(to: dir.appendingPathComponent("report.json"))
        let rendered = try CommandRunner(directory: dir).run("report", "render", "report.json", "--out", "report.html")
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!page.lowercased().contains("<script") && !page.lowercased().contains("<img"), "markup from the report reached the page")
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostile text is shown as text")
        #expect(!page.contains("AS64500"), "a place only from an enrollment the verifier admitted")
    }
}
