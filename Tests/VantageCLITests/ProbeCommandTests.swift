import Foundation
import Testing
import VantageTestKit

/// `vantage probe` as a volunteer runs it, against loopback fixtures.
@Suite(.serialized) struct ProbeCommandTests {
    @Test func eachKindPrintsItsStepsAndOutcome() async throws {
        let dir = CommandRunner.temporaryDirectory("probe")
        let names = ["www.facebook.com", "x.com", "www.youtube.com"]
        let web = try await WebFixture(names: names)
        web.set("x.com", .reset)
        web.set("www.youtube.com", .trickle(bytesPerSecond: 50_000, total: 2_000_000))
        let dns = try await DNSFixture(answers: ["www.facebook.com": .address("157.240.1.35"), "x.com": .address("10.10.34.35")])
        defer { Task { await web.close(); await dns.close() } }
        try web.certificates.caPEM.write(to: dir.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        let runner = try CommandRunner(directory: dir)
        let common = ["--resolve", "www.facebook.com=127.0.0.1", "--resolve", "www.youtube.com=127.0.0.1", "--ca-file", "ca.pem", "--probe-timeout", "2s"]

        let ok = try runner.run(["probe", "https://www.facebook.com:\(web.port)/", "--probe", "tcp", "--probe", "tls", "--probe", "http"] + common)
        print(ok.stdout)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("tls        OK"))
        #expect(ok.stdout.contains("handshake with SNI www.facebook.com"))
        #expect(ok.stdout.contains("status 200"))

        let injected = try runner.run(["probe", "https://x.com/", "--probe", "dns", "--resolver", "127.0.0.1:\(dns.port)"])
        print(injected.stdout)
        #expect(injected.status == 2)
        #expect(injected.stdout.contains("dns        DNS_BOGON"))
        #expect(injected.stdout.contains("bogon answer 10.10.34.35 (DNS injection)"))

        let sni = try runner.run(["probe", "https://x.com:\(web.port)/", "--probe", "tls", "--resolve", "x.com=127.0.0.1", "--ca-file", "ca.pem"])
        print(sni.stdout)
        #expect(sni.status == 2)
        #expect(sni.stdout.contains("tls        TLS_RESET"))
        #expect(sni.stdout.contains("after ClientHello"))

        let slow = try runner.run(["probe", "https://www.youtube.com:\(web.port)/", "--probe", "throughput"] + common)
        print(slow.stdout)
        #expect(slow.status == 0)
        #expect(slow.stdout.contains("kbit/s (stopped at the timeout)"))

        let json = try runner.run(["probe", "https://www.facebook.com:\(web.port)/", "--probe", "http", "--json"] + common)
        let results = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(results.first?["outcome"] as? String == "ok")
        #expect(results.first?["target"] as? String == "facebook")

        let bad = try runner.run("probe", "https://x.com/", "--probe", "ping")
        #expect(bad.status == 64 && bad.stderr.contains("--probe: 'ping' is not one of"))
    }
}
