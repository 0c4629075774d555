import Foundation
import Testing
import VantageAgent
import VantageDemo
import VantageTestKit

/// Real agents, as separate processes, over real mutual TLS on 127.0.0.1.
extension MeshSuite {
@Suite struct ConvergenceTests {
    @Test func fiveNodesInAChainConvergeOnAThousandMeasurements() async throws {
        let folders = try MeshFolders.create("chain", nodes: (1...5).map { ("n\($0)", UInt32(64500 + $0)) })
        let runner = try CommandRunner(directory: folders.base)
        let agents = try await startChain(folders, runner: runner)
        defer { agents.forEach { $0.stop() } }
        let client = try AgentClient(node: folders.nodes[0].path)
        let start = Date()
        for part in 0..<10 {
            let report = try await client.submit(jsonLines: measurementLines(100, startMinute: part * 2))
            #expect(report.accepted == 100 && report.refused == 0)
        }
        let converged = try await eventually(timeout: 60) {
            let all = try await statuses(folders)
            return Set(all.map(\.ledger.digest)).count == 1 && all.allSatisfy { $0.ledger.measurements == 1000 }
        }
        let seconds = Date().timeIntervalSince(start)
        let digests = try await statuses(folders).map { $0.ledger.digest.prefix(12) }
        #expect(converged, "digests: \(digests)")
        print("five nodes in a chain (gossip 200ms): 1000 measurements in 10 batches reached all five in \(String(format: "%.2f", seconds)) s")
        let tail = try await statuses(folders)[4]
        #expect(tail.ledger.batches == 10)
        #expect(tail.peers.count == 1, "the last node knows only its predecessor")
    }

    @Test func nodeKilledDuringSyncRestartsWithWhatItAcknowledgedAndCatchesUp() async throws {
        let folders = try MeshFolders.create("kill", nodes: [("source", 64501), ("victim", 64502)])
        let runner = try CommandRunner(directory: folders.base)
        let source = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms"])
        let address = try #require(try await source.waitUntilReady())
        defer { source.stop() }
        let client = try AgentClient(node: folders.nodes[0].path)
        for part in 0..<300 { _ = try await client.submit(jsonLines: measurementLines(100, startMinute: part)) }

        // The source acknowledged 300 batches; a SIGKILL right after must not lose any.
        source.stop(signal: SIGKILL)
        let restarted = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--listen", address, "--gossip-interval", "200ms"])
        try await restarted.waitUntilReady()
        defer { restarted.stop() }
        let sourceClient = try AgentClient(node: folders.nodes[0].path)
        let kept = try await sourceClient.status().ledger.batches
        #expect(kept == 300)

        // The victim is killed once it acknowledged part of the log, before it has all of it.
        let victim = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--join", address, "--gossip-interval", "200ms"])
        try await victim.waitUntilReady()
        let victimClient = try AgentClient(node: folders.nodes[1].path)
        var acknowledged = 0
        _ = try await eventually(timeout: 30) {
            acknowledged = try await victimClient.status().ledger.batches
            return acknowledged > 0
        }
        victim.stop(signal: SIGKILL)
        #expect(acknowledged > 0)
        let alone = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--gossip-interval", "200ms"])
        try await alone.waitUntilReady()
        let afterRestart = try await AgentClient(node: folders.nodes[1].path).status().ledger.batches
        #expect(afterRestart >= acknowledged, "acknowledged \(acknowledged), after restart \(afterRestart)")
        alone.stop()
        let rejoined = try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: ["--join", address, "--gossip-interval", "200ms"])
        try await rejoined.waitUntilReady()
        defer { rejoined.stop() }
        let caughtUp = try await eventually(timeout: 60) {
            let mine = try await AgentClient(node: folders.nodes[1].path).status().ledger.digest
            return try await mine == sourceClient.status().ledger.digest
        }
        #expect(caughtUp)
        print("killed node: acknowledged \(acknowledged) batches, restarted with \(afterRestart), caught up to 300")
    }
}
}
