import Foundation
import NIOCore
import NIOSSL
import Testing
import VantageProbes
import VantageTestKit
import VantageWire

/// Every outcome of every probe kind, produced by a real probe against a loopback fixture.
@Suite(.serialized) struct ProbeOutcomeTests {
    static let names = ["ok.example", "reset.example", "stall.example", "wrong.example", "blockpage.example",
                        "missing.example", "slow.example", "big.example", "hop.example", "loop.example", "censor.example", "chunked.example"]

    func settings(_ web: WebFixture? = nil, trust: Bool = true) -> ProbeSettings {
        var settings = ProbeSettings()
        settings.timeoutMs = 3000
        settings.resetWatchMs = 2000
        settings.fixedAddresses = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, "127.0.0.1") })
        if trust, let web { settings.trustedCertificates = web.certificates.trusted }
        settings.fingerprints = [("test-isp", "This site has been blocked by order of")]
        return settings
    }

    func web(tls: Bool = true) async throws -> WebFixture {
        let web = try await WebFixture(names: Self.names, tls: tls)
        web.set("reset.example", .reset)
        web.set("stall.example", .stall)
        web.set("wrong.example", .wrongCertificate)
        web.set("blockpage.example", .serve("<html>This site has been blocked by order of the authority</html>"))
        web.set("missing.example", .status(404))
        web.set("slow.example", .trickle(bytesPerSecond: 20_000, total: 1_000_000))
        web.set("big.example", .serve(String(repeating: "v", count: 400_000)))
        return web
    }

    func outcome(_ kind: ProbeKind, _ input: String, _ settings: ProbeSettings) async -> ProbeResult {
        await Prober(settings: settings).run(kind, target: "t", input: input)
    }

    @Test func dnsOutcomesFromAConfiguredResolver() async throws {
        let dns = try await DNSFixture(answers: ["good.example": .address("93.184.216.34"), "gone.example": .nxdomain,
                                                 "broken.example": .servfail, "injected.example": .address("10.10.34.35"),
                                                 "quiet.example": .silence])
        defer { Task { await dns.close() } }
        var settings = ProbeSettings()
        settings.timeoutMs = 500
        settings.resolver = .udp(host: "127.0.0.1", port: dns.port)
        let expected: [(String, Outcome)] = [("good.example", .ok), ("gone.example", .dnsNxdomain), ("broken.example", .dnsServfail),
                                             ("injected.example", .dnsBogon), ("quiet.example", .dnsTimeout)]
        for (name, outcome) in expected {
            let result = await self.outcome(.dns, name, settings)
            #expect(result.outcome == outcome.name, "\(name): \(result.steps)")
        }
        settings.resolver = .udp(host: "127.0.0.1", port: try TCPFixtures.closedPort())
        #expect(await outcome(.dns, "good.example", settings).outcome == Outcome.dnsTimeout.name, "nobody answering is a timeout")
        settings.resolver = .udp(host: "not-an-ip", port: 53)
        #expect(await outcome(.dns, "good.example", settings).outcome == Outcome.error.name, "a resolver that cannot be asked is the probe's failure")
    }

    @Test func loopbackIsABogonForAPublicNameButNotForLocalhost() async throws {
        let result = await outcome(.dns, "localhost", ProbeSettings())
        #expect(result.outcome == Outcome.ok.name, "localhost is 127.0.0.1, not DNS injection: \(result.steps)")
        let dns = try await DNSFixture(answers: ["facebook.example": .address("127.0.0.1")])
        defer { Task { await dns.close() } }
        var settings = ProbeSettings()
        settings.resolver = .udp(host: "127.0.0.1", port: dns.port)
        #expect(await outcome(.dns, "facebook.example", settings).outcome == Outcome.dnsBogon.name, "a public name answered with loopback is")
    }

    /// `vantage probe https://127.0.0.1:PORT/` and `https://localhost:PORT/` against `openssl
    /// s_server` with a certificate for both: an IP URL goes without SNI, localhost is no bogon.
    @Test func probesOfAnIPURLAndOfLocalhostReachOpensslServer() async throws {
        let server = try OpenSSLServer(label: "s-server")
        defer { server.stop() }
        let (port, cert) = (server.port, server.certificatePath)
        var settings = ProbeSettings()
        settings.timeoutMs = 3000
        settings.trustedCertificates = try NIOSSLCertificate.fromPEMFile(cert)
        for _ in 0..<50 where await outcome(.tcp, "https://127.0.0.1:\(port)/", settings).outcome != Outcome.ok.name {
            try await Task.sleep(for: .milliseconds(100))
        }
        for input in ["https://127.0.0.1:\(port)/", "https://localhost:\(port)/"] {
            for kind in [ProbeKind.tls, .http] {
                let result = await outcome(kind, input, settings)
                #expect(result.outcome == Outcome.ok.name, "\(kind.name) \(input): \(result.steps)")
            }
        }
    }

    @Test func tcpOutcomes() async throws {
        let web = try await web()
        let resetting = try await TCPFixtures.resetting()
        let stalled = try TCPFixtures.stalled()
        defer {
            Task { await web.close(); try? await resetting.channel.close() }
            stalled.descriptors.forEach { close($0) }
        }
        let s = settings(web)
        #expect(await outcome(.tcp, "ok.example:\(web.port)", s).outcome == "ok")
        #expect(await outcome(.tcp, "ok.example:\(try TCPFixtures.closedPort())", s).outcome == "tcp_refused")
        #expect(await outcome(.tcp, "ok.example:\(resetting.port)", s).outcome == "tcp_reset")
        let timeout = await outcome(.tcp, "ok.example:\(stalled.port)", s)
        #expect(timeout.outcome == "tcp_timeout", "\(timeout.steps)")
    }

    @Test func tlsOutcomes() async throws {
        let web = try await web()
        defer { Task { await web.close() } }
        let s = settings(web)
        let expected = [("ok", "ok"), ("reset", "tls_reset"), ("stall", "tls_timeout"), ("wrong", "tls_cert_invalid")]
        for (name, outcome) in expected {
            let result = await self.outcome(.tls, "https://\(name).example:\(web.port)/", s)
            #expect(result.outcome == outcome, "\(name): \(result.steps)")
        }
        let untrusted = await outcome(.tls, "https://ok.example:\(web.port)/", settings(web, trust: false))
        #expect(untrusted.outcome == "tls_cert_invalid", "a CA the probe does not trust: \(untrusted.steps)")
    }

    @Test func httpOutcomesOverTLS() async throws {
        let web = try await web()
        defer { Task { await web.close() } }
        let s = settings(web)
        let expected = [("ok", "ok"), ("blockpage", "http_blockpage"), ("missing", "http_error"), ("reset", "tls_reset"),
                        ("stall", "tls_timeout"), ("wrong", "tls_cert_invalid")]
        for (name, outcome) in expected {
            let result = await self.outcome(.http, "https://\(name).example:\(web.port)/", s)
            #expect(result.outcome == outcome, "\(name): \(result.steps)")
        }
        let blockpage = await outcome(.http, "https://blockpage.example:\(web.port)/", s)
        #expect(blockpage.details["blockpage"] == "test-isp")
    }

    /// Responses read with swift-nio's HTTP/1.1 codec: a chunked block page is found across its
    /// chunks; redirects are followed and recorded hop by hop, up to a limit; a redirect to a
    /// private address (an ISP's block page server) is a block page.
    @Test func theHTTPProbeReadsChunkedBodiesAndFollowsRedirects() async throws {
        let web = try await web(tls: false)
        defer { Task { await web.close() } }
        web.set("chunked.example", .chunked("<html>This site has been blocked by order of the authority</html>"))
        web.set("hop.example", .redirect(302, to: "http://ok.example:\(web.port)/landing"))
        web.set("loop.example", .redirect(301, to: "/again"))
        web.set("censor.example", .redirect(302, to: "http://10.10.34.35/blocked.html"))
        let s = settings(web)
        let chunked = await outcome(.http, "http://chunked.example:\(web.port)/", s)
        #expect(chunked.outcome == "http_blockpage", "the fingerprint spans chunks: \(chunked.steps)")
        let hop = await outcome(.http, "http://hop.example:\(web.port)/", s)
        #expect(hop.outcome == "ok" && hop.details["redirect_1"] == "http://ok.example:\(web.port)/landing", "\(hop.steps)")
        let loop = await outcome(.http, "http://loop.example:\(web.port)/", s)
        #expect(loop.outcome == "http_error" && loop.details["redirect_6"] == "/again" && loop.steps.last?.detail == "more than 5 redirects", "\(loop.steps)")
        let censor = await outcome(.http, "http://censor.example:\(web.port)/", s)
        #expect(censor.outcome == "http_blockpage" && censor.details["blockpage"] == "redirect to 10.10.34.35", "\(censor.steps)")
    }

    @Test func theHTTPProbeSendsABrowsersHeadersAndNamesNoProduct() async throws {
        let web = try await web()
        defer { Task { await web.close() } }
        web.set("ok.example", .echoRequest)
        // The fixture answers with the request's head; fingerprints of it show what was sent.
        var s = settings(web)
        s.fingerprints = [("browser", "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)")]
        let sent = await outcome(.http, "https://ok.example:\(web.port)/", s)
        #expect(sent.outcome == "http_blockpage" && sent.details["blockpage"] == "browser", "\(sent.steps)")
        s.fingerprints = [("product", "antage")]
        #expect(await outcome(.http, "https://ok.example:\(web.port)/", s).outcome == "ok", "no header names Vantage")
    }

    @Test func plainHTTPOutcomes() async throws {
        let web = try await web(tls: false)
        defer { Task { await web.close() } }
        let s = settings(web)
        let expected = [("ok", "ok"), ("blockpage", "http_blockpage"), ("missing", "http_error"), ("reset", "tcp_reset"), ("stall", "http_error")]
        for (name, outcome) in expected {
            let result = await self.outcome(.http, "http://\(name).example:\(web.port)/", s)
            #expect(result.outcome == outcome, "\(name): \(result.steps)")
        }
    }

    @Test func throughputSeesTheTrickle() async throws {
        let web = try await web()
        defer { Task { await web.close() } }
        var s = settings(web)
        s.throughputBytes = 300_000
        let fast = await outcome(.throughput, "https://big.example:\(web.port)/", s)
        let slow = await outcome(.throughput, "https://slow.example:\(web.port)/", s)
        #expect(fast.outcome == "ok" && slow.outcome == "ok", "\(fast.steps) \(slow.steps)")
        let fastKbps = try #require(fast.throughputKbps), slowKbps = try #require(slow.throughputKbps)
        #expect(slowKbps < 400, "about 160 kbit/s: \(slow.steps)")
        #expect(fastKbps > slowKbps * 10, "\(fastKbps) vs \(slowKbps)")
        #expect(await outcome(.throughput, "https://reset.example:\(web.port)/", s).throughputKbps == nil)
    }

    @Test func inputsThatAreNotURLsAreTheProbesOwnFailure() async {
        for input in ["", "ftp://x.example/", "https://", "two words"] {
            let result = await outcome(.tls, input, ProbeSettings())
            #expect(result.outcome == "error", "\(input)")
        }
    }
}
