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
        /// True for the archivers (the controls abroad).
        public var archiver: Bool
        /// Everything the node holds, and the summary tier alone (equal on every node).
        public var digest: String
        public var summaryDigest: String
        public var rawBatches: Int
        public var dashboard: String
        enum CodingKeys: String, CodingKey {
            case name, isp, country, asn, archiver, digest, dashboard, nodeID = "node_id", summaryDigest = "summary_digest", rawBatches = "raw_batches"
        }
    }

    /// The nation-scale verdict's report, exported from the first ISP node (an ordinary node,
    /// which fetched the raw evidence from the archivers) and verified against the mesh key.
    public struct ReportOutcome: Codable, Sendable {
        public var exportedBy: String
        public var rawBatches: Int
        public var summaryBatches: Int
        public var attestations: Int
        public var verified: Bool
        /// The checks that do not hold (none when verified).
        public var failing: [String]
        enum CodingKeys: String, CodingKey {
            case verified, failing, attestations, exportedBy = "exported_by", rawBatches = "raw_batches", summaryBatches = "summary_batches"
        }
    }

    public var folder: String
    public var nodes: [Node]
    /// Every node holds the same summary tier, and the archivers the same everything.
    public var digestsEqual: Bool
    public var verdicts: ScoreResult
    public var view: ViewResult
    public var report: ReportOutcome?

    enum CodingKeys: String, CodingKey { case folder, nodes, verdicts, view, report, digestsEqual = "digests_equal" }
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
    var meshRoot: PublicKey?

    /// A demo that starts agents from `executable` in `folder`, replaying one hour every `stepMs`.
    public init(executable: URL, folder: String, stepMs: Int64) {
        self.executable = executable
        self.folder = folder
        self.stepMs = stepMs
    }

    /// Creates the mesh and starts one agent per vantage point: first the two controls, which are
    /// the archivers, then the ISPs; ISP node i joins both archivers and the ISP node before it.
    /// The campaign naming the archivers is published before any ISP node starts.
    public func start(_ report: (DemoEvent) -> Void) async throws {
        let (mesh, nodes) = try LocalMesh.create(at: folder, name: "demo-pakistan", nodes: DemoDay.points.map { ($0.name, $0.profile) }, now: Date(),
                                                 enrolledSince: Date(unixMilliseconds: DemoDay.startMs - 86_400_000))
        report(.meshCreated(path: folder))
        meshRoot = try MeshDescription.read(mesh.descriptionPath).rootKey(path: mesh.descriptionPath)
        let archivers = DemoDay.points.indices.filter { DemoDay.isArchiver(DemoDay.points[$0]) }
        let campaign = try mesh.loadAdmin().sign(DemoDay.campaign(archivers: archivers.map { try KeyFile.read(nodes[$0].keyPath).publicKey.id }))
        var addresses: [Int: String] = [:]
        var started: [Int: (AgentProcess, AgentClient)] = [:]
        for i in archivers + DemoDay.points.indices.filter({ !archivers.contains($0) }) {
            let point = DemoDay.points[i]
            var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--attest-interval", "2s", "--no-probes", "--log-level", "warning"]
            var joins = archivers.compactMap { addresses[$0] }
            if let previous = (0..<i).last(where: { !archivers.contains($0) }), let address = addresses[previous] { joins.append(address) }
            for address in joins { arguments += ["--join", address] }
            if DemoDay.isArchiver(point) { arguments.append("--archive") }
            let agent = try AgentProcess(executable: executable, node: nodes[i].path, arguments: arguments)
            addresses[i] = try await agent.waitUntilReady() ?? ""
            let client = try AgentClient(node: nodes[i].path)
            started[i] = (agent, client)
            if i == archivers.last, try await client.publish(file: RecordFile.encode(campaign)).refused > 0 {
                throw DemoError("the archivers refused the demo's campaign")
            }
            report(.nodeStarted(name: point.name, isp: point.profile.isp, country: point.profile.country, asn: point.profile.asn))
        }
        for i in DemoDay.points.indices {
            agents.append(started[i]!.0)
            clients.append(started[i]!.1)
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
            let digest = statuses[0].ledger.summaryDigest
            let verdicts = try await clients[0].verdicts(country: DemoDay.country).verdicts
            let archived = statuses.filter(\.archiver).map(\.ledger.batches).max() ?? 0
            report(.hourReplayed(hour: hour, batches: archived, agreeing: statuses.filter { $0.ledger.summaryDigest == digest }.count,
                                 nodes: statuses.count, verdicts: verdicts))
        }
    }

    /// Waits until the archivers hold every raw batch, every node its own, and the summary tier
    /// and the archivers' digests are equal; exports the nation-scale verdict's report from the
    /// first ISP node and verifies it (waiting for attestations); returns the outcome.
    public func finish(timeout: TimeInterval = 60) async throws -> DemoOutcome {
        let deadline = Date().addingTimeInterval(timeout)
        var statuses = try await self.statuses()
        func settled() -> Bool {
            Set(statuses.map(\.ledger.summaryDigest)).count == 1 && Set(statuses.filter(\.archiver).map(\.ledger.digest)).count == 1
                && statuses.allSatisfy { $0.ledger.batches >= ($0.archiver ? 24 * DemoDay.points.count : 24) }
        }
        while Date() < deadline, !settled() {
            try await Task.sleep(for: .milliseconds(200))
            statuses = try await self.statuses()
        }
        let nodes = zip(DemoDay.points, zip(statuses, clients)).map { point, pair in
            DemoOutcome.Node(name: point.name, isp: point.profile.isp, country: point.profile.country, asn: point.profile.asn,
                             nodeID: pair.0.nodeID, archiver: pair.0.archiver, digest: pair.0.ledger.digest, summaryDigest: pair.0.ledger.summaryDigest,
                             rawBatches: pair.0.ledger.batches, dashboard: pair.1.baseURL.absoluteString + "/")
        }
        let verdicts = try await clients[0].verdicts(country: DemoDay.country)
        return DemoOutcome(folder: folder, nodes: nodes, digestsEqual: settled(), verdicts: verdicts,
                           view: try await clients[0].view(country: DemoDay.country),
                           report: try await exportReport(of: verdicts.verdicts.first { $0.scope == .nation }, deadline: deadline))
    }

    /// The report of `verdict` from the first ISP node, verified against the mesh key; retried
    /// until it verifies (attestations arrive every couple of seconds) or `deadline`.
    func exportReport(of verdict: Verdict?, deadline: Date) async throws -> DemoOutcome.ReportOutcome? {
        guard let verdict, let meshRoot else { return nil }
        var outcome: DemoOutcome.ReportOutcome?
        repeat {
            if outcome != nil { try await Task.sleep(for: .milliseconds(500)) }
            let report = try await clients[0].report(verdictID: verdict.id, country: DemoDay.country)
            let verification = ReportVerifier.verify(report, trustedRoot: meshRoot)
            outcome = DemoOutcome.ReportOutcome(exportedBy: DemoDay.points[0].name, rawBatches: report.batches.count, summaryBatches: report.summaries.count,
                                                attestations: report.attestations.count, verified: verification.verified,
                                                failing: verification.checks.filter { !$0.holds }.map { "\($0.part): \($0.detail)" })
        } while !outcome!.verified && Date() < deadline
        return outcome
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
