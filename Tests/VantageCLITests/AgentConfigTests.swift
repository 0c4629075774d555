import Foundation
import Testing
import VantageAgent
import VantageDemo
import VantageTestKit

/// `vantage agent --config FILE`: the example file parses; wrong files are refused naming the key.
@Suite struct AgentConfigTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theExampleFileSetsEveryKey() throws {
        let file = try AgentConfigFile.read(Self.repository.appendingPathComponent("deploy/node.example.toml").path)
        #expect(file.node == "/var/lib/vantage/node")
        #expect(file.api == "127.0.0.1:7180" && file.join == ["vantage-1.example.org:7101"])
        #expect(file.gossipInterval == "10s" && file.fanout == 2 && file.attestInterval == "60s")
        #expect(file.logLevel == "info" && file.probes == true && file.probeTimeout == "10s")
        #expect(file.limits == ["max_peers": 32])
    }

    @Test(arguments: [
        ("nodes = \"x\"\n", "unknown key 'nodes'"),
        ("fanout = \"two\"\n", "'fanout' has the wrong type"),
        ("node = \"x\"\nfanout = \n", "a.toml:2:"),
        ("node = \"x\"\n[limits]\nmax_peer = 3\n", "unknown limit 'max_peer'"),
    ])
    func wrongFilesAreRefusedNamingTheKey(text: String, message: String) throws {
        let dir = CommandRunner.temporaryDirectory("config")
        try text.write(to: dir.appendingPathComponent("a.toml"), atomically: true, encoding: .utf8)
        let result = try CommandRunner(directory: dir).run("agent", "--config", "a.toml")
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func secretsReadableByOthersStopTheAgentNamingTheFile() throws {
        let folders = try MeshFolders.create("secrets", nodes: [("a", 64700)])
        let node = folders.nodes[0]
        let runner = try CommandRunner(directory: folders.base)
        for path in [node.apiTokenPath, node.keyPath] {
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            let result = try runner.run("agent", "--node", node.path, "--no-probes")
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(path) has mode 640; it holds a secret"), "\(result.stderr)")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        let secret = folders.base.appendingPathComponent("alert.secret").path
        try "s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
        let alerts = try runner.run("agent", "--node", node.path, "--no-probes", "--alert-webhook", "http://127.0.0.1:9/hook", "--alert-secret-file", secret)
        #expect(alerts.status != 0 && alerts.stderr.contains("--alert-secret-file: \(secret) has mode 644; it holds a secret"), "\(alerts.stderr)")
    }

    @Test func anAgentRunsFromAConfigFileAlone() async throws {
        let folders = try MeshFolders.create("config-agent", nodes: [("solo", 64700)])
        let node = folders.nodes[0].path
        try "node = \"\(node)\"\nlisten = \"127.0.0.1:0\"\ngossip_interval = \"300ms\"\nprobes = false\nlog_level = \"debug\"\n"
            .write(toFile: node + "/node.toml", atomically: true, encoding: .utf8)
        let runner = try CommandRunner(directory: folders.base)
        let agent = try AgentProcess(runner: runner, node: node, arguments: ["--config", node + "/node.toml", "--listen", "127.0.0.1:0"])
        defer { agent.stop() }
        let listening = try await agent.waitUntilReady()
        #expect(listening?.hasPrefix("127.0.0.1:") == true)
        #expect(agent.tail(200).contains("debug"), "log_level from the file")
    }
}
