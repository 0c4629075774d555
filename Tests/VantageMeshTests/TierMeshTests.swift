import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VantageAgent
import VantageDemo
import VantageIdentity
import VantageScoring
import VantageTestKit
import VantageWire

/// The two tiers over real agents (protocol/SPEC.md §7.4, §7.5): two archivers keep every raw
/// batch, four ordinary nodes their own and everyone's summaries; one of them is a relay, and a
/// report exported from a node that reaches only the relay pulls its evidence from the archivers
/// through it.
extension MeshSuite {
@Suite struct TierMeshTests {
    @Test func ordinaryNodesHoldNoOtherRawBatchAndExportReportsWithEvidenceFromArchivers() async throws {
        let folders = try MeshFolders.create("tiers", nodes: (1...6).map { ($0 <= 2 ? "archive\($0)" : "isp\($0)", UInt32(64700 + $0)) })
        let runner = try CommandRunner(directory: folders.base)
        let ids = try folders.nodes.map { try KeyFile.read($0.keyPath).publicKey.id }

        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        let common = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--attest-interval", "500ms", "--no-probes"]
        var archiverAddresses: [String] = []
        for node in folders.nodes.prefix(3) {
            let agent = try AgentProcess(runner: runner, node: node.path, arguments: common + (archiverAddresses.count < 2 ? ["--archive"] : [])
                                         + archiverAddresses.flatMap { ["--join", $0] })
            archiverAddresses.append(try #require(try await agent.waitUntilReady()))
            agents.append(agent)
        }
        let relayAddress = archiverAddresses.removeLast()
        // isp3 is a relay and no archiver. The campaign reaches the archivers and the relay before
        // any other node joins: from the start, ordinary nodes send their raw batches to archivers only.
        let campaign = """
            {"name": "tiers", "version": 1, "interval_seconds": 300, "probes": ["tls"],
             "targets": [{"name": "facebook", "inputs": ["https://facebook.example/"]}, {"name": "x", "inputs": ["https://x.example/"]},
                         {"name": "wikipedia", "inputs": ["https://wikipedia.example/"]}],
             "archivers": ["\(ids[0].hex)", "\(ids[1].hex)"], "relays": [{"node_id": "\(ids[2].hex)", "address": "\(relayAddress)"}]}
            """
        try campaign.write(to: folders.base.appendingPathComponent("campaign.json"), atomically: true, encoding: .utf8)
        let signed = try runner.run("admin", "campaign", "--mesh", folders.mesh.path, "--file", "campaign.json", "--out", "campaign.envelope")
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try runner.run("admin", "publish", "--node", folders.nodes[0].path, "campaign.envelope").status == 0)
        let campaignHeld = try await eventually(timeout: 30) {
            var archiving: [Bool] = []
            for node in folders.nodes.prefix(3) { archiving.append(try await AgentClient(node: node.path).status().archiver) }
            return archiving == [true, true, false]
        }
        #expect(campaignHeld, "the archivers and the relay (no archiver) hold the campaign")
        // isp4 and isp5 dial the archivers (and the relay, which the campaign lists); isp6 only the relay.
        for node in folders.nodes.dropFirst(3) {
            let join = node.path == folders.nodes[5].path ? [relayAddress] : archiverAddresses
            let agent = try AgentProcess(runner: runner, node: node.path, arguments: common + join.flatMap { ["--join", $0] })
            _ = try await agent.waitUntilReady()
            agents.append(agent)
        }
        #expect(try await eventually(timeout: 30) { try await statuses(folders).filter(\.archiver).count == 2 }, "the campaign names two archivers")

        for (index, node) in folders.nodes.enumerated() {
            let submitted = try await AgentClient(node: node.path).submit(jsonLines: VerdictTests().day(blocked: index >= 1))
            #expect(submitted.refused == 0)
        }
        let converged = try await eventually(timeout: 90) {
            let all = try await statuses(folders)
            return Set(all.map(\.ledger.summaryDigest)).count == 1 && all.allSatisfy { $0.ledger.summaryBatches >= 6 }
                && all.prefix(2).allSatisfy { $0.ledger.origins == 5 }
        }
        #expect(converged, "every node holds every summary, the archivers every raw batch but isp6's, which reaches no archiver")
        let all = try await statuses(folders)
        #expect(all[0].ledger.digest == all[1].ledger.digest, "the archivers agree on everything")
        // Replication: both archivers confirm holding an ordinary node's raw log, which is still
        // below the default goal of 3 archivers in 2 countries; status and dashboard say so.
        let confirmed = try await eventually(timeout: 30) {
            try await AgentClient(node: folders.nodes[3].path).status().replication?.ownRaw.archivers == 2
        }
        let replication = try #require(try await AgentClient(node: folders.nodes[3].path).status().replication)
        #expect(confirmed && replication.named.archivers == 2 && replication.named.countries.count == 1, "\(replication)")
        #expect(replication.shortfall == "the campaign names 2 archivers in 1 country where the campaign's goal is 3 in 2")
        let statusText = try runner.run("status", "--node", folders.nodes[3].path).stdout
        #expect(statusText.contains("evidence BELOW GOAL: the campaign names 2 archivers in 1 country"), "\(statusText)")
        let page = String(decoding: try await URLSession.shared.data(from: AgentClient(node: folders.nodes[3].path).baseURL).0, as: UTF8.self)
        #expect(page.contains("Evidence below the replication goal"))
        for (index, node) in folders.nodes.enumerated().dropFirst(2) {
            // From the store: the node's own raw log and nothing else of the raw tier.
            let ledger = try LedgerTransfer.ledger(ofNode: node.path)
            #expect(ledger.origins == [ids[index]], "\(node.path): raw logs \(ledger.origins.map(\.short))")
            #expect(ledger.summaryLogs.count == 6)
            // From its counters: no raw batch ever arrived, and none was refused as out of tier.
            let metrics = String(decoding: try await URLSession.shared.data(from: AgentClient(node: node.path).baseURL.appendingPathComponent("metrics")).0, as: UTF8.self)
            #expect(metrics.contains("vantage_batches_in_total 0"), "\(metrics)")
            #expect(metrics.contains("vantage_refusals_total{reason=\"out_of_tier\"} 0"), "every refusal reason is exported from zero")
            #expect(metrics.contains("# HELP vantage_store_bytes ") && metrics.contains("process_resident_memory_bytes ")
                    && metrics.contains("vantage_propagation_lag_seconds_bucket"), "\(metrics)")
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
                // A cold start of promtool (48 MB) beside six debug agents can take more than the default 8 s.
                let check = try ExternalProgram.run("promtool", ["check", "metrics"], input: Data(metrics.utf8), seconds: 60)
                #expect(check.status == 0 && check.output.isEmpty, "promtool check metrics exited \(check.status): \(check.output)")
            }
        }

