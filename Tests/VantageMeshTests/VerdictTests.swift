import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VantageAgent
import VantageIdentity
import VantageScoring
import VantageDemo
import VantageTestKit

/// Live verdicts over real agents: identical on every node once digests agree, attested, and
/// exported as a report that verifies offline.
extension MeshSuite {
@Suite struct VerdictTests {
    /// One vantage point's measurements, 13:00–15:00 UTC, three per 10-minute window; facebook and x
    /// fail with `tls_reset` from 13:30 to 14:30 when `blocked`, wikipedia never does.
    func day(blocked: Bool) -> Data {
        var lines: [String] = []
        for minute in stride(from: 0, to: 120, by: 3) {
            let time = String(format: "2024-01-20T%02d:%02d:30Z", 13 + minute / 60, minute % 60)
            for target in ["facebook", "x", "wikipedia"] {
                let failing = blocked && target != "wikipedia" && (30..<90).contains(minute)
                lines.append(#"{"target":"\#(target)","input":"https://\#(target).example/","probe":"tls","time":"\#(time)","outcome":"\#(failing ? "tls_reset" : "ok")","runtime_ms":80}"#)
            }
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    func rawVerdicts(_ node: NodeDirectory) async throws -> Data {
        let url = try AgentClient(node: node.path).baseURL.appendingPathComponent("v1/verdicts")
        return try await URLSession.shared.data(from: url).0
    }

    @Test func fiveNodesServeIdenticalVerdictsAndAnExportedReportVerifiesOffline() async throws {
        let folders = try MeshFolders.create("verdicts", nodes: (1...5).map { ("isp\($0)", UInt32(64500 + $0)) })
        let runner = try CommandRunner(directory: folders.base)
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        var previous: String?
        for node in folders.nodes {
            var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--attest-interval", "500ms"]
            if let previous { arguments += ["--join", previous] }
            let agent = try AgentProcess(runner: runner, node: node.path, arguments: arguments)
            previous = try await agent.waitUntilReady()
            agents.append(agent)
        }
        for (index, node) in folders.nodes.enumerated() {
            let report = try await AgentClient(node: node.path).submit(jsonLines: day(blocked: index < 4))
            #expect(report.refused == 0)
        }
        let converged = try await eventually(timeout: 60) {
            let all = try await statuses(folders)
            return Set(all.map(\.ledger.digest)).count == 1 && all.allSatisfy { $0.ledger.origins == 5 }
        }
        #expect(converged)
        // Each node signs its closed windows' summaries into its summary log; they reach every
        // node and state exactly what the raw batches hold.
        let summarised = try await eventually(timeout: 30) {
            let ledger = try LedgerTransfer.ledger(ofNode: folders.nodes[4].path)
            let observations = ledger.observations(in: Int64.min..<Int64.max)
            return ledger.summaryLogs.count == 5 && ledger.origins.allSatisfy { origin in
                ledger.signedSummaries(of: origin) == WindowSummary.summarize(observations.filter { $0.vantage.hasPrefix(origin.hex) }, windowMs: ledger.windowMs)
            }
        }
        #expect(summarised)
        var bodies: [Data] = []
        for node in folders.nodes { bodies.append(try await rawVerdicts(node)) }
        #expect(Set(bodies).count == 1, "every node returns the same bytes")
        let result = try JSONDecoder().decode(ScoreResult.self, from: bodies[0])
        let verdict = try #require(result.verdicts.first)
        #expect(result.verdicts.count == 1)
        #expect(verdict.scope == .nation && verdict.targets == ["facebook", "x"])
        #expect(verdict.asnsAffected == 4 && verdict.asnsObserved == 5)
        #expect(verdict.start == "2024-01-20T13:30:00Z" && verdict.end == "2024-01-20T14:30:00Z")
        #expect(verdict.supportingBatches.count == 4, "one batch per blocked node")

        // The dashboard: one cell per ASN × target × window of the view, the verdict, no scripts.
        let base = try AgentClient(node: folders.nodes[1].path).baseURL
        let page = String(decoding: try await URLSession.shared.data(from: base).0, as: UTF8.self)
        let view = try await AgentClient(node: folders.nodes[1].path).view(country: nil)
        #expect(page.components(separatedBy: "<rect class=\"cell ").count - 1 == view.cells.count)
        #expect(view.cells.count == 3 * 5 * 12, "3 targets × 5 ASNs × 12 windows")
        #expect(page.components(separatedBy: "<rect class=\"cell anomalous\"").count - 1 == view.cells.filter { $0.state == .anomalous }.count)
        #expect(page.contains("NATION-SCALE blocking of facebook, x"))
        // The blocking ended at 14:30 and the view runs on: the top of the page says nothing is blocked now.
        #expect(page.contains("<h2 id=\"now\">What is blocked right now?</h2>\n<p class=\"now clear\">Nothing is blocked now"))
        #expect(page.contains("<polyline class=\"line\" data-target=\"facebook\""), "the chart of the last 24 hours")
        #expect(page.contains("AS64501 isp1"))
        #expect(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"), "self-contained: no scripts, fonts or CDNs")

        let people = try runner.run("verdicts", "--node", folders.nodes[4].path)
        #expect(people.stdout.contains("NATION-SCALE blocking of facebook, x — 2024-01-20 13:30–14:30 UTC — 4 of 5 ASNs"), "\(people.stdout)")

        // Attestations spread until a quorum of ASNs attests the verdict on the exporting node —
        // while one node keeps signing new batches (of the next day, of a target outside the
        // verdict and not a control, so neither its evidence nor its baselines change), so no
        // digest stays still for an attestation interval, as in a large mesh.
        let churning = try AgentClient(node: folders.nodes[3].path)
        let batchesBefore = try await churning.status().ledger.batches
        let churn = Task {
            var n = 0
            while !Task.isCancelled {
                n += 1
                let time = Date(unixMilliseconds: 1_705_795_200_000 + Int64(n) * 1_000).rfc3339  // 2024-01-21, the next day
                let line = #"{"target":"youtube","input":"https://youtube.example/","probe":"tls","time":"\#(time)","outcome":"ok","runtime_ms":1}"#
                _ = try? await churning.submit(jsonLines: Data(line.utf8))
                try? await Task.sleep(for: .milliseconds(150))
            }
        }
        defer { churn.cancel() }
        let reportPath = folders.base.appendingPathComponent("report.json").path
        let attested = try await eventually(timeout: 60) {
            guard try runner.run("report", "export", "--node", folders.nodes[4].path, "--verdict", verdict.id, "--out", reportPath).status == 0,
                  let report = try? JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath))) else { return false }
            return ReportVerifier.verify(report).checks.contains { $0.part == "attestations" && $0.detail.contains("nodes in 5 ASNs") }
        }
        #expect(attested)
        churn.cancel()
        let churned = try await churning.status().ledger.batches - batchesBefore
        #expect(churned >= 2, "the digests kept changing: \(churned) batches signed meanwhile")
        let verify = try runner.run("report", "verify", reportPath, "--mesh-key", folders.mesh.descriptionPath)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("VERIFIED: NATION-SCALE blocking of facebook, x"))
        #expect(verify.stdout.contains("nodes in 5 ASNs attest this verdict"))
        #expect(verify.stdout.contains("of 5 signers: the summaries scored agree with the raw batches for facebook, x"), "\(verify.stdout)")

