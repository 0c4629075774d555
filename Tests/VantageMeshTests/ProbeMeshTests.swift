import Foundation
import Testing
import VantageAgent
import VantageIdentity
import VantageLedger
import VantageDemo
import VantageTestKit
import VantageWire

/// Nodes that measure: a signed campaign points three real agents at loopback fixtures; when one
/// fixture starts resetting SNI blocked.example mid-run, every node's ledger records the change
/// from every node.
extension MeshSuite {
@Suite struct ProbeMeshTests {
    /// (origin, target, outcome, start time) of every measurement in a node's ledger. Each batch
    /// names the campaign and numbers its targets and inputs by it.
    func measurements(_ node: NodeDirectory) throws -> [(origin: NodeID, target: String, outcome: Outcome, timeMs: Int64)] {
        let ledger = try LedgerTransfer.ledger(ofNode: node.path)
        return ledger.origins.flatMap { origin in
            ledger.storedBatches(of: origin).compactMap(\.decoded).flatMap { batch in
                #expect(batch.record.campaign == CampaignName.of(ledger.campaign!.id))
                #expect(batch.record.measurements.allSatisfy { $0.targetIndex > 0 && $0.target.isEmpty && $0.inputIndex > 0 })
                return ledger.measurements(of: batch).map { (origin, $0.target, $0.outcome, $0.startTimeMs) }
            }
        }
    }

    @Test func threeNodesRecordAnSNIBlockThatStartsMidRun() async throws {
        let folders = try MeshFolders.create("probes", nodes: (1...3).map { ("isp\($0)", UInt32(64600 + $0)) })
        let runner = try CommandRunner(directory: folders.base)
        let web = try await WebFixture(names: ["blocked.example", "open.example"])
        defer { Task { await web.close() } }
        try web.certificates.caPEM.write(to: folders.base.appendingPathComponent("fixture-ca.pem"), atomically: true, encoding: .utf8)
        let campaign = """
            {"name": "fixtures", "version": 1, "interval_seconds": 1, "probes": ["tls", "http"],
             "targets": [{"name": "blocked", "inputs": ["https://blocked.example:\(web.port)/"]},
                         {"name": "open", "inputs": ["https://open.example:\(web.port)/"], "control": true}]}
            """
        try campaign.write(to: folders.base.appendingPathComponent("campaign.json"), atomically: true, encoding: .utf8)
        let signed = try runner.run("admin", "campaign", "--mesh", folders.mesh.path, "--file", "campaign.json", "--out", "campaign.envelope")
        #expect(signed.status == 0, "\(signed.stderr)")

        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        var previous: String?
        for node in folders.nodes {
            var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--resolve", "blocked.example=127.0.0.1",
                             "--resolve", "open.example=127.0.0.1", "--ca-file", folders.base.appendingPathComponent("fixture-ca.pem").path,
                             "--probe-timeout", "2s"]
            if let previous { arguments += ["--join", previous] }
            let agent = try AgentProcess(runner: runner, node: node.path, arguments: arguments)
            previous = try await agent.waitUntilReady()
            agents.append(agent)
        }
        let published = try runner.run("admin", "publish", "--node", folders.nodes[0].path, "campaign.envelope")
        #expect(published.status == 0, "\(published.stdout)\(published.stderr)")

        let origins = Set(folders.nodes.map { node in (try? KeyFile.read(node.keyPath).publicKey.id) ?? .zero })
        func everyNodeHas(_ condition: @escaping ([(origin: NodeID, target: String, outcome: Outcome, timeMs: Int64)]) -> Bool) async throws -> Bool {
            try await eventually(timeout: 60) {
                try folders.nodes.allSatisfy { try condition(measurements($0)) }
            }
        }
        let measuring = try await everyNodeHas { all in
            origins.allSatisfy { origin in all.contains { $0.origin == origin && $0.target == "blocked" && $0.outcome == .ok } }
        }
        #expect(measuring, "every node holds ok measurements of blocked.example from every node")

        let switched = Date().unixMilliseconds
        web.set("blocked.example", .reset)
        let recorded = try await everyNodeHas { all in
            origins.allSatisfy { origin in
                all.contains { $0.origin == origin && $0.target == "blocked" && $0.outcome == .tlsReset && $0.timeMs >= switched }
                    && all.contains { $0.origin == origin && $0.target == "open" && $0.outcome == .ok && $0.timeMs >= switched }
            }
        }
        #expect(recorded, "every node holds, from every node, tls_reset for blocked.example after the switch and ok for the control")
        let later = try await everyNodeHas { all in
            origins.allSatisfy { origin in all.contains { $0.origin == origin && $0.target == "blocked" && $0.timeMs >= switched + 2000 } }
        }
        #expect(later)
        for node in folders.nodes {
            let after = try measurements(node).filter { $0.target == "blocked" && $0.timeMs >= switched + 500 }
            #expect(!after.isEmpty && after.allSatisfy { $0.outcome == .tlsReset }, "once switched, blocked.example never looks ok: \(after.map(\.outcome))")
        }
    }
}
}
