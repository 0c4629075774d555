import Foundation
import VantageAgent
import VantageDemo
import VantageIdentity
import VantageScoring
import VantageSimulation

/// Verdict latency on a live mesh (issue 18): five real agents in five ISPs on loopback, each
/// submitting a round of the bench campaign (7 targets × 5 probe kinds) twice a window — as probes
/// every 300 s do in 600 s windows — stamped with the wall clock, after a backfill of the last
/// `baseline_windows` windows so their baselines are learned, as in a mesh that has been running;
/// at an onset four of them start failing two targets as SNI blocking does (TLS, HTTP and
/// throughput reset; DNS and TCP fine); the time until the fifth — whose own ISP does not block, so
/// it learns from the others' window summaries — shows a verdict naming both. The campaign's window
/// is 30 s with a 3 s grace (the defaults' 600 s and 60 s, scaled by 1/20); onsets fall at several
/// points of a window.
public enum LatencyBench {
    static let windowSeconds: UInt32 = 30
    static let trials: [(targets: Set<String>, offset: Double)] = [
        (["facebook", "x"], 0.1), (["instagram", "youtube"], 0.4), (["tiktok", "whatsapp"], 0.6), (["facebook", "youtube"], 0.9),
    ]
    /// Probe kinds that SNI blocking makes fail.
    static let failing: Set<String> = ["tls", "http", "throughput"]

    /// Runs the trials on a live mesh under the default scoring policy.
    public static func run() async throws -> BenchReport {
        var report = BenchReport("verdict latency, live mesh")
        let isps = 5
        let mesh = try BenchMesh("latency", nodes: isps)
        defer { mesh.remove() }
        var record = CampaignRound.campaign()
        record.intervalSeconds = windowSeconds / 2
        record.policy.windowSeconds = windowSeconds
        record.summaryGraceSeconds = windowSeconds / 10
        let campaign = RecordFile.encode(try mesh.mesh.loadAdmin().sign(record))

        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        var addresses: [String] = []
        for (i, node) in mesh.nodes.enumerated() {
            var arguments = ["--listen", "127.0.0.1:0"]
            for j in Set([0, i - 1]) where j >= 0 && j < i { arguments += ["--join", addresses[j]] }
            let agent = try mesh.start(node, arguments)
            agents.append(agent)
            addresses.append(try await agent.waitUntilReady() ?? "")
        }
        let clients = try mesh.nodes.map { try AgentClient(node: $0.path) }
        for client in clients where try await client.publish(file: campaign).refused > 0 {
            throw BenchError("an agent refused the bench's campaign")
        }
        // The history a running mesh has: the policy's 36 baseline windows, two rounds each.
        let windowMs = Int64(windowSeconds) * 1000
        let nowMs = Date().unixMilliseconds
        for client in clients {
            let history = (1...72).map { lines(atMs: nowMs - Int64($0) * windowMs / 2, blocked: []) }
            _ = try await client.submit(jsonLines: Data(history.joined(separator: "\n").utf8))
        }
        let blocking = Blocking()
        let rounds = Task { try await submitRounds(clients, blocking: blocking) }
        defer { rounds.cancel() }

        let observer = clients[isps - 1]
        var latencies: [Double] = []
        // A window of live traffic first.
        var next = (Date().unixMilliseconds / windowMs + 2) * windowMs
        for (number, trial) in trials.enumerated() {
            let onsetMs = next + Int64(trial.offset * Double(windowMs))
            try await Task.sleep(for: .milliseconds(max(0, onsetMs - Date().unixMilliseconds)))
            blocking.set(trial.targets)
            var seen: Int64?
            while seen == nil, Date().unixMilliseconds - onsetMs < 6 * windowMs {
                try await Task.sleep(for: .milliseconds(250))
                let verdicts = try await observer.verdicts(country: nil).verdicts
                if verdicts.contains(where: { trial.targets.isSubset(of: Set($0.targets)) }) { seen = Date().unixMilliseconds }
            }
            blocking.set([])
            guard let seen else { throw BenchError("trial \(number + 1): no verdict naming \(trial.targets.sorted()) within 6 windows of the onset") }
            let windows = Double(seen - onsetMs) / Double(windowMs)
            latencies.append(windows)
            report.add("onset \(Int(trial.offset * 100)) % into a window: verdict after", windows, "windows")
            // A clear window before the next onset.
            next = (Date().unixMilliseconds / windowMs + 2) * windowMs
        }
        let worst = latencies.max() ?? .infinity
        report.add("verdict after the onset, worst of \(trials.count)", worst, "windows", target: "≤ 2 windows", met: worst <= 2)
        report.add("the same at the default 600 s window", worst * 600, "s")
        report.notes.append("\(isps) real agents on loopback, gossip at the agent's default interval; 4 ISPs block from the onset, the observer's does not; every agent measures the campaign's \(record.targets.count) targets × \(record.probes.count) probe kinds every \(record.intervalSeconds) s after a backfill of 36 windows; window \(windowSeconds) s, summaries signed \(record.summaryGraceSeconds) s after a window ends (at once when a target starts failing); a local or regional event needs \(ScoringParameters().minWindows) windows (the policy's min_windows) before it is a verdict, a nation-scale one its first; a trial's blocking ends when its verdict is seen")
        return report
    }

    /// The targets the blocking ISPs fail now.
    final class Blocking: @unchecked Sendable {
        private var targets: Set<String> = []
        private let lock = NSLock()
        func set(_ new: Set<String>) { lock.withLock { targets = new } }
        var now: Set<String> { lock.withLock { targets } }
    }

    /// Every agent submits a round every half window, the agents a second apart, measured a
    /// second ago; the blocked targets fail at every ISP but the last.
    static func submitRounds(_ clients: [AgentClient], blocking: Blocking) async throws {
        let roundMs = Int64(windowSeconds) * 500
        while !Task.isCancelled {
            let nowMs = Date().unixMilliseconds
            try await Task.sleep(for: .milliseconds((nowMs / roundMs + 1) * roundMs - nowMs))
            for (i, client) in clients.enumerated() {
                let blocked = i < clients.count - 1 ? blocking.now : []
                _ = try await client.submit(jsonLines: Data(lines(atMs: Date().unixMilliseconds - 1_000, blocked: blocked).utf8))
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One round at `atMs` as JSON Lines: every target with every probe kind, the kinds SNI
    /// blocking breaks reset for the `blocked` targets.
    static func lines(atMs: Int64, blocked: Set<String>) -> String {
        let time = Date(unixMilliseconds: atMs).rfc3339
        return CampaignRound.targets.flatMap { target in
            CampaignRound.probes.map { probe in
                let kind = probe.name
                let fails = blocked.contains(target) && failing.contains(kind)
                let throughput = kind == "throughput" && !fails ? #","throughput_kbps":20000"# : ""
                return #"{"target":"\#(target)","input":"https://\#(target).example/","probe":"\#(kind)","time":"\#(time)","outcome":"\#(fails ? "tls_reset" : "ok")","runtime_ms":\#(fails ? 30 : 180)\#(throughput)}"#
            }
        }.joined(separator: "\n")
    }
}