        // One altered byte inside a signed batch: verification fails and names the batch.
        var report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        var bytes = [UInt8](Data(base64Encoded: report.batches[2])!)
        bytes[bytes.count / 2] ^= 0x01
        report.batches[2] = Data(bytes).base64EncodedString()
        let tamperedPath = folders.base.appendingPathComponent("tampered.json").path
        try report.fileData().write(to: URL(fileURLWithPath: tamperedPath))
        let tampered = try runner.run("report", "verify", tamperedPath)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("FAIL batches[2]: "), "\(tampered.stdout)")
        #expect(tampered.stdout.contains("NOT VERIFIED"))

        // A restart reads the index, not the facts: alone (no peer to send it anything), the node
        // serves the same digest and the same verdicts, having decoded no stored batch and verified
        // no signature while it opened its store.
        let verdictBytes = try await rawVerdicts(folders.nodes[0])
        agents.forEach { $0.stop() }
        // Read once every agent has stopped: facts in flight (the last summaries) have landed.
        let digest = try LedgerTransfer.ledger(ofNode: folders.nodes[0].path).digest.hex
        let restarted = try AgentProcess(runner: runner, node: folders.nodes[0].path,
                                         arguments: ["--listen", "127.0.0.1:0", "--attest-interval", "1h"])
        agents = [restarted]
        _ = try await restarted.waitUntilReady()
        let metricsURL = try AgentClient(node: folders.nodes[0].path).baseURL.appendingPathComponent("metrics")
        let metrics = String(decoding: try await URLSession.shared.data(from: metricsURL).0, as: UTF8.self)
        #expect(metrics.contains("vantage_stored_batches_decoded_total 0"), "\(metrics)")
        #expect(metrics.contains("vantage_signatures_verified_total 0"), "\(metrics)")
        #expect(try await AgentClient(node: folders.nodes[0].path).status().ledger.digest == digest)
        #expect(try await rawVerdicts(folders.nodes[0]) == verdictBytes)
    }
}
}
