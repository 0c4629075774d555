import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import VantageIdentity
import VantageWire
import X509

/// One connection's life: send Hello, read the peer's Hello within the deadline, authorize, then
/// hand every frame to the handler until the connection ends.
extension MeshTransport {
    /// Serves a connection whose slot is reserved (with a handshake slot for `handshakeFrom`,
    /// when inbound); releases both.
    func serve(_ opened: OpenChannel, dialedAddress: String?, handshakeFrom address: String?) async {
        let handshake = NIOLockedValueBox(true)
        let endHandshake = { @Sendable in
            if handshake.withLockedValue({ let was = $0; $0 = false; return was }) { self.slots.handshakeEnded(from: address) }
        }
        defer {
            endHandshake()
            slots.closed()
        }
        let channel = opened.channel.channel
        let remote = channel.remoteAddress?.description ?? dialedAddress ?? "unknown"
        var connection: PeerConnection?
        do {
            try await opened.channel.executeThenClose { inbound, outbound in
                // Neither end sends anything of itself before it knows whom it reached: the dialer
                // checks the node it reached; a listener answers a client without a certificate
                // with the cover page (`CoverPage`) and never with a frame.
                try await opened.handshake.get()
                if let dialedAddress {
                    try await handler.mayGreet(self.peerIdentity(of: channel), dialed: dialedAddress).get()
                } else if (try? await channel.nioSSL_peerCertificate().get()) == nil {
                    // No certificate (or the page was served and the connection is gone already):
                    // a web client, served from a small pool of its own within a short deadline.
                    endHandshake()
                    if let refusal = slots.reserveCoverClient() {
                        try? await channel.close()
                        throw refusal
                    }
                    defer { slots.coverClientEnded() }
                    let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(settings.coverTimeoutMs)) { channel.close(promise: nil) }
                    try? await channel.closeFuture.get()
                    deadline.cancel()
                    throw TransportError.coverPage
                }
                let helloMessage = await self.hello()
                var frames = inbound.makeAsyncIterator()
                do {
                    try await outbound.write(Frame.with { $0.hello = helloMessage })
                } catch {
                    // A failed TLS handshake closes the channel under the Hello waiting to be
                    // written; the inbound side names the handshake's failure, which is the cause.
                    _ = try await frames.next()
                    throw error
                }
                let peer = try await self.admit(try await frames.next(), channel: channel, outbound: outbound)
                try? await channel.pipeline.removeHandler(name: TimeoutHandler.helloDeadlineName)  // fails only when already closed
                endHandshake()
                let number = numbers.withLockedValue { $0 += 1; return $0 }
                let open = PeerConnection(number: number, peer: peer, dialedAddress: dialedAddress, remote: remote,
                                          bytes: opened.bytes, channel: channel, maxQueuedFrames: settings.maxQueuedFrames)
                connection = open
                await handler.opened(open)
                while let frame = try await frames.next() {
                    await handler.received(frame, on: open)
                }
            }
            if let connection { await handler.closed(connection, error: nil) }
        } catch {
            var reason: any Error = connection == nil && opened.helloTimedOut.withLockedValue({ $0 }) ? TransportError.helloTimeout : error
            if let tls = reason as? NIOSSLError { reason = TransportError.tls(tls) }
            if let connection {
                await handler.closed(connection, error: reason)
            } else {
                await handler.failedBeforeHello(remote: remote, dialedAddress: dialedAddress, error: reason)
            }
        }
    }

    /// Checks the first frame: a Hello whose node id is the TLS key's, accepted by the handler.
    private func admit(_ first: Frame?, channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<Frame>) async throws -> AdmittedPeer {
        guard let first else { throw TransportError.helloTimeout }
        guard case .hello(let hello) = first.body else {
            try? await outbound.write(Frame.error(.malformed, "expected Hello as the first frame"))
            throw TransportError.expectedHello
        }
        switch await handler.authorize(hello, peer: try await peerIdentity(of: channel)) {
        case .success(let peer):
            return peer
        case .failure(let error):
            if case .refused(let code, let message) = error {
                try? await outbound.write(Frame.error(code, message))
            }
            throw error
        }
    }
}

extension MeshTransport {
    /// The node id and P-256 key of the peer's TLS certificate.
    func peerIdentity(of channel: any Channel) async throws -> TLSPeer {
        guard let certificate = try await channel.nioSSL_peerCertificate().get(),
              let peer = try? Certificate(derEncoded: certificate.toDERBytes()).tlsPeer else {
            throw TransportError.noPeerKey
        }
        return peer
    }
}

extension Frame {
    /// An Error frame that lists the supported versions.
    public static func error(_ code: ErrorCode, _ message: String) -> Frame {
        Frame.with {
            $0.error = ErrorFrame.with {
                $0.code = code
                $0.message = message
                $0.supportedVersions = ProtocolVersion.supported
            }
        }
    }
}
