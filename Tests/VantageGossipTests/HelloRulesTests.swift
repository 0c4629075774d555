import Foundation
import Testing
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// The Hello rules of protocol/SPEC.md §7.3, each refusal with its code: pure functions of the
/// Hello, the TLS certificate's node id and key, the ledger and the clock.
@Suite struct HelloRulesTests {
    let mesh = TestMesh(name: "hello")
    let now: Int64 = 1_705_755_600_000
    let me: TestNode
    let peer: TestNode
    let free = HelloRules.Connections(peerConnected: false, count: 0, maxPeers: 32)

    init() {
        me = mesh.node("me", asn: 64501)
        peer = mesh.node("peer", asn: 64502)
    }

    func hello(from node: TestNode, meshID: Hash256? = nil, claim: Hash256? = nil, versions: [UInt32] = ProtocolVersion.supported) -> Hello {
        Hello.with {
            $0.protocolVersion = versions.max() ?? 0
            $0.supportedVersions = versions
            $0.meshID = Data((meshID ?? mesh.meshID).bytes)
            $0.nodeID = Data((claim ?? node.id).bytes)
            $0.enrollment = mesh.enroll(node)
        }
    }

    func identity(_ hello: Hello, as tls: TLSPeer? = nil) -> ErrorCode? {
        switch HelloRules.identity(hello, peer: tls ?? peer.tlsPeer, meshID: mesh.meshID, selfID: me.id) {
        case .success: return nil
        case .failure(let refusal): return refusal.code
        }
    }

    func standing(_ ledger: Ledger, connections: HelloRules.Connections? = nil, tlsKey: Data? = nil) -> Result<UInt32, HelloRefusal> {
        HelloRules.standing(of: peer.id, tlsKey: tlsKey ?? peer.tlsPublicKey, in: ledger, nowMs: now, connections: connections ?? free)
    }

    func ledger(_ envelopes: [Envelope]) -> Ledger {
        var ledger = Ledger(root: mesh.root)
        for envelope in envelopes { try! ledger.insert(envelope: envelope, nowMs: now) }
        return ledger
    }

    @Test func enrolledPeerIsAdmittedWithItsASN() throws {
        #expect(try HelloRules.identity(hello(from: peer), peer: peer.tlsPeer, meshID: mesh.meshID, selfID: me.id).get() == peer.id)
        #expect(try standing(ledger([mesh.enroll(peer)])).get() == 64502)
    }

    @Test func aCertificateKeyTheEnrollmentDoesNotBindIsRefused() {
        #expect(standing(ledger([mesh.enroll(peer)]), tlsKey: me.tlsPublicKey).code == .keyMismatch,
                "a certificate naming the peer's node id with another TLS key: the enrollment binds the key")
    }

    @Test func identityRefusalsCarryTheirCodes() {
        #expect(identity(hello(from: peer, versions: [9])) == .unsupportedVersion)
        #expect(identity(hello(from: peer, meshID: TestMesh(name: "elsewhere").meshID)) == .wrongMesh)
        #expect(identity(hello(from: peer, claim: Hash256.of([1]))) == .keyMismatch)
        #expect(identity(hello(from: me), as: me.tlsPeer) == .unknownPeer)
    }

    @Test func standingRefusalsCarryTheirCodes() {
        #expect(standing(ledger([])).code == .unknownPeer)
        #expect(standing(ledger([mesh.enroll(peer, notBeforeMs: now - 7_200_000, notAfterMs: now - 3_600_000)])).code == .expired)
        #expect(standing(ledger([mesh.enroll(peer), mesh.revoke(peer, effectiveMs: now - 1)])).code == .revoked)
        #expect(standing(ledger([mesh.enroll(peer), mesh.revoke(peer, effectiveMs: now + 60_000)])).code == nil,
                "a revocation that takes effect later does not refuse now")
        var forked = peer
        let first = forked.nextBatch(createdMs: now - 10)
        var other = peer
        let second = other.nextBatch(createdMs: now - 10, count: 2)
        let excluded = ledger([mesh.enroll(peer), first, second])
        #expect(excluded.excluded.contains(peer.id))
        #expect(standing(excluded).code == .revoked)
    }

    @Test func fullPeerSlotsRefuseANewPeerButNotOneAlreadyConnected() {
        let enrolled = ledger([mesh.enroll(peer)])
        let full = HelloRules.Connections(peerConnected: false, count: 2, maxPeers: 2)
        #expect(standing(enrolled, connections: full).code == .busy)
        #expect(standing(enrolled, connections: HelloRules.Connections(peerConnected: true, count: 2, maxPeers: 2)).code == nil)
    }
}

/// One connection per peer: the newer replaces the older, and when two nodes dial each other at
/// once the one dialed by the smaller node id stays on both sides.
@Suite struct OneConnectionPerPeerTests {
    let small = Hash256.of([1]), large = Hash256.of([2])

    @Test func theNewerConnectionInTheSameDirectionWins() {
        #expect(HelloRules.newConnectionWins(existingDialedBySelf: true, newDialedBySelf: true, selfID: small, peer: large))
        #expect(HelloRules.newConnectionWins(existingDialedBySelf: false, newDialedBySelf: false, selfID: small, peer: large))
    }

    @Test func bothSidesKeepTheConnectionDialedByTheSmallerID() {
        let smaller = small < large ? small : large, larger = small < large ? large : small
        // At the smaller node: its own dial (outbound) stays, whichever came first.
        #expect(HelloRules.newConnectionWins(existingDialedBySelf: false, newDialedBySelf: true, selfID: smaller, peer: larger))
        #expect(!HelloRules.newConnectionWins(existingDialedBySelf: true, newDialedBySelf: false, selfID: smaller, peer: larger))
        // At the larger node: the smaller node's dial (inbound) stays.
        #expect(HelloRules.newConnectionWins(existingDialedBySelf: true, newDialedBySelf: false, selfID: larger, peer: smaller))
        #expect(!HelloRules.newConnectionWins(existingDialedBySelf: false, newDialedBySelf: true, selfID: larger, peer: smaller))
    }
}

extension Result where Failure == HelloRefusal {
    /// The refusal's code, or nil when admitted.
    var code: ErrorCode? {
        if case .failure(let refusal) = self { return refusal.code }
        return nil
    }
}
