import VantageIdentity
import VantageWire

/// What the gossip state machine asks its shell to do. The shell performs every case, in order.
public enum GossipDirective: Sendable {
    /// Send a frame to a connected peer.
    case send(Frame, to: NodeID)
    /// Verify, persist and insert the facts of a delta received from a peer.
    case apply(Delta, from: NodeID)
    /// Open a connection to an address (from --join or an enrollment's advertised address).
    case dial(String)
    /// Close the connection to a peer.
    case disconnect(NodeID, reason: String)
    /// An exchange ended; for logs and metrics.
    case exchangeEnded(NodeID, ExchangeOutcome)
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
