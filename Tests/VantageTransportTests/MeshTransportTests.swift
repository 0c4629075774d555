import Foundation
import NIOConcurrencyHelpers
import Testing
import VantageIdentity
import VantageTestKit
import VantageTransport
import VantageWire

/// Records what the transport reports, and admits peers whose Hello names their certificate's node id.
final class RecordingHandler: ConnectionHandler {
    let frames = NIOLockedValueBox<[Frame]>([])
    let opened = NIOLockedValueBox<[AdmittedPeer]>([])
    let connections = NIOLockedValueBox<[PeerConnection]>([])
    let failures = NIOLockedValueBox<[String]>([])
    let refuse: Bool

    init(refuse: Bool = false) { self.refuse = refuse }

    func mayGreet(_ peer: TLSPeer, dialed address: String) async -> Result<Void, TransportError> { .success(()) }
    func authorize(_ hello: Hello, peer: TLSPeer) async -> Result<AdmittedPeer, TransportError> {
        guard !refuse else { return .failure(.refused(.revoked, "test refuses everyone")) }
        guard Hash256(bytes: hello.nodeID) == peer.id else { return .failure(.refused(.keyMismatch, "node id is not the certificate's")) }
        return .success(AdmittedPeer(id: peer.id, asn: 1))
    }
    func opened(_ connection: PeerConnection) async {
        opened.withLockedValue { $0.append(connection.peer) }
        connections.withLockedValue { $0.append(connection) }
    }
    func received(_ frame: Frame, on connection: PeerConnection) async { frames.withLockedValue { $0.append(frame) } }
    func closed(_ connection: PeerConnection, error: (any Error)?) async {}
    func failedBeforeHello(remote: String, dialedAddress: String?, error: any Error) async {
        failures.withLockedValue { $0.append("\(error)") }
    }
}

@Suite struct MeshTransportTests {
    /// No Hello deadline or idle timeout within a test, however slow a loaded machine makes it (both have their own tests).
    static let patient = TransportSettings(helloTimeoutMs: 600_000, idleTimeoutMs: 600_000)

    func transport(_ node: NodeDirectory, _ handler: RecordingHandler, settings: TransportSettings = patient) throws -> MeshTransport {
        let key = try KeyFile.read(node.keyPath)
        return try MeshTransport(identity: TLSIdentity(node: node), settings: settings, handler: handler) {
            Hello.with {
                $0.protocolVersion = ProtocolVersion.current
                $0.supportedVersions = ProtocolVersion.supported
                $0.nodeID = Data(key.publicKey.id.bytes)
            }
        }
    }

    func eventually(seconds: Int = 60, _ condition: () -> Bool) async throws {
        for _ in 0..<(seconds * 20) where !condition() { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test func mutualTLSConnectionCarriesFramesBothWays() async throws {
        let folders = try MeshFolders.create("transport", nodes: [("a", 1), ("b", 2)])
        let serverHandler = RecordingHandler(), clientHandler = RecordingHandler()
        let server = try transport(folders.nodes[0], serverHandler)
        let client = try transport(folders.nodes[1], clientHandler)
        let listener = try await server.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(listener) }
            group.addTask { await client.dialAndServe("127.0.0.1:\(listener.port)") }
            try await eventually { serverHandler.opened.withLockedValue { $0.count } == 1 && clientHandler.opened.withLockedValue { $0.count } == 1 }
            let clientKey = try KeyFile.read(folders.nodes[1].keyPath)
            #expect(serverHandler.opened.withLockedValue { $0 } == [AdmittedPeer(id: clientKey.publicKey.id, asn: 1)])
            let summary = Frame.with { $0.summary = Summary.with { $0.settledBeforeMs = 7 } }
            clientHandler.connections.withLockedValue { $0 }.first?.send(summary)
            serverHandler.connections.withLockedValue { $0 }.first?.send(summary)
            try await eventually { serverHandler.frames.withLockedValue { $0.count } == 1 && clientHandler.frames.withLockedValue { $0.count } == 1 }
            #expect(serverHandler.frames.withLockedValue { $0 }.first?.summary.settledBeforeMs == 7)
            #expect(clientHandler.frames.withLockedValue { $0 }.first?.summary.settledBeforeMs == 7)
            #expect(clientHandler.connections.withLockedValue { $0 }.first!.bytes.totals.sent > 0)
            group.cancelAll()
        }
    }

