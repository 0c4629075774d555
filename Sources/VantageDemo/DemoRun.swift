import Foundation
import VantageAgent
import VantageIdentity
import VantageScoring

/// What the demo has done so far, for a person or a machine.
public enum DemoEvent: Sendable {
    case meshCreated(path: String)
    case nodeStarted(name: String, isp: String, country: String, asn: UInt32)
    case hourReplayed(hour: Int, batches: Int, agreeing: Int, nodes: Int, verdicts: [Verdict])
}

/// The end state of the demo.
public struct DemoOutcome: Codable, Sendable {
    public struct Node: Codable, Sendable {
        public var name: String
        public var isp: String
        public var country: String
        public var asn: UInt32
        public var nodeID: String
        public var digest: String
        public var dashboard: String
        enum CodingKeys: String, CodingKey { case name, isp, country, asn, digest, dashboard, nodeID = "node_id" }
    }

    public var folder: String
    public var nodes: [Node]
    public var digestsEqual: Bool
    public var verdicts: ScoreResult
    public var view: ViewResult

    enum CodingKeys: String, CodingKey { case folder, nodes, verdicts, view, digestsEqual = "digests_equal" }
}

/// Runs the demo: a throwaway mesh of real `vantage agent` processes over mutual TLS on
/// 127.0.0.1, fed the recorded-style day of `DemoDay` hour by hour.
public final class DemoRun: @unchecked Sendable {
    /// Where the mesh and node folders live.
    public let folder: String
    let executable: URL
    let stepMs: Int64
    var agents: [AgentProcess] = []
    var clients: [AgentClient] = []

    /// A demo that starts agents from `executable` in `folder`, replaying one hour every `stepMs`.
    public init(executable: URL, folder: String, stepMs: Int64) {
        self.executable = executable
        self.folder = folder
        self.stepMs = stepMs
    }

    /// Creates the mesh and starts one agent per vantage point; node i joins nodes i−1 and i/2.
    public func start(_ report: (DemoEvent) -> Void) async throws {
        let (_, nodes) = try LocalMesh.create(at: folder, name: "demo-pakistan", nodes: DemoDay.points.map { ($0.name, $0.profile) }, now: Date(),
                                              enrolledSince: Date(unixMilliseconds: DemoDay.startMs - 86_400_000))
        report(.meshCreated(path: folder))
        var addresses: [String] = []
        for (i, (point, node)) in zip(DemoDay.points, nodes).enumerated() {
            var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--attest-interval", "2s", "--no-probes", "--log-level", "warning"]
            for j in Set([i - 1, i / 2]) where j >= 0 && j < i { arguments += ["--join", addresses[j]] }
            let agent = try AgentProcess(executable: executable, node: node.path, arguments: arguments)
            agents.append(agent)
            addresses.append(try await agent.waitUntilReady() ?? "")
            clients.append(try AgentClient(node: node.path))
            report(.nodeStarted(name: point.name, isp: point.profile.isp, country: point.profile.country, asn: point.profile.asn))
        }
    }

    /// Feeds the day hour by hour: each node signs its own measurements of that hour.
    public func replay(_ report: (DemoEvent) -> Void) async throws {
        for hour in 0..<24 {
            let started = ContinuousClock.now
            for (point, client) in zip(DemoDay.points, clients) {
                let result = try await client.submit(jsonLines: DemoDay.lines(for: point, hour: hour))
                guard result.refused == 0 else { throw DemoError("\(point.name) refused measurements: \(result.errors.prefix(3))") }
            }
            let rest = stepMs - Int64((ContinuousClock.now - started) / .milliseconds(1))
            if rest > 0 { try await Task.sleep(for: .milliseconds(rest)) }
            let statuses = try await self.statuses()
            let digest = statuses[0].ledger.digest
            let verdicts = try await clients[0].verdicts(country: DemoDay.country).verdicts
            report(.hourReplayed(hour: hour, batches: statuses[0].ledger.batches, agreeing: statuses.filter { $0.ledger.digest == digest }.count,
                                 nodes: statuses.count, verdicts: verdicts))
        }
    }

    /// Waits until every node holds every batch and all digests are equal; returns the outcome.
    public func finish(timeout: TimeInterval = 60) async throws -> DemoOutcome {
        let expected = 24 * DemoDay.points.count
        let deadline = Date().addingTimeInterval(timeout)
        var statuses = try await self.statuses()
        while Date() < deadline, Set(statuses.map(\.ledger.digest)).count > 1 || statuses.contains(where: { $0.ledger.batches < expected }) {
            try await Task.sleep(for: .milliseconds(200))
            statuses = try await self.statuses()
        }
        let nodes = zip(DemoDay.points, zip(statuses, clients)).map { point, pair in
            DemoOutcome.Node(name: point.name, isp: point.profile.isp, country: point.profile.country, asn: point.profile.asn,
                             nodeID: pair.0.nodeID, digest: pair.0.ledger.digest, dashboard: pair.1.baseURL.absoluteString + "/")
        }
        return DemoOutcome(folder: folder, nodes: nodes, digestsEqual: Set(statuses.map(\.ledger.digest)).count == 1,
                           verdicts: try await clients[0].verdicts(country: DemoDay.country),
                           view: try await clients[0].view(country: DemoDay.country))
    }

    func statuses() async throws -> [AgentStatus] {
        var result: [AgentStatus] = []
        for client in clients { result.append(try await client.status()) }
        return result
    }

    /// Stops every agent.
    public func stop() {
        agents.forEach { $0.stop() }
    }
}

/// A demo step that failed.
public struct DemoError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
