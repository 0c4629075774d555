import Foundation
import Testing
import VantageAgent
import VantageDemo
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// One enrolled insider against real agents: a flood of evidence `Want`s at a relay that is no
/// archiver costs the relay a bounded share of what the insider sends, and no memory to speak of.
extension MeshSuite {
@Suite struct InsiderMeshTests {
    /// The resident memory of process `pid`, in bytes.
    static func residentBytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// A counter of node `path`'s metrics.
    static func metric(_ name: String, of path: String) async throws -> Int {
        let text = try await AgentClient(node: path).metrics()
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Int(Double($0.split(separator: " ").last ?? "") ?? 0) } ?? 0
    }

    @Test func aFloodOfEvidenceWantsAtARelayCostsItLittle() async throws {
        let folders = try MeshFolders.create("want-flood", nodes: [("archive", 64901), ("relay", 64902), ("isp", 64903), ("insider", 64904)])
        let runner = try CommandRunner(directory: folders.base)
        let ids = try folders.nodes.map { try KeyFile.read($0.keyPath).publicKey.id }
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        let common = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--attest-interval", "0", "--no-probes", "--log-level", "notice"]
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[0].path, arguments: common + ["--archive"]))
        let archive = try #require(try await agents[0].waitUntilReady())
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[1].path, arguments: common))
        let relay = try #require(try await agents[1].waitUntilReady())
        let campaign = """
            {"name": "flood", "version": 1, "interval_seconds": 300, "probes": ["tls"],
             "targets": [{"name": "facebook", "inputs": ["https://facebook.example/"]}, {"name": "x", "inputs": ["https://x.example/"]},
                         {"name": "wikipedia", "inputs": ["https://wikipedia.example/"]}],
             "archivers": ["\(ids[0].hex)"], "relays": [{"node_id": "\(ids[1].hex)", "address": "\(relay)"}]}
            """
        try campaign.write(to: folders.base.appendingPathComponent("campaign.json"), atomically: true, encoding: .utf8)
        #expect(try runner.run("admin", "campaign", "--mesh", folders.mesh.path, "--file", "campaign.json", "--out", "campaign.envelope").status == 0)
        #expect(try runner.run("admin", "publish", "--node", folders.nodes[0].path, "campaign.envelope").status == 0)
        agents.append(try AgentProcess(runner: runner, node: folders.nodes[2].path, arguments: common + ["--join", archive, "--join", relay]))
        _ = try await agents[2].waitUntilReady()
        #expect(try await AgentClient(node: folders.nodes[2].path).submit(jsonLines: VerdictTests().day(blocked: false)).refused == 0)
        // The relay knows the isp's raw log from its summaries; the archiver holds it.
        let ready = try await eventually(timeout: 60) {
            let relayLedger = try LedgerTransfer.ledger(ofNode: folders.nodes[1].path)
            let archived = try LedgerTransfer.ledger(ofNode: folders.nodes[0].path)
            return relayLedger.knownRawHead(of: ids[2]) >= 1 && archived.span(of: ids[2]).head.seq >= 1
        }
        #expect(ready)

        let relayPort = Int(relay.split(separator: ":").last!)!
        let insider = try await HostilePeer.connect(port: relayPort, as: folders.nodes[3])
        defer { insider.close() }
        try await insider.sendHello(of: folders.nodes[3])
        let outBefore = try await Self.metric("vantage_bytes_out_total", of: folders.nodes[1].path)
        let memoryBefore = Self.residentBytes(agents[1].pid)
        // 1,500 Wants of 256 ranges: the isp's real raw batch and 255 seqs nobody signed, as fast
        // as the socket takes them.
        var sent = 0
        for n in 0..<1_500 {
            let ranges = [WantRange(log: Data(ids[2].bytes), seqs: 1...1)]
                + (1...255).map { WantRange(log: Data(ids[2].bytes), seqs: UInt64(1_000 + n * 256 + $0)...UInt64(1_000 + n * 256 + $0)) }
            let frame = Frame.with { $0.want = Want.with { $0.ranges = ranges; $0.evidence = true } }
            sent += try frame.serializedData().count
            try await insider.send(frame)
        }
        try await Task.sleep(for: .seconds(6))
        let outAfter = try await Self.metric("vantage_bytes_out_total", of: folders.nodes[1].path)
        let memoryAfter = Self.residentBytes(agents[1].pid)
        let limited = try await Self.metric("vantage_refusals_total{reason=\"rate_limited\"}", of: folders.nodes[1].path)
        print("want flood: the insider sent \(sent) bytes of Wants; the relay sent \(outAfter - outBefore) bytes meanwhile "
              + "(\(String(format: "%.3f", Double(outAfter - outBefore) / Double(sent))) × what it received), its resident memory went from "
              + "\(memoryBefore / 1_048_576) to \(memoryAfter / 1_048_576) MiB, \(limited) requests rate-limited")
        #expect(outAfter - outBefore < sent / 4, "a relay sends far less than the flood it receives (was 2 ×)")
        #expect(memoryAfter - memoryBefore < (64 << 20), "and holds no more than it did (was +250 MB)")
        #expect(try await AgentClient(node: folders.nodes[1].path).status().peers.count >= 2, "honest peers stay")
    }
}
}
