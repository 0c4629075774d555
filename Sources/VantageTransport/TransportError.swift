import NIOSSL
import VantageWire

/// Why a connection ended or was refused. The message names the reason for logs and metrics.
public enum TransportError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Nothing arrived for the idle timeout.
    case idle
    /// TLS and Hello did not complete in time.
    case helloTimeout
    /// The first frame was not a Hello.
    case expectedHello
    /// The peer was refused at Hello, with the code sent to it.
    case refused(ErrorCode, String)
    /// The peer sent an Error frame.
    case peerError(ErrorCode, String)
    /// Too many connections already.
    case tooManyConnections(Int)
    /// Too many connections from one address are still in their handshake.
    case tooManyHandshakes(address: String, limit: Int)
    /// A frame began but did not arrive whole in time.
    case frameTimeout(Int64)
    /// The peer's certificate names no node id or holds a key that is not P-256.
    case noPeerKey
    /// A client without a certificate was answered with the cover page: not a mesh peer.
    case coverPage
    /// An address could not be parsed.
    case badAddress(String)
    /// The TLS handshake failed: no client certificate, one from another CA, a protocol error…
    case tlsHandshake(String)
    /// The peer left more than this many bytes of frames unread.
    case slowReader(Int)
    /// The node dialed is not one this node greets (a relay address answered by another key, a
    /// revoked or excluded node): nothing of this node was sent to it.
    case unexpectedPeer(String)

    public var description: String {
        switch self {
        case .idle: return "idle timeout"
        case .helloTimeout: return "TLS handshake and Hello not completed in time"
        case .expectedHello: return "first frame was not a Hello"
        case .refused(let code, let message): return "refused (\(code)): \(message)"
        case .peerError(let code, let message): return "peer sent error (\(code)): \(message)"
        case .tooManyConnections(let limit): return "connection limit of \(limit) reached"
        case .tooManyHandshakes(let address, let limit):
            return "\(limit) connections from \(address) are already in their handshake (connection flood?)"
        case .frameTimeout(let ms): return "a frame was not completed within \(ms) ms of its first byte (slow-loris?)"
        case .noPeerKey: return "peer certificate names no node id with a P-256 key"
        case .coverPage: return "a client without a mesh certificate was served the cover page"
        case .badAddress(let address): return "'\(address)' is not HOST:PORT"
        case .tlsHandshake(let reason): return "TLS handshake failed: \(reason)"
        case .slowReader(let limit): return "the peer left more than \(limit) bytes unread (max_queued_bytes)"
        case .unexpectedPeer(let reason): return "not greeted: \(reason)"
        }
    }

    /// A short label for metrics.
    public var label: String {
        switch self {
        case .idle: return "idle"
        case .helloTimeout: return "hello_timeout"
        case .expectedHello: return "expected_hello"
        case .refused(let code, _): return "refused_\(code)"
        case .peerError: return "peer_error"
        case .tooManyConnections: return "too_many_connections"
        case .tooManyHandshakes: return "too_many_handshakes"
        case .frameTimeout: return "frame_timeout"
        case .noPeerKey: return "no_peer_key"
        case .coverPage: return "cover_page"
        case .badAddress: return "bad_address"
        case .tlsHandshake: return "tls_handshake"
        case .slowReader: return "slow_reader"
        case .unexpectedPeer: return "unexpected_peer"
        }
    }
}

extension TransportError {
    /// A TLS failure named by BoringSSL's reason (e.g. `CERTIFICATE_VERIFY_FAILED`) when it gives one.
    static func tls(_ error: NIOSSLError) -> TransportError {
        let text = "\(error)"
        guard let range = text.range(of: "OPENSSL_internal:") else { return .tlsHandshake(text) }
        let reason = text[range.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
        return .tlsHandshake(reason.isEmpty ? text : String(reason))
    }
}
