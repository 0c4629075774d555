import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// Why a peer is refused at Hello: the code its Error frame carries and a message for it and the log.
public struct HelloRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The code sent to the peer.
    public var code: ErrorCode
    /// What was wrong, naming the peer where it helps.
    public var message: String

    /// A refusal with its code and message.
    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "refused (\(code)): \(message)" }
}

/// The Hello rules of protocol/SPEC.md §7.3, as pure functions of the Hello, the TLS peer's key,
/// the ledger and the clock. A shell checks `identity` first, inserts the enrollment the Hello
/// carries (so a new node joins without touching running ones), then checks `standing`.
public enum HelloRules {
    /// What the shell knows of its connections when a peer says Hello.
    public struct Connections: Sendable {
        /// True when this peer is connected already (a second connection replaces no slot).
        public var peerConnected: Bool
        /// Peers connected now.
        public var count: Int
        /// Most peers connected at once (`max_peers`).
        public var maxPeers: Int

        /// The connection state at Hello.
        public init(peerConnected: Bool, count: Int, maxPeers: Int) {
            self.peerConnected = peerConnected
            self.count = count
            self.maxPeers = maxPeers
        }
    }

    /// A common protocol version, this mesh, the node id the TLS certificate names, and not this
    /// node. Returns the peer's node id.
    public static func identity(_ hello: Hello, peer: TLSPeer, meshID: Hash256, selfID: NodeID) -> Result<NodeID, HelloRefusal> {
        guard hello.supportedVersions.contains(ProtocolVersion.current) || hello.protocolVersion == ProtocolVersion.current else {
            return .failure(HelloRefusal(.unsupportedVersion, "no common protocol version; this node speaks \(ProtocolVersion.supported)"))
        }
        guard Hash256(bytes: hello.meshID) == meshID else {
            return .failure(HelloRefusal(.wrongMesh, "this node belongs to mesh \(meshID.short)"))
        }
        guard let claimed = Hash256(bytes: hello.nodeID), claimed == peer.id else {
            return .failure(HelloRefusal(.keyMismatch, "the Hello's node id is not the one the TLS certificate names"))
        }
        guard claimed != selfID else { return .failure(HelloRefusal(.unknownPeer, "a node does not connect to itself")) }
        return .success(claimed)
    }

    /// Not revoked, enrolled now with an enrollment that binds the certificate's TLS key, not
    /// excluded for equivocation, and a free peer slot. Returns the ASN of that enrollment.
    public static func standing(of peer: NodeID, tlsKey: Data, in ledger: Ledger, nowMs: Int64, connections: Connections) -> Result<UInt32, HelloRefusal> {
        if ledger.isCutByRevocation(peer, seq: nil, createdMs: nowMs) {
            return .failure(HelloRefusal(.revoked, "node \(peer.short) is revoked"))
        }
        guard let enrollment = ledger.enrollment(of: peer, coveringMs: nowMs) else {
            if ledger.enrollments(of: peer).isEmpty {
                return .failure(HelloRefusal(.unknownPeer, "node \(peer.short) is not enrolled in this mesh"))
            }
            return .failure(HelloRefusal(.expired, "the enrollment of node \(peer.short) does not cover now"))
        }
        guard enrollment.record.tlsPublicKey == tlsKey else {
            return .failure(HelloRefusal(.keyMismatch, "the TLS certificate's key is not the one node \(peer.short)'s enrollment binds"))
        }
        if ledger.excluded.contains(peer) {
            return .failure(HelloRefusal(.revoked, "node \(peer.short) is excluded for equivocation"))
        }
        if !connections.peerConnected, connections.count >= connections.maxPeers {
            return .failure(HelloRefusal(.busy, "this node already has \(connections.maxPeers) peers connected (max_peers)"))
        }
        return .success(enrollment.record.asn)
    }
}

extension HelloRules {
    /// Which of two connections to one peer stays (one connection per peer, SPEC §7.3): when the
    /// two nodes dialed each other at once, the one dialed by the smaller node id; otherwise the
    /// newer. True when the new connection replaces the existing one.
    public static func newConnectionWins(existingDialedBySelf: Bool, newDialedBySelf: Bool, selfID: NodeID, peer: NodeID) -> Bool {
        guard existingDialedBySelf != newDialedBySelf else { return true }
        return newDialedBySelf == (selfID < peer)
    }
}
