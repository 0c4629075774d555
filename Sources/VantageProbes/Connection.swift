import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One TCP (and optionally TLS) connection of a probe, with what happened at each stage. SwiftNIO
/// does the IO; this type only records when each stage finished and how it failed.
struct Connection {
    /// Where a connection stopped.
    enum Stage: String, Sendable { case tcp, tls, http }

    /// How a stage failed.
    enum Failure: Sendable, Equatable {
        case refused, timeout, reset, certificate(String), other(String)
    }

    /// What a connection saw.
    struct Report: Sendable {
        var connectMs: Int64?
        var handshakeMs: Int64?
        var failure: (stage: Stage, failure: Failure)?
        /// Bytes received after the handshake, and the first `keep` of them.
        var bytes = 0
        var head: [UInt8] = []
        /// From the first byte written (the request) to the end of reading.
        var readMs: Int64 = 0
        var readTimedOut = false
    }

    /// How long to wait for a reset after connecting, when there is nothing to send.
    static let quietReadMs: Int64 = 300

    struct Timeout: Error {}
    struct ClosedBeforeHandshake: Error {}

    /// Connects to `address:port`, shakes hands with SNI `host` when `tls` is given, writes
    /// `request` and reads until the peer closes, `readLimit` bytes, or the timeout.
    static func run(address: String, port: Int, host: String, tls: TLSConfiguration?, request: [UInt8]?,
                    readLimit: Int, keep: Int, timeoutMs: Int64, quietMs: Int64 = quietReadMs) async -> Report {
        var report = Report()
        let started = ContinuousClock.now
        func elapsed() -> Int64 { Int64((ContinuousClock.now - started) / .milliseconds(1)) }
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: address, port: port)
        } catch {
            report.failure = (.tcp, .other("'\(address)' is not an IP address"))
            return report
        }
        let sslContext: NIOSSLContext?
        do {
            sslContext = try tls.map(NIOSSLContext.init(configuration:))
        } catch {
            report.failure = (.tls, .other("TLS configuration: \(error)"))
            return report
        }
        struct Opened: @unchecked Sendable {
            var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            var handshake: EventLoopPromise<Void>
        }
        let opened: Opened
        do {
            opened = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(timeoutMs))
                .connect(to: socketAddress) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handshake = channel.eventLoop.makePromise(of: Void.self)
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: ProbeURL.isIPAddress(host) ? nil : host))
                            try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(handshake))
                        } else {
                            handshake.succeed(())
                        }
                        return Opened(channel: try NIOAsyncChannel(wrappingChannelSynchronously: channel), handshake: handshake)
                    }
                }
        } catch {
            report.failure = (.tcp, classify(error, stage: .tcp))
            return report
        }
        report.connectMs = elapsed()
        let channel = opened.channel.channel
        if tls != nil {
            let timer = channel.eventLoop.scheduleTask(in: .milliseconds(timeoutMs)) { opened.handshake.fail(Timeout()) }
            do {
                try await opened.handshake.futureResult.get()
                timer.cancel()
                report.handshakeMs = elapsed() - report.connectMs!
            } catch {
                report.failure = (.tls, classify(error, stage: .tls))
                try? await channel.close()
                return report
            }
        }
        let timedOut = LockedFlag()
        let readTimeout = request == nil ? quietMs : timeoutMs
        let reading = ContinuousClock.now
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(readTimeout)) {
            _ = timedOut.claim()
            channel.close(promise: nil)
        }
        do {
            try await opened.channel.executeThenClose { inbound, outbound in
                if let request { try await outbound.write(ByteBuffer(bytes: request)) }
                for try await buffer in inbound {
                    report.bytes += buffer.readableBytes
                    if report.head.count < keep { report.head += buffer.readableBytesView.prefix(keep - report.head.count) }
                    if report.bytes >= readLimit { break }
                }
            }
        } catch where !timedOut.isSet {
            let failure = classify(error, stage: request == nil ? .tcp : .http)
            // A TLS peer that closes without close_notify still delivered what it sent.
            if !(failure == .other("uncleanShutdown") && report.bytes > 0) {
                report.failure = (request == nil ? .tcp : .http, failure)
            }
        } catch {}
        timer.cancel()
        report.readMs = Int64((ContinuousClock.now - reading) / .milliseconds(1))
        report.readTimedOut = timedOut.isSet
        return report
    }

    /// Names the failure of `stage` from a SwiftNIO or BoringSSL error.
    static func classify(_ error: Error, stage: Stage) -> Failure {
        if error is Timeout { return .timeout }
        if case ChannelError.connectTimeout = error { return .timeout }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return .refused
            case ECONNRESET, EPIPE: return .reset
            case ETIMEDOUT, EHOSTUNREACH, ENETUNREACH: return .timeout
            default: return .other("errno \(io.errnoCode)")
            }
        }
        if error is ClosedBeforeHandshake { return .reset }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname { return .certificate("certificate is not for this name") }
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .uncleanShutdown: return stage == .tls ? .reset : .other("uncleanShutdown")
            case .handshakeFailed(let inner):
                let text = "\(inner)"
                if text.contains("CERTIFICATE_VERIFY_FAILED") { return .certificate("certificate does not verify") }
                if text.contains("eofDuringHandshake") || text.contains("eofDuringAdditionalCertficiateChainValidation") { return .reset }
                return .other("handshake failed: \(text.prefix(160))")
            default: return .other("\(ssl)")
            }
        }
        return .other("\(error)".prefix(200).description)
    }
}

/// Completes a promise when the TLS handshake completes, fails it when the connection fails first.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let promise: EventLoopPromise<Void>

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { promise.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(Connection.ClosedBeforeHandshake())
        context.fireChannelInactive()
    }
}
