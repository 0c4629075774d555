import Foundation
import NIOConcurrencyHelpers
import NIOCore
import VantageIdentity
import VantageWire

/// Who a peer is, once its certificate and Hello were accepted.
public struct AdmittedPeer: Sendable, Equatable {
    /// The peer's node id (SHA-256 of its certificate's key).
    public var id: NodeID
    /// The peer's ASN, from its enrollment.
    public var asn: UInt32

    /// A peer identity.
    public init(id: NodeID, asn: UInt32) {
        self.id = id
        self.asn = asn
    }
}

/// An open, authenticated connection to a peer. Sending never blocks: frames are queued in NIO,
/// and a peer that leaves more than `maxQueuedFrames` unread is disconnected.
public final class PeerConnection: Sendable {
    /// A number unique within this process, to tell connections to the same peer apart.
    public let number: UInt64
    /// The peer.
    public let peer: AdmittedPeer
    /// The address this node dialed, or nil for an inbound connection.
    public let dialedAddress: String?
    /// The remote socket address, for logs.
    public let remote: String
    /// Bytes received and sent.
    public let bytes: ByteCounter
    private let channel: any Channel
    private let queued = NIOLockedValueBox(0)
    private let maxQueuedFrames: Int

    init(number: UInt64, peer: AdmittedPeer, dialedAddress: String?, remote: String, bytes: ByteCounter, channel: any Channel,
         maxQueuedFrames: Int) {
        self.number = number
        self.peer = peer
        self.dialedAddress = dialedAddress
        self.remote = remote
        self.bytes = bytes
        self.channel = channel
        self.maxQueuedFrames = maxQueuedFrames
    }

    /// Queues a frame for the peer.
    public func send(_ frame: Frame) {
        let count = queued.withLockedValue { $0 += 1; return $0 }
        guard count <= maxQueuedFrames else {
            channel.close(promise: nil)
            return
        }
        channel.writeAndFlush(frame).whenComplete { [queued] _ in
            queued.withLockedValue { $0 -= 1 }
        }
    }

    /// Closes the connection.
    public func close() {
        channel.close(promise: nil)
    }
}

/// What the transport asks of the node that owns it. Every call for one connection comes in order.
public protocol ConnectionHandler: Sendable {
    /// Decides, once the TLS handshake of a connection this node dialed to `address` is done,
    /// whether to send its Hello (and enrollment) to the node whose certificate is `peer`:
    /// nothing of this node is sent before.
    func mayGreet(_ peer: TLSPeer, dialed address: String) async -> Result<Void, TransportError>
    /// Decides whether a peer whose certificate is `peer` and that sent `hello` may stay.
    func authorize(_ hello: Hello, peer: TLSPeer) async -> Result<AdmittedPeer, TransportError>
    /// A connection passed Hello.
    func opened(_ connection: PeerConnection) async
    /// A frame arrived on an open connection.
    func received(_ frame: Frame, on connection: PeerConnection) async
    /// An open connection ended; `error` says why when it did not end cleanly.
    func closed(_ connection: PeerConnection, error: (any Error)?) async
    /// A connection ended before Hello completed (TLS failure, timeout, refusal).
    func failedBeforeHello(remote: String, dialedAddress: String?, error: any Error) async
}
