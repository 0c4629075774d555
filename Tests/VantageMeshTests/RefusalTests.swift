import Foundation
import Testing
import VantageAgent
import VantageIdentity
import VantageDemo
import VantageTestKit

/// Peers a node must refuse, each while it keeps serving honest peers.
extension MeshSuite {
@Suite struct RefusalTests {
    func port(_ address: String) -> Int { Int(address.split(separator: ":").last!)! }

    func log(_ agent: AgentProcess) -> String { (try? String(contentsOfFile: agent.logPath, encoding: .utf8)) ?? "" }

    @Test func clientWithoutCertificateGetsTheCoverPageAndOneFromAnotherCAIsRefusedAtTheHandshake() async throws {
        let folders = try MeshFolders.create("tls", nodes: [("a", 64501), ("b", 64502)])
        let stranger = try MeshFolders.create("stranger", nodes: [("x", 64666)])
        let runner = try CommandRunner(directory: folders.base)
        let agents = try await startChain(folders, runner: runner)
        defer { agents.forEach { $0.stop() } }
        let address = try String(contentsOfFile: folders.nodes[0].path + "/listen.addr", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        let bare = try ExternalProgram.opensslClient(port: port(address), arguments: [], input: Data("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(bare.output.contains("HTTP/1.1 200 OK") && bare.output.contains("Welcome") && !bare.output.lowercased().contains("vantage"), "\(bare.output)")
        let x = stranger.nodes[0]
        let foreign = try ExternalProgram.opensslClient(port: port(address), arguments: ["-cert", x.certificatePath, "-key", x.tlsKeyPath, "-CAfile", folders.nodes[0].caCertificatePath],
                                                        input: Data("hello".utf8))
        #expect(foreign.output.lowercased().contains("alert") || foreign.status != 0, "\(foreign.output)")
        let refused = await eventually(timeout: 10) { log(agents[0]).contains("TLS handshake failed: CERTIFICATE_VERIFY_FAILED") }
        #expect(refused, "\(agents[0].tail())")

        // Still serving: a submission at b reaches a.
        _ = try await AgentClient(node: folders.nodes[1].path).submit(jsonLines: measurementLines(10))
        #expect(try await eventually { try await AgentClient(node: folders.nodes[0].path).status().ledger.measurements == 10 })
        let metrics = try String(contentsOf: URL(string: try AgentClient(node: folders.nodes[0].path).baseURL.absoluteString + "/metrics")!, encoding: .utf8)
        #expect(metrics.contains("vantage_refusals_total{reason=\"tls_handshake\"} 1") && metrics.contains("vantage_refusals_total{reason=\"cover_page\"} 1"), "\(metrics)")
    }

    @Test func revokedNodeIsRefusedOnceTheRevocationHasSpread() async throws {
        let folders = try MeshFolders.create("revoke", nodes: [("a", 64501), ("b", 64502), ("c", 64503)])
        let runner = try CommandRunner(directory: folders.base)
        let a = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms"])
        let address = try #require(try await a.waitUntilReady())
        let b = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--listen", "127.0.0.1:0", "--join", address, "--gossip-interval", "200ms"])
        let bAddress = try #require(try await b.waitUntilReady())
        let c = try AgentProcess(runner: runner, node: folders.nodes[2].path, arguments: ["--join", bAddress, "--gossip-interval", "200ms"])
        try await c.waitUntilReady()
        defer { [a, b, c].forEach { $0.stop() } }
        let cClient = try AgentClient(node: folders.nodes[2].path)
        #expect(try await eventually { try await cClient.status().peers.count == 1 })
        let cID = try await cClient.status().nodeID

        let revoke = try runner.run("admin", "revoke", "--mesh", folders.mesh.path, "--node-id", cID, "--reason", "misbehaved", "--out", "revoke-c.envelope")
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let publish = try runner.run("admin", "publish", "--node", folders.nodes[0].path, "revoke-c.envelope")
        #expect(publish.status == 0, "\(publish.stdout) \(publish.stderr)")
        // The revocation travels a → b; b then drops c and refuses it when it dials again.
        let spread = try await eventually(timeout: 20) {
            let alone = try await cClient.status().peers.isEmpty
            return alone && log(b).contains("is revoked")
        }
        #expect(spread, "\(b.tail())")
        let metrics = try String(contentsOf: URL(string: try AgentClient(node: folders.nodes[1].path).baseURL.absoluteString + "/metrics")!, encoding: .utf8)
        #expect(metrics.contains("vantage_refusals_total{reason=\"refused_revoked\"}"))
        // c's measurements no longer enter, while honest peers are still served: a submission at
        // a reaches b, and c's does not come with it.
        _ = try await cClient.submit(jsonLines: measurementLines(3))
        _ = try await AgentClient(node: folders.nodes[0].path).submit(jsonLines: measurementLines(4))
        #expect(try await eventually { try await AgentClient(node: folders.nodes[1].path).status().ledger.measurements == 4 })
        #expect(try await AgentClient(node: folders.nodes[1].path).status().ledger.origins == 1, "only a's log, not c's")
    }

    @Test func apiIsOnLoopbackByDefaultAndWarnsWhenExposed() async throws {
        let folders = try MeshFolders.create("exposed", nodes: [("a", 64501), ("b", 64502)])
        let runner = try CommandRunner(directory: folders.base)
        let quiet = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--no-probes"])
        let exposed = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--no-probes", "--api", "0.0.0.0:0"])
        defer { [quiet, exposed].forEach { $0.stop() } }
        try await quiet.waitUntilReady()
        try await exposed.waitUntilReady()
        #expect(try AgentClient(node: folders.nodes[0].path).baseURL.host == "127.0.0.1")
        #expect(await eventually(timeout: 10) { log(exposed).contains("the API listens beyond loopback") }, "\(exposed.tail())")
        #expect(!log(quiet).contains("beyond loopback"))
    }

    @Test func statusReadsWellForAPerson() async throws {
        let folders = try MeshFolders.create("status", nodes: [("a", 17557), ("b", 45669)])
        let runner = try CommandRunner(directory: folders.base)
        let agents = try await startChain(folders, runner: runner)
        defer { agents.forEach { $0.stop() } }
        _ = try await AgentClient(node: folders.nodes[0].path).submit(jsonLines: measurementLines(42))
        _ = try await eventually { try await AgentClient(node: folders.nodes[1].path).status().ledger.measurements == 42 }
        let status = try runner.run("status", "--node", folders.nodes[1].path)
        #expect(status.status == 0)
        let lines = status.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(status.stdout)")
        #expect(lines[0].contains("AS45669") && lines[0].contains("mesh status"))
        #expect(lines[1].contains("digest") && lines[1].contains("42 measurements"))
        #expect(lines[2].contains("1 connected") && lines[2].contains("AS17557"))
        print(status.stdout)
        agents[1].stop(signal: SIGTERM)
        #expect(agents[1].terminationStatus == 0, "SIGTERM is a clean shutdown: \(agents[1].tail())")
    }
}
}
