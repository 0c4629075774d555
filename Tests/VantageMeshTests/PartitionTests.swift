import Foundation
import Testing
import VantageAgent
import VantageDemo
import VantageTestKit

/// Carrying evidence across a total cut, and real network partitions in Linux namespaces.
extension MeshSuite {
@Suite struct PartitionTests {
    @Test func exportOnOneSideImportOnTheOtherGivesEqualDigests() async throws {
        let folders = try MeshFolders.create("usb", nodes: [("a1", 64501), ("a2", 64502), ("b1", 64503), ("b2", 64504)])
        let runner = try CommandRunner(directory: folders.base)
        let sideA = MeshFolders(base: folders.base, mesh: folders.mesh, nodes: Array(folders.nodes[0...1]))
        let sideB = MeshFolders(base: folders.base, mesh: folders.mesh, nodes: Array(folders.nodes[2...3]))
        let agents = try await startChain(sideA, runner: runner) + startChain(sideB, runner: runner)
        defer { agents.forEach { $0.stop() } }
        let (a1, b1) = (folders.nodes[0].path, folders.nodes[2].path)
        _ = try await AgentClient(node: a1).submit(jsonLines: measurementLines(30))
        _ = try await AgentClient(node: b1).submit(jsonLines: measurementLines(50, startMinute: 40))
        #expect(try await eventually { try await statuses(sideA).allSatisfy { $0.ledger.measurements == 30 } })
        #expect(try await eventually { try await statuses(sideB).allSatisfy { $0.ledger.measurements == 50 } })

        // B tells A what it holds; A exports only what B lacks; B imports it; and back.
        #expect(try runner.run("ledger", "vector", "--node", b1, "--out", "b1.vector").status == 0)
        let export = try runner.run("ledger", "export", "--node", a1, "--since", "b1.vector", "--out", "a-to-b.ledger")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("2 batches, of which 1 of window summaries"), "\(export.stdout)")
        let imported = try runner.run("ledger", "import", "--node", b1, "a-to-b.ledger")
        #expect(imported.status == 0, "\(imported.stdout) \(imported.stderr)")
        try runner.run("ledger", "vector", "--node", a1, "--out", "a1.vector")
        try runner.run("ledger", "export", "--node", b1, "--since", "a1.vector", "--out", "b-to-a.ledger")
        #expect(try runner.run("ledger", "import", "--node", a1, "b-to-a.ledger").status == 0)

        let converged = try await eventually(timeout: 30) {
            let all = try await statuses(folders)
            return Set(all.map(\.ledger.digest)).count == 1 && all.allSatisfy { $0.ledger.measurements == 80 }
        }
        #expect(converged)
    }

    @Test func importIntoAStoppedNodeWritesItsStore() async throws {
        let folders = try MeshFolders.create("offline", nodes: [("a", 64501), ("b", 64502)])
        let runner = try CommandRunner(directory: folders.base)
        let a = try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: ["--gossip-interval", "200ms"])
        try await a.waitUntilReady()
        _ = try await AgentClient(node: folders.nodes[0].path).submit(jsonLines: measurementLines(12))
        a.stop()
        #expect(try runner.run("ledger", "export", "--node", folders.nodes[0].path, "--out", "all.ledger").status == 0)
        let b = folders.nodes[1].path
        let imported = try runner.run("ledger", "import", "--node", b, "all.ledger")
        #expect(imported.status == 0, "\(imported.stdout) \(imported.stderr)")
        let agent = try AgentProcess(runner: runner, node: b, arguments: ["--gossip-interval", "200ms"])
        try await agent.waitUntilReady()
        defer { agent.stop() }
        #expect(try await AgentClient(node: b).status().ledger.measurements == 12)
    }

    @Test(.enabled(if: getuid() == 0, "real partitions need root: network namespaces and iptables (CI runs as root)"))
    func sixAgentsInThreeNamespacesConvergeAfterEachCutHeals() throws {
        let runner = try CommandRunner(directory: CommandRunner.temporaryDirectory("netns"))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/netns-partition.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path, runner.executable.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("scenario 3|3: converged"))
        #expect(text.contains("scenario 1|5: converged"))
    }
}
}