    @Test func certificateFromAnotherMeshIsRefusedAtTheHandshake() async throws {
        let ours = try MeshFolders.create("ours", nodes: [("a", 1)])
        let theirs = try MeshFolders.create("theirs", nodes: [("x", 9)])
        let serverHandler = RecordingHandler(), clientHandler = RecordingHandler()
        let server = try transport(ours.nodes[0], serverHandler)
        let intruder = try transport(theirs.nodes[0], clientHandler)
        let listener = try await server.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(listener) }
            await intruder.dialAndServe("127.0.0.1:\(listener.port)")
            try await eventually { !serverHandler.failures.withLockedValue { $0 }.isEmpty }
            #expect(serverHandler.opened.withLockedValue { $0 }.isEmpty)
            #expect(!clientHandler.failures.withLockedValue { $0 }.isEmpty)
            group.cancelAll()
        }
    }

    @Test func refusedPeerGetsAnErrorFrameAndIsClosed() async throws {
        let folders = try MeshFolders.create("refuse", nodes: [("a", 1), ("b", 2)])
        let serverHandler = RecordingHandler(refuse: true), clientHandler = RecordingHandler()
        let server = try transport(folders.nodes[0], serverHandler)
        let client = try transport(folders.nodes[1], clientHandler)
        let listener = try await server.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(listener) }
            await client.dialAndServe("127.0.0.1:\(listener.port)")
            try await eventually { !serverHandler.failures.withLockedValue { $0 }.isEmpty }
            #expect(serverHandler.failures.withLockedValue { $0 }.contains { $0.contains("test refuses everyone") }, "\(serverHandler.failures.withLockedValue { $0 })")
            group.cancelAll()
        }
    }

    @Test func connectionsBeyondTheLimitAreClosed() async throws {
        let folders = try MeshFolders.create("limit", nodes: [("a", 1), ("b", 2), ("c", 3)])
        let serverHandler = RecordingHandler()
        let server = try transport(folders.nodes[0], serverHandler, settings: TransportSettings(maxConnections: 1, helloTimeoutMs: 600_000, idleTimeoutMs: 600_000))
        let listener = try await server.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(listener) }
            group.addTask { await (try! self.transport(folders.nodes[1], RecordingHandler())).dialAndServe("127.0.0.1:\(listener.port)") }
            try await eventually { serverHandler.opened.withLockedValue { $0.count } == 1 }
            group.addTask { await (try! self.transport(folders.nodes[2], RecordingHandler())).dialAndServe("127.0.0.1:\(listener.port)") }
            try await eventually { !serverHandler.failures.withLockedValue { $0 }.isEmpty }
            #expect(serverHandler.failures.withLockedValue { $0 }.contains { $0.contains("connection limit of 1") })
            #expect(serverHandler.opened.withLockedValue { $0.count } == 1)
            group.cancelAll()
        }
    }

    @Test func handshakesFromOneAddressAreBoundedAtTheLimit() async throws {
        let folders = try MeshFolders.create("handshakes", nodes: [("a", 1)])
        let serverHandler = RecordingHandler()
        // No Hello deadline or idle timeout within the test, however slow a loaded machine makes it.
        let server = try transport(folders.nodes[0], serverHandler, settings: TransportSettings(maxHandshakesPerAddress: 2, helloTimeoutMs: 600_000, idleTimeoutMs: 600_000))
        let listener = try await server.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(listener) }
            // Two silent connections: at the limit, both stay open.
            let held = [try await HostilePeer.connectTCP(port: listener.port), try await HostilePeer.connectTCP(port: listener.port)]
            try await eventually { server.activeConnections == 2 }
            // One more from the same address is closed at once; another address is still accepted.
            let past = try await HostilePeer.connectTCP(port: listener.port)
            #expect(await past.waitUntilClosed(timeout: 5))
            try await eventually { !serverHandler.failures.withLockedValue { $0 }.isEmpty }
            #expect(serverHandler.failures.withLockedValue { $0 }.contains("2 connections from 127.0.0.1 are already in their handshake (connection flood?)"))
            let other = try await HostilePeer.connectTCP(port: listener.port, from: "127.0.0.3")
            try await eventually { server.activeConnections == 3 }
            #expect(server.activeConnections == 3 && !held[0].isClosed && !held[1].isClosed && !other.isClosed)
            (held + [other]).forEach { $0.close() }
            group.cancelAll()
        }
    }

    @Test func handshakesFromAllAddressesAreBoundedAndDialingOutStillWorks() async throws {
        let folders = try MeshFolders.create("handshakes-total", nodes: [("a", 1), ("b", 2)])
        let serverHandler = RecordingHandler()
        let settings = TransportSettings(maxConnections: 4, maxHandshakes: 2, helloTimeoutMs: 600_000, idleTimeoutMs: 600_000)
        let server = try transport(folders.nodes[0], serverHandler, settings: settings)
        let listener = try await server.listen(host: "127.0.0.1", port: 0)
        let peerHandler = RecordingHandler()
        let peer = try transport(folders.nodes[1], peerHandler)
        let peerListener = try await peer.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(listener) }
            group.addTask { try await peer.run(peerListener) }
            // Two addresses hold the two handshake slots: at the limit. A third address is refused.
            let held = [try await HostilePeer.connectTCP(port: listener.port, from: "127.0.0.2"),
                        try await HostilePeer.connectTCP(port: listener.port, from: "127.0.0.3")]
            try await eventually { server.activeConnections == 2 }
            let past = try await HostilePeer.connectTCP(port: listener.port, from: "127.0.0.4")
            #expect(await past.waitUntilClosed(timeout: 5))
            try await eventually { !serverHandler.failures.withLockedValue { $0 }.isEmpty }
            #expect(serverHandler.failures.withLockedValue { $0 }.contains { $0.contains("2 connections from all addresses") })
            // The node still dials out to its peer while the flood holds the handshake slots.
            group.addTask { await server.dialAndServe("127.0.0.1:\(peerListener.port)") }
            try await eventually { serverHandler.opened.withLockedValue { $0.count } == 1 }
            #expect(serverHandler.opened.withLockedValue { $0.count } == 1 && !held[0].isClosed && !held[1].isClosed)
            held.forEach { $0.close() }
            group.cancelAll()
        }
    }
}
