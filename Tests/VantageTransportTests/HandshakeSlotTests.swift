import Foundation
import NIOConcurrencyHelpers
import Testing
import VantageIdentity
import VantageTestKit
@testable import VantageTransport

/// A few addresses cannot take every handshake slot of a relay (protocol/SPEC.md §9): web clients
/// leave the handshake pool once their TLS ends, and an IPv6 host counts by its /64.
extension MeshTransportTests {
    @Test func ipv6AddressesOfOneSlash64ShareTheirPerAddressLimit() {
        #expect(ConnectionSlots.addressKey("2001:db8:1:2::5") == "2001:db8:1:2::/64")
        #expect(ConnectionSlots.addressKey("2001:0db8:0001:0002:ffff:1:2:3") == "2001:db8:1:2::/64")
        #expect(ConnectionSlots.addressKey("::1") == "0:0:0:0::/64")
        #expect(ConnectionSlots.addressKey("203.0.113.9") == "203.0.113.9")
        let slots = ConnectionSlots(settings: TransportSettings(maxHandshakesPerAddress: 2))
        #expect(slots.reserve(handshakeFrom: "2001:db8:1:2::5") == nil)
        #expect(slots.reserve(handshakeFrom: "2001:db8:1:2:aaaa::7") == nil)
        #expect(slots.reserve(handshakeFrom: "2001:db8:1:2:bbbb::9") == .tooManyHandshakes(address: "2001:db8:1:2::/64", limit: 2))
        #expect(slots.reserve(handshakeFrom: "2001:db8:1:3::1") == nil, "another /64")
    }

    @Test func webClientsLeaveTheHandshakeSlotsToMeshNodes() async throws {
        let folders = try MeshFolders.create("cover-pool", nodes: [("relay", 1), ("node", 2)])
        let relayHandler = RecordingHandler(), nodeHandler = RecordingHandler()
        let settings = TransportSettings(maxHandshakes: 2, maxCoverClients: 2, coverTimeoutMs: 600_000, helloTimeoutMs: 600_000, idleTimeoutMs: 600_000)
        let relay = try transport(folders.nodes[0], relayHandler, settings: settings)
        let node = try transport(folders.nodes[1], nodeHandler)
        let listener = try await relay.listen(host: "127.0.0.1", port: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run(listener) }
            // Two web clients finish TLS and then say nothing: before, they held both handshake slots.
            let idle = [try await HostilePeer.connectWebClient(port: listener.port, from: "127.0.0.2"),
                        try await HostilePeer.connectWebClient(port: listener.port, from: "127.0.0.3")]
            try await eventually(seconds: 10) { idle.allSatisfy { $0.tlsDone } }
            #expect(idle.allSatisfy { $0.tlsDone })
            try await Task.sleep(for: .milliseconds(200))
            group.addTask { await node.dialAndServe("127.0.0.1:\(listener.port)", serverName: "www.example.org") }
            try await eventually(seconds: 20) { relayHandler.opened.withLockedValue { $0.count } == 1 }
            #expect(relayHandler.opened.withLockedValue { $0.count } == 1, "\(relayHandler.failures.withLockedValue { $0 })")
            // A third web client finds the cover pool full and is closed at once.
            let third = try await HostilePeer.connectWebClient(port: listener.port, from: "127.0.0.4")
            #expect(await third.waitUntilClosed(timeout: 10))
            try await eventually(seconds: 10) { relayHandler.failures.withLockedValue { $0 }.contains { $0.contains("clients without a mesh certificate") } }
            #expect(relayHandler.failures.withLockedValue { $0 }.contains { $0.contains("2 connections from clients without a mesh certificate") },
                    "\(relayHandler.failures.withLockedValue { $0 })")
            #expect(idle.allSatisfy { !$0.isClosed })
            idle.forEach { $0.close() }
            group.cancelAll()
        }
    }
}
