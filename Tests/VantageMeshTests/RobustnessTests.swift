import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VantageAgent
import VantageDemo
import VantageIdentity
import VantageTestKit
import VantageWire

/// What one hostile or unlucky node must not be able to do to the mesh, over real agents.
extension MeshSuite {
@Suite struct RobustnessTests {
    @Test func aPeerKeepsOneConnectionHoweverManyItOpens() async throws {
        let mesh = try await HostileMesh.start("eclipse", limits: ["max_connections=6"])
        defer { mesh.stop() }
        // Mallory opens ten connections, one after the other; without one connection per peer each
        // would stay open and hold one of a's six connection slots.
        var connections: [HostilePeer] = []
        for k in 0..<10 {
            connections.append(try await mesh.connect())
            if k == 0 {
                #expect(await mesh.logged("peer connected", "asn=64503"))
            } else {
                #expect(try await mesh.counted("duplicate_connection", atLeast: k), "connection \(k + 1) was admitted")
            }
        }
        defer { connections.forEach { $0.close() } }
        let closed = await eventually(timeout: 10) { connections.dropLast().allSatisfy(\.isClosed) }
        #expect(closed, "the older connections are closed: \(connections.filter { !$0.isClosed }.count) open")
        #expect(!connections.last!.isClosed, "the newest stays")
        #expect(try await mesh.counted("duplicate_connection", atLeast: 9))
        #expect(await mesh.logged("second connection to a peer"))
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func aNodeWhoseStoreIsLostRecoversItsLogAndNeverSignsASeqTwice() async throws {
        let folders = try MeshFolders.create("recovery", nodes: [("a", 64501), ("b", 64502)])
        let runner = try CommandRunner(directory: folders.base)
        let arguments = ["--gossip-interval", "200ms", "--no-probes"]
        let a = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", "127.0.0.1:0"] + arguments)
        let address = try #require(try await a.waitUntilReady())
        var b = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--join", address] + arguments)
        try await b.waitUntilReady()
        defer { [a, b].forEach { $0.stop() } }
        for minute in [0, 10, 20] {
            #expect(try await AgentClient(node: folders.nodes[1].path).submit(jsonLines: measurementLines(5, startMinute: minute)).batches == 1)
        }
        // a holds both of b's logs: its raw batches and the summaries b signs of their windows at
        // its next ticks (a second is five of them).
        func settled() async throws -> Bool {
            let s = try await statuses(folders)
            return s[0].ledger.measurements == 15 && s[0].ledger.digest == s[1].ledger.digest
                && s[1].ledger.summaryBatches > 0
        }
        #expect(try await eventually { try await settled() })
        try await Task.sleep(for: .seconds(1))
        #expect(try await eventually { try await settled() })

        // A power cut, and the disk holding the store is gone; signed.head (beside the key) is not.
        b.stop(signal: SIGKILL)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: folders.nodes[1].path + "/ledger.sqlite" + suffix) }
        b = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--join", address] + arguments)
        try await b.waitUntilReady()
        let recovered = try await eventually(timeout: 30) {
            try await AgentClient(node: folders.nodes[1].path).status().recovering == nil
        }
        #expect(recovered)
        #expect(b.tail(200).contains("recovering: this node signed batches up to seq 3 but its store holds 0"), "\(b.tail())")
        #expect(b.tail(200).contains("recovered: peers returned this node's log up to seq 3"))

        let after = try await AgentClient(node: folders.nodes[1].path).submit(jsonLines: measurementLines(5, startMinute: 30))
        #expect(after.batches == 1)
        let converged = try await eventually {
            let s = try await statuses(folders)
            return s.allSatisfy { $0.ledger.measurements == 20 && $0.ledger.batches == 4 } && s[0].ledger.digest == s[1].ledger.digest
        }
        #expect(converged, "seq 4 follows seq 3: nothing lost, nothing signed twice")
        #expect(try await statuses(folders).allSatisfy { $0.ledger.excluded == 0 }, "no equivocation")
    }

    @Test func aRecoveringNodeSignsNothingUntilItsLogIsBack() async throws {
        let folders = try MeshFolders.create("recovering", nodes: [("alone", 64501)])
        let runner = try CommandRunner(directory: folders.base)
        var agent = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--no-probes"])
        try await agent.waitUntilReady()
        #expect(try await AgentClient(node: folders.nodes[0].path).submit(jsonLines: measurementLines(3)).batches == 1)
        agent.stop(signal: SIGKILL)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: folders.nodes[0].path + "/ledger.sqlite" + suffix) }
        agent = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--no-probes"])
        try await agent.waitUntilReady()
        defer { agent.stop() }
        // No peer holds its log: it stays in recovery, says why, and refuses to sign.
        let status = try await AgentClient(node: folders.nodes[0].path).status()
        #expect(status.recovering?.contains("up to seq 1") == true)
        let (code, body) = try await post(folders.nodes[0], "v1/measurements", body: measurementLines(3, startMinute: 5), token: try apiToken(folders.nodes[0]))
        #expect(code == 503 && body.contains("recovering its own log"), "\(body)")
        let metricsURL = URL(string: try AgentClient(node: folders.nodes[0].path).baseURL.absoluteString + "/metrics")!
        #expect(await eventually(timeout: 10) { ((try? String(contentsOf: metricsURL, encoding: .utf8)) ?? "").contains("vantage_recovering 1") })
    }

    @Test func theAPIAnswersOnlyItsOwnHostAndEveryWriteNeedsTheToken() async throws {
        let folders = try MeshFolders.create("api-guard", nodes: [("a", 64501)])
        let runner = try CommandRunner(directory: folders.base)
        let agent = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--no-probes"])
        try await agent.waitUntilReady()
        defer { agent.stop() }
        let base = try AgentClient(node: folders.nodes[0].path).baseURL
        // DNS rebinding: a page served from evil.example that resolves to 127.0.0.1.
        var request = URLRequest(url: base.appendingPathComponent("v1/status"))
        request.setValue("evil.example:\(base.port!)", forHTTPHeaderField: "Host")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 421, "\(String(decoding: data, as: UTF8.self))")
        #expect(!String(decoding: data, as: UTF8.self).contains("node_id"))
        #expect(try await AgentClient(node: folders.nodes[0].path).status().nodeID.count == 64, "127.0.0.1 is answered")
        // Root-signed facts need the token too.
        let campaign = try folders.mesh.loadAdmin().sign(Campaign.with { $0.version = 1; $0.name = "x" })
        let (status, _) = try await post(folders.nodes[0], "v1/facts", body: RecordFile.encode(campaign), token: nil)
        #expect(status == 401)
        let (accepted, _) = try await post(folders.nodes[0], "v1/facts", body: RecordFile.encode(campaign), token: try apiToken(folders.nodes[0]))
        #expect(accepted == 200)
        #expect(await eventually(timeout: 10) { agent.tail(100).contains("api_bad_host") || agent.tail(100).contains("for host 'evil.example") })
    }
}
}
