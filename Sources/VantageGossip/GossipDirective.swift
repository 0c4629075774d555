import VantageIdentity
import VantageWire

/// What the gossip state machine asks its shell to do. The shell performs every case, in order.
public enum GossipDirective: Sendable {
    /// Send a frame to a connected peer.
    case send(Frame, to: NodeID)
    /// Verify, insert and commit the facts of a delta received from a peer, then tell the machine
    /// what happened (`onApplied`).
    case apply(Delta, from: NodeID)
    /// Open a connection to an address (from --join or the campaign's relays).
    case dial(String)
    /// Close the connection to a peer.
    case disconnect(NodeID, reason: DisconnectReason)
    /// An exchange ended; for logs and metrics.
    case exchangeEnded(NodeID, ExchangeOutcome)
    /// A request of the peer was not answered: it asked for more deltas in one gossip interval
    /// than `max_answers_per_interval`; for logs and metrics.
    case rateLimited(NodeID)
    /// The peer sent this many batches of logs this node does not keep (SPEC §7.4); they were
    /// dropped. For logs and metrics.
    case outOfTier(NodeID, count: Int)
    /// Raw batches the peer sent in answer to a `Want` of evidence: for whoever asked, not the ledger.
    case evidence([Envelope], from: NodeID)
    /// A relay was asked for raw batches it does not hold (SPEC §7.5): ask the archivers and origins
    /// it is connected to, and send the peer what arrives.
    case forwardEvidence([WantRange], for: NodeID)
}

/// How an anti-entropy exchange ended.
public enum ExchangeOutcome: Sendable, Equatable {
    /// Digests were equal: nothing to send.
    case inSync
    /// Deltas went both ways.
    case synced
    /// The peer did not answer in time, sent an error, or went away.
    case failed(String)
}

/// Why the gossip machine drops a peer.
public enum DisconnectReason: Sendable, Equatable, CustomStringConvertible {
    /// A frame whose type this node does not know.
    case unknownFrame
    /// A Hello after the connection's first frame.
    case secondHello
    /// A version vector that cannot be read.
    case malformedVector
    /// The peer sent an Error frame with this code.
    case peerError(String)

    public var description: String {
        switch self {
        case .unknownFrame: return "frame of unknown type"
        case .secondHello: return "a second Hello"
        case .malformedVector: return "malformed version vector"
        case .peerError(let code): return "peer sent error \(code)"
        }
    }

    /// A short label for metrics.
    public var label: String {
        switch self {
        case .unknownFrame: return "unknown_frame"
        case .secondHello: return "second_hello"
        case .malformedVector: return "malformed_vector"
        case .peerError: return "peer_error"
        }
    }
}
