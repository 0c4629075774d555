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

/// The mesh must never become the list of its volunteers (DESIGN.md, "Volunteer safety"): no
/// record it gossips or exports, and nothing its API shows a reader without the token, holds the
/// address of a node.
extension MeshSuite {
@Suite struct VolunteerSafetyTests {
    @Test func noRecordNorAnswerWithoutTheTokenHoldsAnyAgentsAddress() async throws {
        let folders = try MeshFolders.create("addresses", nodes: (1...4).map { ("isp\($0)", UInt32(64900 + $0)) })
        let runner = try CommandRunner(directory: folders.base)
        let hosts = (1...4).map { "127.0.0.\(10 + $0)" }
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        var previous: String?
        for (node, host) in zip(folders.nodes, hosts) {
            var arguments = ["--listen", "\(host):0", "--gossip-interval", "200ms", "--attest-interval", "500ms", "--no-probes"]
            if let previous { arguments += ["--join", previous] }
            let agent = try AgentProcess(runner: runner, node: node.path, arguments: arguments)
            previous = try #require(try await agent.waitUntilReady())
            #expect(previous!.hasPrefix(host + ":"))
            agents.append(agent)
        }
        for (index, node) in folders.nodes.enumerated() {
            #expect(try await AgentClient(node: node.path).submit(jsonLines: VerdictTests().day(blocked: index < 3)).refused == 0)
        }
        let node = folders.nodes[3]
        let verdict = try await { () async throws -> Verdict? in
            var found: Verdict?
            _ = try await eventually(timeout: 60) {
                found = try await AgentClient(node: node.path).verdicts(country: nil).verdicts.first { $0.scope == .nation }
                return found != nil
            }
            return found
        }()
        let id = try #require(verdict?.id, "a nation-scale verdict")
        let reportPath = folders.base.appendingPathComponent("report.json").path
        let verified = try await eventually(timeout: 60) {
            try runner.run("report", "export", "--node", node.path, "--verdict", id, "--out", reportPath).status == 0
                && runner.run("report", "verify", reportPath, "--mesh-key", folders.mesh.descriptionPath).status == 0
        }
        #expect(verified)

        // Everything a reader can get: every node's whole ledger, the report and every signed record
        // in it, and what the API answers without the token.
        var documents: [(String, Data)] = []
        for (index, folder) in folders.nodes.enumerated() {
            let out = folders.base.appendingPathComponent("n\(index).ledger").path
            #expect(try runner.run("ledger", "export", "--node", folder.path, "--out", out).status == 0)
            documents.append(("ledger export of node \(index + 1)", try Data(contentsOf: URL(fileURLWithPath: out))))
        }
        let reportData = try Data(contentsOf: URL(fileURLWithPath: reportPath))
        documents.append(("report", reportData))
        let report = try JSONDecoder().decode(Report.self, from: reportData)
        for (part, texts) in [("batches", report.batches), ("summaries", report.summaries), ("enrollments", report.enrollments),
                              ("campaigns", report.campaigns), ("attestations", report.attestations), ("revocations", report.revocations)] {
            for (i, text) in texts.enumerated() { documents.append(("report \(part)[\(i)]", Data(base64Encoded: text) ?? Data())) }
        }
        let base = try AgentClient(node: node.path).baseURL
        for path in ["", "v1/status", "v1/peers", "v1/verdicts", "v1/view", "v1/reports/\(id)", "metrics"] {
            let (body, response) = try await URLSession.shared.data(from: base.appendingPathComponent(path))
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "GET /\(path)")
            documents.append(("GET /\(path)", body))
        }
        for host in hosts {
            let text = Data(host.utf8), binary = Data(host.split(separator: ".").map { UInt8($0)! })
            for (name, document) in documents {
                #expect(document.range(of: text) == nil && document.range(of: binary) == nil, "\(name) holds the address \(host)")
            }
        }
        #expect(documents.count > 20, "\(documents.count) documents scanned")
    }

