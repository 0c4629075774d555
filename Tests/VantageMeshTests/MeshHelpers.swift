import Foundation
import VantageAgent
import VantageDemo
import VantageTestKit

/// JSON Lines of `count` measurements, minute by minute from `startMinute`.
func measurementLines(_ count: Int, startMinute: Int = 0, outcome: String = "tls_reset") -> Data {
    let lines = (0..<count).map { i -> String in
        let minute = startMinute + i / 60
        return #"{"target":"facebook","input":"https://www.facebook.com/","probe":"tls","time":"2024-01-20T\#(String(format: "%02d:%02d:%02d", 13 + minute / 60, minute % 60, i % 60))Z","outcome":"\#(outcome)","runtime_ms":\#(100 + i)}"#
    }
    return Data((lines.joined(separator: "\n") + "\n").utf8)
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: TimeInterval = 30, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Starts agents in a chain: each listens on a free port and joins the previous one.
func startChain(_ folders: MeshFolders, runner: CommandRunner, interval: String = "200ms") async throws -> [AgentProcess] {
    var agents: [AgentProcess] = []
    var previous: String?
    for node in folders.nodes {
        var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", interval]
        if let previous { arguments += ["--join", previous] }
        let agent = try AgentProcess(runner: runner, node: node.path, arguments: arguments)
        previous = try await agent.waitUntilReady()
        agents.append(agent)
    }
    return agents
}

/// The statuses of every node.
func statuses(_ folders: MeshFolders) async throws -> [AgentStatus] {
    var result: [AgentStatus] = []
    for node in folders.nodes { result.append(try await AgentClient(node: node.path).status()) }
    return result
}

