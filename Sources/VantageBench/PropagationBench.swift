import Foundation
import VantageAgent
import VantageDemo

/// Propagation side by side with Serf: N real agents on loopback (gossip 200 ms, fanout 3, as
/// Serf's LAN defaults), time from submitting one batch at one node until all N hold it; and
/// Debian's `serf` with N agents, time from `serf event -coalesce=false` until every agent's event
/// handler has run. Medians over `trials` (target: Vantage ≤ Serf).
public enum PropagationBench {
    public static func run(sizes: [Int] = [10, 20], trials: Int = 5) async throws -> BenchReport {
        var report = BenchReport("propagation vs serf")
        for n in sizes {
            let vantage = try await vantageTimes(n, trials: trials)
            report.add("vantage, N = \(n), median", median(vantage), "ms")
            if let serf = try serfTimes(n, trials: trials) {
                report.add("serf, N = \(n), median", median(serf), "ms")
                report.add("vantage ÷ serf, N = \(n)", median(vantage) / median(serf), "", target: "≤ 1", met: median(vantage) <= median(serf))
            } else {
                report.notes.append("serf not found: apt-get install serf to compare")
            }
        }
        return report
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func vantageTimes(_ n: Int, trials: Int) async throws -> [Double] {
        let mesh = try BenchMesh("propagation", nodes: n)
        defer { mesh.remove() }
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        var addresses: [String] = []
        for (i, node) in mesh.nodes.enumerated() {
            var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--fanout", "3", "--attest-interval", "0"]
            for j in Set([0, i - 1]) where j >= 0 && j < i { arguments += ["--join", addresses[j]] }
            let agent = try mesh.start(node, arguments)
            agents.append(agent)
            addresses.append(try await agent.waitUntilReady() ?? "")
        }
        let clients = try mesh.nodes.map { try AgentClient(node: $0.path) }
        try await Task.sleep(for: .seconds(2))
        var times: [Double] = []
        for trial in 1...trials {
            // Measured a second ago: the nodes' enrollments cover now, not a past day.
            let line = #"{"target":"x","input":"https://x.com/","probe":"tls","time":"\#(Date().addingTimeInterval(-1).rfc3339)","outcome":"ok","runtime_ms":1}"#
            let start = ContinuousClock.now
            _ = try await clients[0].submit(jsonLines: Data(line.utf8))
            var pending = Set(1..<n)
            while !pending.isEmpty {
                guard ContinuousClock.now - start < .seconds(60) else { throw BenchError("trial \(trial): \(pending.count) nodes never got the batch") }
                let holding = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for i in pending { group.addTask { (i, try await clients[i].status().ledger.batches) } }
                    return try await group.reduce(into: Set<Int>()) { if $1.1 >= trial { $0.insert($1.0) } }
                }
                pending.subtract(holding)
            }
            times.append(Double((ContinuousClock.now - start) / .microseconds(1)) / 1000)
            try await Task.sleep(for: .seconds(1))
        }
        return times
    }

    /// Serf agents on loopback; nil when `serf` is not installed.
    static func serfTimes(_ n: Int, trials: Int) throws -> [Double]? {
        guard let serf = ["/usr/bin/serf", "/usr/local/bin/serf"].first(where: FileManager.default.isExecutableFile) else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-bench-serf-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let handler = dir + "/handler.sh"
        try "#!/bin/sh\nread payload\necho \"$(date +%s%N) $payload\" >> \(dir)/$SERF_SELF_NAME.events\n".write(toFile: handler, atomically: true, encoding: .utf8)
        chmod(handler, 0o755)
        let base = 17_000 + Int(getpid() % 1000) * 40
        var processes: [Process] = []
        defer { for p in processes where p.isRunning { p.terminate(); p.waitUntilExit() } }
        func agent(_ i: Int) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: serf)
            p.arguments = ["agent", "-node=s\(i)", "-bind=127.0.0.1:\(base + i)", "-rpc-addr=127.0.0.1:\(base + 20 + i)",
                           "-event-handler=user:bench=\(handler)", "-log-level=err"] + (i == 0 ? [] : ["-join=127.0.0.1:\(base)"])
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        func members() -> Int {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: serf)
            p.arguments = ["members", "-rpc-addr=127.0.0.1:\(base + 20)", "-status=alive"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try? p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").count
        }
        processes.append(try agent(0))
        while members() < 1 { usleep(100_000) }
        for i in 1..<n { processes.append(try agent(i)) }
        let deadline = Date().addingTimeInterval(60)
        while members() < n { guard Date() < deadline else { throw BenchError("serf: only \(members()) of \(n) members") }; usleep(200_000) }
        sleep(2)
        var times: [Double] = []
        for trial in 1...trials {
            let payload = "trial-\(trial)"
            let start = Date()
            let event = Process()
            event.executableURL = URL(fileURLWithPath: serf)
            event.arguments = ["event", "-rpc-addr=127.0.0.1:\(base + 20)", "-coalesce=false", "bench", payload]
            event.standardOutput = FileHandle.nullDevice
            try event.run()
            event.waitUntilExit()
            var last: Double?
            while last == nil {
                guard Date().timeIntervalSince(start) < 60 else { throw BenchError("serf: event \(trial) did not reach every agent") }
                usleep(5_000)
                let stamps = (0..<n).compactMap { i -> Double? in
                    let text = (try? String(contentsOfFile: "\(dir)/s\(i).events", encoding: .utf8)) ?? ""
                    return text.split(separator: "\n").first { $0.hasSuffix(" " + payload) }.flatMap { Double($0.split(separator: " ")[0]) }
                }
                if stamps.count == n { last = stamps.max()! / 1e9 }
            }
            times.append((last! - start.timeIntervalSince1970) * 1000)
            sleep(1)
        }
        return times
    }
}