    @Test func aNodeSendsNothingOfItselfToARelayAddressAnsweredByAnotherNode() async throws {
        let folders = try MeshFolders.create("greet", nodes: [("impostor", 64911), ("isp2", 64912), ("relay", 64913)])
        let runner = try CommandRunner(directory: folders.base)
        let ids = try folders.nodes.map { try KeyFile.read($0.keyPath).publicKey.id }
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        // A node of the mesh answers at the address the campaign gives for another node, the relay.
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", "127.0.0.1:0", "--no-probes"]))
        let address = try #require(try await agents[0].waitUntilReady())
        let campaign = """
            {"name": "greet", "version": 1, "interval_seconds": 300, "probes": ["tls"],
             "targets": [{"name": "facebook", "inputs": ["https://facebook.example/"]}],
             "relays": [{"node_id": "\(ids[2].hex)", "address": "\(address)"}]}
            """
        try campaign.write(to: folders.base.appendingPathComponent("campaign.json"), atomically: true, encoding: .utf8)
        #expect(try runner.run("admin", "campaign", "--mesh", folders.mesh.path, "--file", "campaign.json", "--out", "campaign.envelope").status == 0)
        #expect(try runner.run("admin", "enroll", "--mesh", folders.mesh.path, "--node", folders.nodes[1].path, "--campaign", "campaign.envelope").status == 0)
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--no-probes", "--gossip-interval", "200ms"]))
        _ = try await agents[1].waitUntilReady()
        // The node dials the relay's address, finds another key there and sends nothing of itself.
        let metricsURL = try AgentClient(node: folders.nodes[1].path).baseURL.appendingPathComponent("metrics")
        let refused = try await eventually(timeout: 30) {
            String(decoding: try await URLSession.shared.data(from: metricsURL).0, as: UTF8.self).contains("reason=\"unexpected_peer\"")
        }
        #expect(refused, "the node counts the relay address answered by another node")
        #expect(try await AgentClient(node: folders.nodes[1].path).status().peers.isEmpty)
        agents[0].stop()
        let impostor = try LedgerTransfer.ledger(ofNode: folders.nodes[0].path)
        #expect(impostor.enrollments(of: ids[1]).isEmpty, "the impostor never got the node's enrollment (it comes in the Hello)")
    }

    @Test func anExpiredCertificateIsRefusedByANodeThatKnowsNothingAgainstIt() async throws {
        let folders = try MeshFolders.create("expired", nodes: [("isp1", 64921), ("isp2", 64922)])
        let runner = try CommandRunner(directory: folders.base)
        // The coordinator stopped renewing isp2 (as it would for a revoked node): its 2-day
        // certificate ran out yesterday. isp1 has heard of no revocation.
        _ = try folders.mesh.loadAdmin().enroll(node: folders.nodes[1], now: Date().addingTimeInterval(-3 * 86_400), validity: 2 * 86_400)
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", "127.0.0.1:0", "--no-probes"]))
        let address = try #require(try await agents[0].waitUntilReady())
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--join", address, "--no-probes"]))
        _ = try await agents[1].waitUntilReady()
        let metricsURL = try AgentClient(node: folders.nodes[0].path).baseURL.appendingPathComponent("metrics")
        let refused = try await eventually(timeout: 30) {
            String(decoding: try await URLSession.shared.data(from: metricsURL).0, as: UTF8.self).contains("reason=\"tls_handshake\"")
        }
        #expect(refused, "the TLS handshake refuses the expired certificate")
        #expect(try await AgentClient(node: folders.nodes[0].path).status().peers.isEmpty)
        #expect(try await AgentClient(node: folders.nodes[1].path).status().peers.isEmpty)
    }

    @Test func aNodeSendsNothingOfItselfToARevokedNodeItDials() async throws {
        let folders = try MeshFolders.create("revoked-relay", nodes: [("relay", 64931), ("isp2", 64932)])
        let runner = try CommandRunner(directory: folders.base)
        let relayID = try KeyFile.read(folders.nodes[0].keyPath).publicKey.id
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", "127.0.0.1:0", "--no-probes"]))
        let address = try #require(try await agents[0].waitUntilReady())
        #expect(try runner.run("admin", "revoke", "--mesh", folders.mesh.path, "--node-id", relayID.hex, "--reason", "key-compromised",
                               "--out", "revoke.envelope").status == 0)
        // The node holds the revocation (imported while it was stopped), and its operator still
        // tells it to join the revoked node's address. (A relay the campaign lists is not even
        // dialed once revoked.)
        var file = LedgerSnapshot()
        file.meshRoot = Data(try folders.mesh.loadAdmin().rootKey.publicKey.raw)
        file.facts = [try RecordFile.readEnvelope(folders.base.appendingPathComponent("revoke.envelope").path)]
        try RecordFile.encode(file).write(to: folders.base.appendingPathComponent("revoke.ledger"))
        let imported = try runner.run("ledger", "import", "--node", folders.nodes[1].path, "revoke.ledger")
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--join", address, "--no-probes"]))
        _ = try await agents[1].waitUntilReady()
        let metricsURL = try AgentClient(node: folders.nodes[1].path).baseURL.appendingPathComponent("metrics")
        let refused = try await eventually(timeout: 30) {
            String(decoding: try await URLSession.shared.data(from: metricsURL).0, as: UTF8.self).contains("reason=\"unexpected_peer\"")
        }
        #expect(refused, "the node dials the revoked node, sees who it is and says nothing")
        #expect(try await AgentClient(node: folders.nodes[1].path).status().peers.isEmpty)
        agents[0].stop()
        let isp2 = try KeyFile.read(folders.nodes[1].keyPath).publicKey.id
        #expect(try LedgerTransfer.ledger(ofNode: folders.nodes[0].path).enrollments(of: isp2).isEmpty, "no Hello, so no enrollment, reached it")
    }
}
}