        let ordinary = folders.nodes[5]
        #expect(try await AgentClient(node: ordinary.path).status().peers.map(\.nodeID) == [ids[2].hex], "isp6 reaches the relay alone")
        let result = try await AgentClient(node: ordinary.path).verdicts(country: nil)
        let verdict = try #require(result.verdicts.first { $0.scope == .nation }, "\(result.verdicts.map(\.sentence))")
        #expect(verdict.targets == ["facebook", "x"] && verdict.asnsAffected == 5)
        // The export pulls the raw evidence from the archivers through the relay; attestations spread meanwhile.
        let reportPath = folders.base.appendingPathComponent("report.json").path
        let verified = try await eventually(timeout: 60) {
            guard try runner.run("report", "export", "--node", ordinary.path, "--verdict", verdict.id, "--out", reportPath).status == 0 else { return false }
            return try runner.run("report", "verify", reportPath, "--mesh-key", folders.mesh.descriptionPath).status == 0
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        let verifyOutput = try runner.run("report", "verify", reportPath).stdout
        #expect(verified, "\(verifyOutput)")
        #expect(report.missingEvidence == nil && Set(report.batches.compactMap { ReportTestsSupport.signer(of: $0) }).count == 6,
                "raw evidence of all six signers, five of them fetched through the relay")
        // Evidence by id: a summary batch of another ordinary node, and the raw batches it names.
        let client = try AgentClient(node: ordinary.path)
        let summaryOfOther = try #require(verdict.supportingBatches.first { id in
            report.summaries.contains { ReportTestsSupport.id(of: $0) == id && ReportTestsSupport.signer(of: $0) == ids[3] }
        })
        let evidence = try await client.evidence(batchID: summaryOfOther)
        let rawNamed = report.batches.filter { ReportTestsSupport.signer(of: $0) == ids[3] }
        #expect(evidence.tier == "summary" && evidence.signer == ids[3].hex && evidence.missing.isEmpty)
        #expect(evidence.envelopes.dropFirst().allSatisfy { ReportTestsSupport.signer(of: $0) == ids[3] }
                && evidence.envelopes.dropFirst().contains { rawNamed.contains($0) },
                "the summary batch, then raw batches of its signer fetched from the archivers through the relay")
        await #expect(throws: ClientError.self) { try await client.evidence(batchID: String(repeating: "0", count: 64)) }

        // Both archivers stopped: the relay still fetches isp4's and isp5's raw batches from them, but
        // the archivers' own are gone; the export names the evidence it could not fetch, and so does verify.
        agents[0].stop()
        agents[1].stop()
        let archiverIDs = [ids[0].hex, ids[1].hex]
        #expect(try await eventually(timeout: 30) {
            try await !AgentClient(node: folders.nodes[2].path).status().peers.contains { archiverIDs.contains($0.nodeID) }
        })
        let orphanPath = folders.base.appendingPathComponent("orphan.json").path
        let export = try runner.run("report", "export", "--node", ordinary.path, "--verdict", verdict.id, "--out", orphanPath)
        #expect(export.status == 0 && export.stderr.contains("raw batches the summaries name could not be fetched"), "\(export.stderr)")
        let orphan = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: orphanPath)))
        #expect(orphan.missingEvidence?.isEmpty == false && orphan.batches.count < report.batches.count)
        // Verification leaves out the summaries whose raw batches are gone and names them; four of
        // the six signers' evidence is gone, and the verdict no longer follows from the rest.
        let verify = try runner.run("report", "verify", orphanPath, "--mesh-key", folders.mesh.descriptionPath)
        #expect(verify.stdout.contains("summaries left out, their raw batches missing"), "\(verify.stdout)")
        #expect(verify.status == 1 && verify.stdout.contains("FAIL verdict: the evidence gives no verdict \(verdict.id) once"), "\(verify.stdout)")
    }

    @Test func nodesEnrolledWithTheCampaignDialItsRelaysAndNothingElse() async throws {
        let folders = try MeshFolders.create("relays", nodes: [("relay", 64801), ("isp2", 64802), ("isp3", 64803)])
        let runner = try CommandRunner(directory: folders.base)
        let ids = try folders.nodes.map { try KeyFile.read($0.keyPath).publicKey.id }
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        let common = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--no-probes"]
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: common + ["--archive"]))
        let address = try #require(try await agents[0].waitUntilReady())
        let campaign = """
            {"name": "relays", "version": 1, "interval_seconds": 300, "probes": ["tls"],
             "targets": [{"name": "facebook", "inputs": ["https://facebook.example/"]}, {"name": "x", "inputs": ["https://x.example/"]},
                         {"name": "wikipedia", "inputs": ["https://wikipedia.example/"], "control": true}],
             "archivers": ["\(ids[0].hex)"], "relays": [{"node_id": "\(ids[0].hex)", "address": "\(address)"}]}
            """
        try campaign.write(to: folders.base.appendingPathComponent("campaign.json"), atomically: true, encoding: .utf8)
        #expect(try runner.run("admin", "campaign", "--mesh", folders.mesh.path, "--file", "campaign.json", "--out", "campaign.envelope").status == 0)
        #expect(try runner.run("admin", "publish", "--node", folders.nodes[0].path, "campaign.envelope").status == 0)
        // The enrollment bundle carries the campaign: the new nodes are given no address at all.
        for node in folders.nodes.dropFirst() {
            let enrolled = try runner.run("admin", "enroll", "--mesh", folders.mesh.path, "--node", node.path, "--campaign", "campaign.envelope")
            #expect(enrolled.status == 0 && FileManager.default.fileExists(atPath: node.campaignPath), "\(enrolled.stderr)")
            agents.append(try AgentProcess(runner: runner, node: node.path, arguments: common))
            _ = try await agents.last!.waitUntilReady()
        }
        // Measured now (a second or two on: the time is in whole seconds): the renewed enrollments start now.
        let now = Date().addingTimeInterval(2).rfc3339
        let line = #"{"target":"facebook","input":"https://facebook.example/","probe":"tls","time":"\#(now)","outcome":"ok","runtime_ms":80}"#
        for node in folders.nodes.dropFirst() {
            let submitted = try await AgentClient(node: node.path).submit(jsonLines: Data(line.utf8))
            #expect(submitted.refused == 0, "\(submitted.errors)")
        }
        let reached = try await eventually(timeout: 60) {
            let all = try await statuses(folders)
            return Set(all.map(\.ledger.summaryDigest)).count == 1 && all[0].ledger.origins == 2 && all.dropFirst().allSatisfy { $0.ledger.origins == 1 }
        }
        #expect(reached, "the relay archives both nodes' raw batches; the nodes agree on the summary tier")
        for node in folders.nodes.dropFirst() {
            let peers = try await AgentClient(node: node.path).status().peers.map(\.nodeID)
            #expect(peers == [ids[0].hex], "\(node.path) is connected to the relay alone: \(peers)")
        }
    }
}
}

/// Reading a report's envelopes in tests.
enum ReportTestsSupport {
    /// The signer of a base64 batch envelope.
    static func signer(of text: String) -> NodeID? {
        guard let data = Data(base64Encoded: text), case .batch(let b)? = try? SignedFact(verifying: Envelope(serializedBytes: data)) else { return nil }
        return b.signer.id
    }

    /// The batch id of a base64 batch envelope.
    static func id(of text: String) -> String? {
        guard let data = Data(base64Encoded: text), case .batch(let b)? = try? SignedFact(verifying: Envelope(serializedBytes: data)) else { return nil }
        return b.id.hex
    }
}
