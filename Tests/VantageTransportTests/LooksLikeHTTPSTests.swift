import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import VantageIdentity
import VantageTestKit
import VantageTransport

/// The wire looks like ordinary HTTPS (DESIGN.md "Volunteer safety", protocol/SPEC.md §7.5): a
/// client without a mesh certificate gets a web page, and the dialer's ClientHello offers what
/// Chromium offers.
extension MeshTransportTests {
    @Test func aClientWithoutAMeshCertificateGetsTheCoverPageAndNeverAFrame() async throws {
        let folders = try MeshFolders.create("cover", nodes: [("relay", 1), ("node", 2)])
        let relayHandler = RecordingHandler(), nodeHandler = RecordingHandler()
        let relay = try transport(folders.nodes[0], relayHandler)
        let node = try transport(folders.nodes[1], nodeHandler)
        let listener = try await relay.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run(listener) }
            let curl = try ExternalProgram.run("curl", ["-k", "-s", "-i", "https://127.0.0.1:\(listener.port)/"])
            #expect(curl.output.hasPrefix("HTTP/1.1 200 OK") && curl.output.contains("<title>Welcome</title>"), "\(curl.output)")
            let openssl = try ExternalProgram.opensslClient(port: listener.port, arguments: ["-servername", "www.example.org", "-alpn", "h2,http/1.1"],
                                                            input: Data("HEAD / HTTP/1.1\r\nHost: www.example.org\r\n\r\n".utf8))
            #expect(openssl.output.contains("HTTP/1.1 200 OK\r\nContent-Type: text/html") && !openssl.output.contains("Welcome"),
                    "a HEAD request gets the head alone: \(openssl.output)")
            #expect(relayHandler.opened.withLockedValue { $0 }.isEmpty && relayHandler.frames.withLockedValue { $0 }.isEmpty)
            try await eventually(seconds: 10) { relayHandler.failures.withLockedValue { $0 }.filter { $0.contains("cover page") }.count == 2 }
            #expect(relayHandler.failures.withLockedValue { $0 }.filter { $0.contains("cover page") }.count == 2, "\(relayHandler.failures.withLockedValue { $0 })")
            // A mesh node on the same port is still a peer.
            group.addTask { await node.dialAndServe("127.0.0.1:\(listener.port)", serverName: "www.example.org") }
            try await eventually { relayHandler.opened.withLockedValue { $0.count } == 1 }
            #expect(relayHandler.opened.withLockedValue { $0.count } == 1)
            group.cancelAll()
        }
    }

    @Test func theDialersClientHelloOffersWhatChromiumOffers() async throws {
        let folders = try MeshFolders.create("hello", nodes: [("node", 2)])
        let node = try transport(folders.nodes[0], RecordingHandler())
        let capture = try await FirstRecords.listen()
        defer { capture.close() }
        let dial = Task { await node.dialAndServe("127.0.0.1:\(capture.port)", serverName: "www.example.org") }
        defer { dial.cancel() }
        let ours = try #require(ClientHello(record: try await capture.next()), "the dialer's first record is a ClientHello")
        #expect(ours.serverName == "www.example.org" && ours.alpn == ["h2", "http/1.1"])
        #expect(ClientHello.plain(ours.supportedVersions) == [0x0304, 0x0303])
        #expect(ours.signatureAlgorithms == [0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601], "Chromium's, no Ed25519")
        #expect(ours.groups == [0x11ec, 0x001d, 0x0017, 0x0018])

        let chromium = "/usr/bin/chromium"
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            print("Chromium is not installed (apt-get install chromium): the side-by-side comparison is skipped")
            return
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)").path
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: chromium)
        browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors", "--user-data-dir=\(profile)",
                             "--host-resolver-rules=MAP www.example.org:443 127.0.0.1:\(capture.port)", "https://www.example.org/"]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        defer { browser.terminate(); try? FileManager.default.removeItem(atPath: profile) }
        let theirs = try #require(ClientHello(record: try await capture.next()), "Chromium's first record is a ClientHello")
        let table = ours.table(against: theirs, names: ("vantage dialer", "Chromium \(theirs.serverName ?? "")"))
        print(table)
        if let path = ProcessInfo.processInfo.environment["VANTAGE_CLIENTHELLO_TABLE"] { try table.write(toFile: path, atomically: true, encoding: .utf8) }
        #expect(ClientHello.plain(ours.cipherSuites) == ClientHello.plain(theirs.cipherSuites), "cipher suites\n\(table)")
        #expect(ClientHello.plain(ours.groups) == ClientHello.plain(theirs.groups), "groups\n\(table)")
        #expect(ClientHello.plain(ours.signatureAlgorithms) == ClientHello.plain(theirs.signatureAlgorithms), "signature algorithms\n\(table)")
        #expect(ClientHello.plain(ours.supportedVersions) == ClientHello.plain(theirs.supportedVersions))
        #expect(ours.alpn == theirs.alpn && ours.serverName == theirs.serverName)
    }
}

/// A TCP listener that keeps the first TLS record of each connection and answers nothing.
final class FirstRecords: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let records = NIOLockedValueBox<[[UInt8]]>([])
    private var buffer: [UInt8] = []
    private var channel: (any Channel)?
    private var taken = 0
    var port: Int { channel?.localAddress?.port ?? 0 }

    static func listen() async throws -> FirstRecords {
        let capture = FirstRecords()
        capture.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.pipeline.addHandler(Connection(capture: capture)) }
            .bind(host: "127.0.0.1", port: 0).get()
        return capture
    }

    /// The next connection's first record, within 30 s.
    func next() async throws -> [UInt8] {
        for _ in 0..<600 {
            let all: [[UInt8]] = records.withLockedValue { $0 }
            if all.count > taken {
                taken += 1
                return all[taken - 1]
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }

    func close() { channel?.close(promise: nil) }

    final class Connection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let capture: FirstRecords
        var bytes: [UInt8] = []
        var done = false
        init(capture: FirstRecords) { self.capture = capture }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !done else { return }
            var buffer = unwrapInboundIn(data)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            guard bytes.count >= 5, bytes.count >= 5 + (Int(bytes[3]) << 8 | Int(bytes[4])) else { return }
            done = true
            let record = Array(bytes.prefix(5 + (Int(bytes[3]) << 8 | Int(bytes[4]))))
            capture.records.withLockedValue { $0.append(record) }
        }
    }
}
