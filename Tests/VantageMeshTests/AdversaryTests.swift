import Foundation
import Testing
import VantageAgent
import VantageIdentity
import VantageTestKit
import VantageWire

/// A hostile peer against real agents over real TLS. Every test checks the refusal, the log line
/// naming its reason, the refusal counted by reason in /metrics, and that honest peers are still
/// served with nothing lost.
extension MeshSuite {
@Suite struct AdversaryTests {
    var nowMs: Int64 { Date().unixMilliseconds }

    @Test func forgedSignatureIsRefused() async throws {
        let mesh = try await HostileMesh.start("forged")
        defer { mesh.stop() }
        let peer = try await mesh.connect()
        // A batch in b's name, signed by mallory and then relabelled as b's: the signature cannot verify.
        var forged = signedBatch(try mesh.key(mesh.mallory), createdMs: nowMs, measuredMs: nowMs - 3_600_000)
        var batch = try Batch(serializedBytes: forged.payload)
        batch.origin = Data(try mesh.key(mesh.b).publicKey.id.bytes)
        forged.payload = try batch.serializedData()
        forged.signer = Data(try mesh.key(mesh.b).publicKey.raw)
        try await peer.send(push(forged))

        #expect(await mesh.logged("fact refused", "signature does not verify"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("bad_signature"))
        #expect(await peer.waitUntilClosed(), "the sender of a forged fact is dropped")
        #expect(await mesh.logged("it sent a forged fact"))
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func batchReplayedFromAnotherOriginIsRefused() async throws {
        let mesh = try await HostileMesh.start("replay")
        defer { mesh.stop() }
        // A batch b signed, as mallory would have captured it, re-signed by mallory to pass as its own.
        let captured = signedBatch(try mesh.key(mesh.b), seq: 7, createdMs: nowMs, measuredMs: nowMs - 3_600_000)
        let replayed = try mesh.key(mesh.mallory).sign(.batch, payload: captured.payload)
        let peer = try await mesh.connect()
        try await peer.send(push(replayed))

        #expect(await mesh.logged("fact refused", "is not its signer"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("origin_mismatch"))
        #expect(await peer.waitUntilClosed(), "the sender of a forged fact is dropped")
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func equivocationIsProvenEverywhereAndTheOriginLeavesTheScore() async throws {
        let mesh = try await HostileMesh.start("equivocate")
        defer { mesh.stop() }
        let key = try mesh.key(mesh.mallory)
        // Timed on the day of the honest measurements, so that retention keeps them all.
        let created = HostileMesh.dataDayMs, measured = created - 1_800_000
        let toA = try await mesh.connect()
        try await toA.send(push(signedBatch(key, createdMs: created, measuredMs: measured, outcome: .tlsReset)))
        // The batch enters: mallory's ASN shows in a's national view.
        #expect(try await eventually { try await AgentClient(node: mesh.a.path).view(country: "PK").cells.contains { $0.asn == 64503 } })

        // A second batch with the same seq, told to b only. The two meet when a and b sync.
        let bPort = try Int(String(contentsOfFile: mesh.b.path + "/listen.addr", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").last!)!
        let toB = try await HostilePeer.connect(port: bPort, as: mesh.mallory)
        try await toB.sendHello(of: mesh.mallory)
        try await toB.send(push(signedBatch(key, createdMs: created, measuredMs: measured, outcome: .ok)))

        for i in 0..<2 {
            #expect(await mesh.logged("equivocation: node signed two conflicting batches", at: i), "\(mesh.agents[i].tail())")
            #expect(try await mesh.counted("equivocation", at: i))
        }
        let excluded = try await eventually {
            try await statuses(MeshFolders(base: mesh.folders.base, mesh: mesh.folders.mesh, nodes: [mesh.a, mesh.b]))
                .allSatisfy { $0.ledger.excluded == 1 }
        }
        #expect(excluded)
        for node in [mesh.a, mesh.b] {
            let view = try await AgentClient(node: node.path).view(country: "PK")
            #expect(!view.cells.contains { $0.asn == 64503 }, "the excluded origin is out of the score")
        }
        // Both connections are dropped and mallory is refused from now on.
        let aClosed = await toA.waitUntilClosed(), bClosed = await toB.waitUntilClosed()
        #expect(aClosed && bClosed)
        let again = try await mesh.connect()
        #expect(await again.waitForFrame { if case .error(let e) = $0.body { e.message.contains("excluded for equivocation") } else { false } })
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func unknownAndExpiredEnrollmentsAreRefusedAtHello() async throws {
        let mesh = try await HostileMesh.start("expired")
        defer { mesh.stop() }
        // A certificate from the mesh CA, but no enrollment shown and none known: an unknown peer.
        let unknown = try await mesh.connect { $0.clearEnrollment() }
        #expect(await unknown.waitForFrame { $0.error.code == .unknownPeer })
        #expect(await mesh.logged("is not enrolled in this mesh"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("refused_unknownPeer"))

        // Mallory's certificate is valid, but the only enrollment it shows ended yesterday.
        let root = try KeyFile.read(mesh.folders.mesh.rootKeyPath)
        var enrollment = try Enrollment(serializedBytes: RecordFile.readEnvelope(mesh.mallory.enrollmentPath).payload)
        enrollment.notBeforeMs = nowMs - 30 * 86_400_000
        enrollment.notAfterMs = nowMs - 86_400_000
        let expired = root.sign(enrollment)
        let peer = try await mesh.connect { $0.enrollment = expired }

        #expect(await peer.waitForFrame { $0.error.code == .expired })
        #expect(await peer.waitUntilClosed())
        #expect(await mesh.logged("peer refused at Hello", "does not cover now"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("refused_expired"))
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func certificateKeyThatIsNotTheEnrolledKeyIsRefused() async throws {
        let mesh = try await HostileMesh.start("keymismatch")
        defer { mesh.stop() }
        // Mallory's certificate, b's node id and b's enrollment.
        let bEnrollment = try RecordFile.readEnvelope(mesh.b.enrollmentPath)
        let bID = try mesh.key(mesh.b).publicKey.id
        let peer = try await mesh.connect {
            $0.nodeID = Data(bID.bytes)
            $0.enrollment = bEnrollment
        }
        #expect(await peer.waitForFrame { $0.error.code == .keyMismatch })
        #expect(await peer.waitUntilClosed())
        #expect(await mesh.logged("not the one the TLS certificate names"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("refused_keyMismatch"))
        #expect(try await mesh.refusals("refused_keyMismatch") == 1, "one refusal is counted once")
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func unknownFrameTypeAndUnknownVersionsAreRefused() async throws {
        let mesh = try await HostileMesh.start("unknown")
        defer { mesh.stop() }
        // After Hello: a version-2 frame whose body is field 15, which no version defines.
        let peer = try await mesh.connect()
        let body: [UInt8] = [0x08, 0x02, 0x7A, 0x03, 0x61, 0x62, 0x63]
        try await peer.write([UInt8(body.count)] + body)
        #expect(await peer.waitUntilClosed())
        #expect(await mesh.logged("disconnecting peer", "frame of unknown type"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("unknown_frame"))

        // A first frame of protocol version 9: an Error frame names the versions this node speaks.
        let future = try await HostilePeer.connect(port: mesh.port, as: mesh.mallory)
        try await future.send(Frame.with { $0.version = 9; $0.hello = Hello() })
        #expect(await future.waitForFrame { $0.error.code == .unsupportedVersion })
        #expect(future.error?.supportedVersions == ProtocolVersion.supported)
        #expect(await future.waitUntilClosed())
        #expect(await mesh.logged("unsupported protocol version 9; supported: [2]"))
        #expect(try await mesh.counted("unsupported_version"))

        // A Hello that offers only version 9.
        let newer = try await mesh.connect { $0.protocolVersion = 9; $0.supportedVersions = [9] }
        #expect(await newer.waitForFrame { $0.error.code == .unsupportedVersion })
        #expect(newer.error?.supportedVersions == ProtocolVersion.supported)
        #expect(await mesh.logged("no common protocol version"))
        #expect(try await mesh.counted("refused_unsupportedVersion"))
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func oversizedFrameAndMalformedProtobufGetAnErrorFrame() async throws {
        let mesh = try await HostileMesh.start("oversized")
        defer { mesh.stop() }
        let big = try await mesh.connect()
        try await big.write([0xff, 0xff, 0xff, 0xff, 1, 2, 3])
        #expect(await big.waitForFrame { $0.error.code == .tooLarge })
        #expect(await big.waitUntilClosed())
        let garbage = try await mesh.connect()
        try await garbage.write([5, 0xde, 0xad, 0xbe, 0xef, 0x99])
        #expect(await garbage.waitForFrame { $0.error.code == .malformed })
        #expect(await garbage.waitUntilClosed())
        #expect(await mesh.logged("exceeds the limit of 4194304 bytes", "malformed frame"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("frame_too_large"))
        #expect(try await mesh.counted("frame_malformed"))
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func slowLorisHandshakeAndFrameAreCutOff() async throws {
        // Each defence once over real sockets; trickles at every step are in HandlerTests (virtual time).
        let mesh = try await HostileMesh.start("slowloris", limits: ["hello_timeout_ms=1000", "frame_timeout_ms=1000", "idle_timeout_ms=2000"])
        defer { mesh.stop() }
        // A TCP connection that never starts TLS, and one that stops half-way through a ClientHello.
        let silent = try await HostilePeer.connectTCP(port: mesh.port)
        let halfway = try await HostilePeer.connectTCP(port: mesh.port)
        try await halfway.write([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        let silentClosed = await silent.waitUntilClosed(timeout: 10), halfwayClosed = await halfway.waitUntilClosed(timeout: 10)
        #expect(silentClosed && halfwayClosed)
        #expect(await mesh.logged("TLS handshake and Hello not completed in time"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("hello_timeout", atLeast: 2))

        // After Hello: a frame that announces 100 bytes and stops after one.
        let partial = try await mesh.connect()
        try await partial.write([100, 0])
        #expect(await partial.waitUntilClosed(timeout: 10), "a frame left unfinished is cut off at frame_timeout_ms")
        #expect(await mesh.logged("a frame was not completed within 1000 ms"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("frame_timeout"))

        // The HTTP API (Hummingbird's own idle timeout): request headers trickled a byte every
        // 200 ms never complete a request head, so the connection is closed at idle_timeout_ms.
        let api = try await HostilePeer.connectTCP(port: try AgentClient(node: mesh.a.path).baseURL.port!)
        try await api.write(Array("POST /v1/measurements HTTP/1.1\r\nHost: a\r\n".utf8))
        for _ in 0..<50 where !api.isClosed {
            try? await api.write(Array("X".utf8))
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(api.isClosed, "headers trickled for 10 s must be cut off at 2 s")
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func connectionFloodFromOneAddressIsBounded() async throws {
        let mesh = try await HostileMesh.start("flood", limits: ["max_handshakes_per_address=8", "hello_timeout_ms=60000"])
        defer { mesh.stop() }
        // 200 connections from 127.0.0.2 that never start TLS (none times out during the test).
        var flood: [HostilePeer] = []
        for _ in 0..<200 { flood.append(try await HostilePeer.connectTCP(port: mesh.port, from: "127.0.0.2")) }
        defer { flood.forEach { $0.close() } }
        #expect(try await mesh.counted("too_many_handshakes", atLeast: 192))
        let open = await eventually(timeout: 5) { flood.filter { !$0.isClosed }.count <= 8 }
        #expect(open, "at most 8 handshakes from one address stay open; \(flood.filter { !$0.isClosed }.count) did")
        #expect(await mesh.logged("connections from 127.0.0.2 are already in their handshake"), "\(mesh.agents[0].tail())")
        // The flood is counted in full but logged only at 1, 10 and 100 refusals.
        #expect(mesh.log().components(separatedBy: "already in their handshake").count - 1 == 3)

        // While the flood holds its slots, a newly arriving peer from another address is admitted
        // and gossiped with.
        let joined = try await mesh.connect()
        #expect(await joined.waitForFrame { if case .summary = $0.body { true } else { false } })
        #expect(joined.error == nil)
        joined.close()
        #expect(try await mesh.honestPeersStillServed())
    }

    @Test func timestampsFromTheFarFutureAreRefused() async throws {
        let mesh = try await HostileMesh.start("future")
        defer { mesh.stop() }
        let key = try mesh.key(mesh.mallory)
        let day: Int64 = 86_400_000
        let peer = try await mesh.connect()
        // A batch created tomorrow, and a batch created now holding a measurement from tomorrow.
        try await peer.send(push(signedBatch(key, createdMs: nowMs + day, measuredMs: nowMs)))
        try await peer.send(push(signedBatch(key, createdMs: nowMs, measuredMs: nowMs + day)))
        #expect(await mesh.logged("ms after this node's clock", "a measurement starts"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("future", atLeast: 2))

        // Through the API, a line from 2099 is refused by number; the lines around it are signed.
        let lines = measurementLines(2, startMinute: 90) + Data(#"{"target":"x","input":"https://x.com/","probe":"tls","time":"2099-01-01T00:00:00Z","outcome":"ok"}"#.utf8 + [0x0A])
        let (status, body) = try await post(mesh.b, "v1/measurements", body: lines, token: try apiToken(mesh.b))
        #expect(status == 200 && report(body)?.accepted == 2 && body.contains("line 3: time is"), "\(body)")
        #expect(try await mesh.counted("future", at: 1))
        #expect(try await mesh.converged(measurements: 2 * HostileMesh.before + 2))
    }

    @Test func apiWritesWithoutTheTokenAreRefusedAndNoSecretIsLogged() async throws {
        let mesh = try await HostileMesh.start("token")
        defer { mesh.stop() }
        let lines = measurementLines(3, startMinute: 120)
        let none = try await post(mesh.a, "v1/measurements", body: lines, token: nil)
        let wrong = try await post(mesh.a, "v1/measurements", body: lines, token: String(repeating: "0", count: 64))
        #expect(none.status == 401 && wrong.status == 401 && none.body.contains("api.token"))
        #expect(await mesh.logged("API request refused", "no Authorization header", "a token that is not this node's"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("api_unauthorized", atLeast: 2))
        #expect(try await AgentClient(node: mesh.a.path).status().ledger.measurements == 2 * HostileMesh.before)
        #expect(try await mesh.honestPeersStillServed())

        // Neither the token nor the private key appears in any log.
        let key = try String(contentsOfFile: mesh.a.keyPath, encoding: .utf8)
        let secret = key.split(separator: "\n").first { !$0.hasPrefix("-----") }.map(String.init) ?? key
        for i in 0..<2 {
            #expect(!mesh.log(i).contains(try apiToken(mesh.folders.nodes[i])))
            #expect(!mesh.log(i).contains(secret))
        }
    }

    @Test func hugeBodyAndTenMegabyteLineAreRefusedAndTheRestKept() async throws {
        let mesh = try await HostileMesh.start("hugebody", limits: ["max_request_bytes=20000"])
        defer { mesh.stop() }
        let token = try apiToken(mesh.a)
        // At the limit a body is read; one byte past it is refused whole.
        var atLimit = measurementLines(3, startMinute: 150)
        atLimit += Data(repeating: 0x20, count: 20_000 - atLimit.count)
        let accepted = try await post(mesh.a, "v1/measurements", body: atLimit, token: token)
        #expect(accepted.status == 200 && report(accepted.body)?.accepted == 3, "\(accepted)")
        let past = try await post(mesh.a, "v1/measurements", body: atLimit + Data(" ".utf8), token: token)
        #expect(past.status == 413 && past.body.contains("max_request_bytes"), "\(past)")
        #expect(await mesh.logged("request body exceeds the limit of 20000 bytes"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("api_body_too_large"))

        // b keeps the default 32 MiB: a 40 MB body is refused, and a 10 MB line among good ones is
        // refused by number while the good lines are signed.
        let huge = try await post(mesh.b, "v1/measurements", body: Data(repeating: 0x20, count: 40_000_000), token: try apiToken(mesh.b))
        #expect(huge.status == 413, "\(huge.status)")
        let tenMB = measurementLines(2, startMinute: 170) + Data(repeating: 0x61, count: 10 << 20) + Data("\n".utf8)
            + measurementLines(2, startMinute: 175)
        let line = try await post(mesh.b, "v1/measurements", body: tenMB, token: try apiToken(mesh.b))
        #expect(line.status == 200 && report(line.body)?.accepted == 4 && line.body.contains("line 3: line of 10485760 bytes exceeds the limit of 65536"), "\(line)")
        #expect(try await mesh.counted("line_too_long", at: 1))
        // Fifteen bad lines: all counted, ten logged one by one, then how many more.
        let bad = try await post(mesh.b, "v1/measurements", body: Data(String(repeating: "{}\n", count: 15).utf8), token: try apiToken(mesh.b))
        #expect(bad.status == 400 && report(bad.body)?.refused == 15, "\(bad)")
        #expect(try await mesh.counted("bad_line", atLeast: 15, at: 1))
        #expect(await mesh.logged("5 more lines refused", at: 1))
        #expect(mesh.log(1).components(separatedBy: "missing field").count - 1 == 10)
        #expect(try await mesh.counted("api_body_too_large", at: 1))
        #expect(try await mesh.converged(measurements: 2 * HostileMesh.before + 3 + 4))
    }

    @Test func peersBeyondMaxPeersAreToldBusy() async throws {
        let mesh = try await HostileMesh.start("maxpeers", limits: ["max_peers=1"])
        defer { mesh.stop() }
        // b is a's one peer: at the limit. Mallory would be one past it.
        let peer = try await mesh.connect()
        #expect(await peer.waitForFrame { $0.error.code == .busy })
        #expect(await mesh.logged("already has 1 peers connected (max_peers)"), "\(mesh.agents[0].tail())")
        #expect(try await mesh.counted("refused_busy"))
        #expect(try await mesh.honestPeersStillServed())
    }
}
}

/// The report of a POST /v1/measurements answered with `body`.
private func report(_ body: String) -> SubmitReport? { try? JSONDecoder().decode(SubmitReport.self, from: Data(body.utf8)) }
