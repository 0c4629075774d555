import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VantageAgent
import VantageIdentity
import VantageDemo
import VantageTestKit
import VantageWire

/// Two honest agents — `a` listens, `b` joins it — and `mallory`, enrolled in the same mesh but
/// run by no agent: the test speaks for it through `HostilePeer`. Both honest nodes hold
/// measurements before the attack, so a test can check that none is lost.
struct HostileMesh {
    let folders: MeshFolders
    let agents: [AgentProcess]
    /// Measurements each honest node submitted before the attack.
    static let before = 20
    /// 2024-01-20T15:00:00Z: the day of the honest measurements (`measurementLines`), for hostile
    /// batches that must be admitted without retention pruning that day.
    static let dataDayMs: Int64 = 1_705_762_800_000

    var a: NodeDirectory { folders.nodes[0] }
    var b: NodeDirectory { folders.nodes[1] }
    var mallory: NodeDirectory { folders.nodes[2] }
    /// The port `a` accepts peers on.
    let port: Int

    /// Starts `a` (with `limits`, as `--limit` arguments) and `b`, and waits until both hold the
    /// same 2 × `before` measurements.
    static func start(_ label: String, limits: [String] = []) async throws -> HostileMesh {
        let folders = try MeshFolders.create(label, nodes: [("a", 64501), ("b", 64502), ("mallory", 64503)])
        let runner = try CommandRunner(directory: folders.base)
        let a = try AgentProcess(runner: runner, node: folders.nodes[0].path,
                                 arguments: ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--no-probes"] + limits.flatMap { ["--limit", $0] })
        let address = try #require(try await a.waitUntilReady())
        let b = try AgentProcess(runner: runner, node: folders.nodes[1].path,
                                 arguments: ["--listen", "127.0.0.1:0", "--join", address, "--gossip-interval", "200ms", "--no-probes"])
        try await b.waitUntilReady()
        let mesh = HostileMesh(folders: folders, agents: [a, b], port: Int(address.split(separator: ":").last!)!)
        _ = try await AgentClient(node: folders.nodes[0].path).submit(jsonLines: measurementLines(before, startMinute: 0))
        _ = try await AgentClient(node: folders.nodes[1].path).submit(jsonLines: measurementLines(before, startMinute: 30))
        #expect(try await mesh.converged(measurements: 2 * before), "honest nodes did not converge before the attack")
        return mesh
    }

    func stop() { agents.forEach { $0.stop() } }

    /// The log of honest node `i` so far.
    func log(_ i: Int = 0) -> String { (try? String(contentsOfFile: agents[i].logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log of node `i` contains every text; true when it did within `timeout` seconds.
    func logged(_ texts: String..., at i: Int = 0, timeout: TimeInterval = 15) async -> Bool {
        await eventually(timeout: timeout) { texts.allSatisfy { log(i).contains($0) } }
    }

    /// `vantage_refusals_total{reason}` of node `i`.
    func refusals(_ reason: String, at i: Int = 0) async throws -> Int {
        let client = try AgentClient(node: folders.nodes[i].path)
        let (data, _) = try await URLSession.shared.data(from: client.baseURL.appendingPathComponent("metrics"))
        let prefix = "vantage_refusals_total{reason=\"\(reason)\"} "
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    /// Waits until node `i` counted at least `count` refusals for `reason`.
    func counted(_ reason: String, atLeast count: Int = 1, at i: Int = 0) async throws -> Bool {
        try await eventually(timeout: 15) { try await refusals(reason, at: i) >= count }
    }

    /// True when both honest nodes hold `measurements` and the same digest.
    func converged(measurements: Int) async throws -> Bool {
        try await eventually {
            let s = try await statuses(MeshFolders(base: folders.base, mesh: folders.mesh, nodes: [a, b]))
            return s.allSatisfy { $0.ledger.measurements == measurements } && s[0].ledger.digest == s[1].ledger.digest
        }
    }

    /// Nothing was lost and honest peers are still served: a new submission at `b` reaches `a`, and
    /// both end with every honest measurement and equal digests.
    func honestPeersStillServed() async throws -> Bool {
        let report = try await AgentClient(node: b.path).submit(jsonLines: measurementLines(5, startMinute: 60))
        guard report.accepted == 5 else {
            Issue.record("b refused the honest submission: \(report.errors.prefix(3))")
            return false
        }
        guard try await converged(measurements: 2 * Self.before + 5) else {
            let s = try await statuses(MeshFolders(base: folders.base, mesh: folders.mesh, nodes: [a, b]))
            Issue.record("not converged: \(s.map { "\($0.ledger.measurements) \($0.ledger.digest.prefix(8)) held \($0.ledger.held) peers \($0.peers.count)" })")
            return false
        }
        return true
    }

    /// Opens a mutual-TLS connection to `a` as `node` (mallory unless told) and sends its Hello.
    func connect(as node: NodeDirectory? = nil, hello change: (inout Hello) throws -> Void = { _ in }) async throws -> HostilePeer {
        let peer = try await HostilePeer.connect(port: port, as: node ?? mallory)
        try await peer.sendHello(of: node ?? mallory, change)
        return peer
    }

    /// The signing key of a node folder.
    func key(_ node: NodeDirectory) throws -> SigningKey { try KeyFile.read(node.keyPath) }
}

/// A batch signed by `key` for its own log, created at `createdMs`, with `count` tls_reset
/// measurements starting at `measuredMs`.
func signedBatch(_ key: SigningKey, seq: UInt64 = 1, createdMs: Int64, measuredMs: Int64, count: Int = 3,
                 outcome: Outcome = .tlsReset) -> Envelope {
    var batch = Batch()
    batch.origin = Data(key.publicKey.id.bytes)
    batch.seq = seq
    batch.previousHash = Data(Hash256.zero.bytes)
    batch.createdMs = createdMs
    batch.measurements = (0..<count).map { i in
        Measurement.with {
            $0.target = "facebook"
            $0.input = "https://www.facebook.com/"
            $0.probe = .tls
            $0.startTimeMs = measuredMs + Int64(i) * 1000
            $0.runtimeMs = 100
            $0.outcome = outcome
        }
    }
    return key.sign(batch)
}

/// A push frame carrying one envelope.
func push(_ envelope: Envelope) -> Frame { Frame.with { $0.push = envelope } }

/// Posts `body` to a node's API path, with the given Authorization token; returns the status and body.
func post(_ node: NodeDirectory, _ path: String, body: Data, token: String?) async throws -> (status: Int, body: String) {
    var request = URLRequest(url: try AgentClient(node: node.path).baseURL.appendingPathComponent(path))
    request.httpMethod = "POST"
    request.httpBody = body
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

/// The API token of a node folder.
func apiToken(_ node: NodeDirectory) throws -> String {
    String(decoding: try SecretFile.read(node.apiTokenPath), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
