import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VantageAgent
import VantageDemo
import VantageTestKit

/// Webhook alerts from a live mesh (README "Alerts"): a real HTTP receiver that refuses the first
/// attempts gets each change of one disruption once, signed, and a restart sends nothing again.
extension MeshSuite {
@Suite struct AlertTests {
    /// A local receiver (Python's http.server): answers 500 to the first `failures` POSTs, then
    /// 200; writes each one as a JSON line with whether its HMAC-SHA256 matches `secret`.
    static let receiver = """
        import hashlib, hmac, json, sys
        from http.server import BaseHTTPRequestHandler, HTTPServer
        log, secret, failures = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
        seen = [0]
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                seen[0] += 1
                status = 500 if seen[0] <= failures else 200
                good = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
                with open(log, "a") as f:
                    f.write(json.dumps({"status": status, "valid": hmac.compare_digest(good, self.headers.get("X-Vantage-Signature", "")),
                                        "body": json.loads(body)}) + "\\n")
                self.send_response(status)
                self.end_headers()
            def log_message(self, *args):
                pass
        server = HTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_port, flush=True)
        server.serve_forever()
        """

    /// Measurements of one node from `from` to `to` minutes after 13:00 (every 3 minutes), facebook
    /// and x failing from minute `blockedFrom` on (never when nil) until minute 90.
    func lines(from: Int, to: Int, blockedFrom: Int?) -> Data {
        var lines: [String] = []
        for minute in stride(from: from, to: to, by: 3) {
            let time = String(format: "2024-01-20T%02d:%02d:30Z", 13 + minute / 60, minute % 60)
            for target in ["facebook", "x", "wikipedia"] {
                let failing = target != "wikipedia" && blockedFrom.map { minute >= $0 && minute < 90 } ?? false
                lines.append(#"{"target":"\#(target)","input":"https://\#(target).example/","probe":"tls","time":"\#(time)","outcome":"\#(failing ? "tls_reset" : "ok")","runtime_ms":80}"#)
            }
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    @Test func eachChangeOfADisruptionReachesAFailingReceiverOnceSignedAndARestartSendsNothingAgain() async throws {
        let folders = try MeshFolders.create("alerts", nodes: (1...5).map { ("isp\($0)", UInt32(64500 + $0)) })
        let runner = try CommandRunner(directory: folders.base)
        let secret = "correct horse battery staple"
        let (script, log, secretFile) = ["receiver.py", "alerts.jsonl", "alert.secret"].map { folders.base.appendingPathComponent($0).path }
            .splitThree()
        try Self.receiver.write(toFile: script, atomically: true, encoding: .utf8)
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = [script, log, secret, "2"]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = FileHandle.nullDevice
        python.standardInput = FileHandle.nullDevice
        try python.run()
        defer { kill(python.processIdentifier, SIGKILL) }
        let port = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let webhook = "http://127.0.0.1:\(port)/hook"

        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.stop() } }
        let watcher = ["--alert-webhook", webhook, "--alert-secret-file", secretFile]
        var previous: String?
        for (index, node) in folders.nodes.enumerated() {
            var arguments = ["--listen", "127.0.0.1:0", "--gossip-interval", "200ms", "--attest-interval", "500ms", "--no-probes"]
            if let previous { arguments += ["--join", previous] }
            let agent = try AgentProcess(runner: runner, node: node.path, arguments: arguments + (index == 0 ? watcher : []))
            previous = try await agent.waitUntilReady()
            agents.append(agent)
        }
        func delivered() -> [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["status"] as? Int == 200 }
        }
        func changes() -> [String] { delivered().compactMap { ($0["body"] as? [String: Any])?["change"] as? String } }
        func widest() -> Int {
            delivered().compactMap { (($0["body"] as? [String: Any])?["event"] as? [String: Any])?["affected_asns"] as? [Any] }.map(\.count).max() ?? 0
        }
        func stage(_ lines: (Int) -> Data, until done: @escaping () -> Bool) async throws -> Bool {
            for (index, node) in folders.nodes.enumerated() { _ = try await AgentClient(node: node.path).submit(jsonLines: lines(index)) }
            return try await eventually(timeout: 60) { done() }
        }
        // 13:00–14:00: facebook and x fail at four ISPs of five from 13:30: appeared (its ASNs may
        // grow to four as the other nodes' batches arrive).
        #expect(try await stage({ self.lines(from: 0, to: 60, blockedFrom: $0 >= 1 ? 30 : nil) }, until: { widest() == 4 }))
        // 14:00–14:30: the fifth ISP blocks too: the same event, widened to five ASNs.
        #expect(try await stage({ self.lines(from: 60, to: 90, blockedFrom: $0 >= 1 ? 30 : 60) }, until: { widest() == 5 }))
        // 14:30–15:00: every ISP reaches them again: ended.
        #expect(try await stage({ _ in self.lines(from: 90, to: 120, blockedFrom: nil) }, until: { changes().last == "ended" }))

        let alerts = delivered()
        let bodies = alerts.compactMap { $0["body"] as? [String: Any] }
        let said = bodies.compactMap { $0["change"] as? String }
        #expect(said.first == "appeared" && said.last == "ended" && said.filter { $0 == "appeared" || $0 == "ended" }.count == 2, "\(said)")
        #expect(said.dropFirst().dropLast().allSatisfy { ["widened", "scope_changed"].contains($0) }, "\(said)")
        let states = bodies.map { body -> String in
            let event = body["event"] as? [String: Any] ?? [:]
            return "\(body["change"] ?? "") \(event["scope"] ?? "") \(event["affected_asns"] ?? "") \(event["targets"] ?? "")"
        }
        #expect(Set(states).count == states.count, "one alert per change: \(states)")
        #expect(Set(bodies.compactMap { $0["event_id"] as? String }).count == 1, "one event id")
        #expect(alerts.allSatisfy { $0["valid"] as? Bool == true }, "every HMAC checks out")
        #expect((bodies.first?["text"] as? String)?.hasPrefix("Vantage appeared: ") == true, "\(bodies.first ?? [:])")
        let attempts = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(attempts == said.count + 2, "two refused attempts, then each change once")

        // A restart of the watching node sends nothing again.
        agents[0].stop()
        let again = try AgentProcess(runner: runner, node: folders.nodes[0].path,
                                     arguments: ["--listen", "127.0.0.1:0", "--attest-interval", "500ms", "--no-probes", "--join", previous!] + watcher)
        agents[0] = again
        _ = try await again.waitUntilReady()
        try await Task.sleep(for: .seconds(4))
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count == attempts, "no duplicate after a restart")
    }
}
}

extension Array {
    /// The first three elements as a tuple.
    fileprivate func splitThree() -> (Element, Element, Element) { (self[0], self[1], self[2]) }
}
