import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// A web server on 127.0.0.1 that misbehaves on purpose, per host name, for probe tests: it can
/// answer normally, reset right after the ClientHello (SNI filtering), stall, trickle bytes
/// (throttling), present a certificate for the wrong name, or serve a block page. Behaviours can
/// change while it runs. With `tls: false` it speaks plain HTTP and picks by the Host header.
public final class WebFixture: @unchecked Sendable {
    /// What the fixture does for one host name.
    public enum Behaviour: Sendable, Equatable {
        /// 200 with this body.
        case serve(String)
        /// This status with a short body.
        case status(Int)
        /// Reset the connection as soon as the ClientHello (or, plain, the request) arrives.
        case reset
        /// Accept and never answer (no handshake, or no response).
        case stall
        /// 200 with `total` bytes sent at about `bytesPerSecond`.
        case trickle(bytesPerSecond: Int, total: Int)
        /// Shake hands with a certificate for another name (TLS only), then serve.
        case wrongCertificate
        /// 200 with the request's head (request line and headers) as the body.
        case echoRequest
        /// This 3xx status with a Location header.
        case redirect(Int, to: String)
        /// 200 with this body in chunked transfer encoding, a few bytes per chunk.
        case chunked(String)
    }

    /// The port it listens on.
    public let port: Int
    /// Its certificates (TLS mode); trust `certificates.trusted` in the probe under test.
    public let certificates: FixtureCertificates
    private let channel: Channel
    private let lock = NSLock()
    private var behaviours: [String: Behaviour]
    private let fallback: Behaviour

    /// Starts the fixture for `names` (all served with `fallback` until told otherwise).
    public init(names: [String], tls: Bool = true, fallback: Behaviour = .serve("hello from the fixture")) async throws {
        let certificates = try FixtureCertificates(names: names)
        self.certificates = certificates
        self.fallback = fallback
        behaviours = [:]
        let right = try certificates.serverContext(wrongName: false)
        let wrong = try certificates.serverContext(wrongName: true)
        let box = WeakReference<WebFixture>()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard let fixture = box.target else { return channel.close() }
                if !tls {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(FixtureResponder(name: nil, behaviour: fixture.behaviour))
                    }
                }
                return channel.pipeline.addHandler(ByteToMessageHandler(SNIHandler { result in
                    let name: String
                    if case .hostname(let host) = result { name = host } else { name = "" }
                    let behaviour = fixture.behaviour(for: name)
                    switch behaviour {
                    case .reset:
                        return FixtureResponder.reset(channel)
                    case .stall:
                        return channel.pipeline.addHandler(Swallower())
                    default:
                        return channel.eventLoop.makeCompletedFuture {
                            let context = behaviour == .wrongCertificate ? wrong : right
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                            try channel.pipeline.syncOperations.addHandler(FixtureResponder(name: name, behaviour: fixture.behaviour))
                        }
                    }
                }))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
        box.target = self
    }

    /// Changes what the fixture does for `name`.
    public func set(_ name: String, _ behaviour: Behaviour) {
        lock.lock()
        behaviours[name] = behaviour
        lock.unlock()
    }

    /// What the fixture does for `name` now.
    public func behaviour(for name: String) -> Behaviour {
        lock.lock()
        defer { lock.unlock() }
        return behaviours[name] ?? fallback
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }
}

/// Reads the request and answers as the behaviour says.
final class FixtureResponder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let name: String?
    private let behaviour: (String) -> WebFixture.Behaviour
    private var request: [UInt8] = []
    private var answered = false

    init(name: String?, behaviour: @escaping (String) -> WebFixture.Behaviour) {
        self.name = name
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        request += unwrapInboundIn(data).readableBytesView
        guard !answered, let end = request.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
        answered = true
        let head = String(decoding: request[..<end.lowerBound], as: UTF8.self)
        let host = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("host:") }
            .map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? "" } ?? ""
        switch behaviour(name ?? host) {
        case .serve(let body): respond(context, status: 200, body: Array(body.utf8))
        case .echoRequest: respond(context, status: 200, body: Array(head.utf8))
        case .redirect(let code, let location): respond(context, status: code, body: Array("moved".utf8), headers: "Location: \(location)\r\n")
        case .chunked(let body):
            var buffer = context.channel.allocator.buffer(capacity: body.utf8.count * 2 + 128)
            buffer.writeString("HTTP/1.1 200 Fixture\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            var rest = Substring(body)
            while !rest.isEmpty {
                let piece = rest.prefix(7)
                rest = rest.dropFirst(piece.count)
                buffer.writeString(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n")
            }
            buffer.writeString("0\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in context.close(promise: nil) }
        case .status(let code): respond(context, status: code, body: Array("status \(code)".utf8))
        case .wrongCertificate: respond(context, status: 200, body: Array("served with the wrong certificate".utf8))
        case .reset: _ = Self.reset(context.channel)
        case .stall: break
        case .trickle(let rate, let total): trickle(context, rate: rate, total: total)
        }
    }

    private func respond(_ context: ChannelHandlerContext, status: Int, body: [UInt8], headers: String = "") {
        var buffer = context.channel.allocator.buffer(capacity: body.count + 128)
        buffer.writeString("HTTP/1.1 \(status) Fixture\r\n\(headers)Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(body)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in context.close(promise: nil) }
    }

    /// Sends `total` bytes in tenths of a second, `rate / 10` bytes at a time.
    private func trickle(_ context: ChannelHandlerContext, rate: Int, total: Int) {
        var head = context.channel.allocator.buffer(capacity: 128)
        head.writeString("HTTP/1.1 200 Fixture\r\nContent-Length: \(total)\r\nConnection: close\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(head), promise: nil)
        let chunk = max(1, rate / 10)
        var sent = 0
        let loop = context.eventLoop
        let channel = context.channel
        func next() {
            guard channel.isActive else { return }
            let count = min(chunk, total - sent)
            sent += count
            channel.writeAndFlush(ByteBuffer(repeating: UInt8(ascii: "x"), count: count)).whenComplete { _ in
                if sent >= total { channel.close(promise: nil) } else { loop.scheduleTask(in: .milliseconds(100)) { next() } }
            }
        }
        next()
    }

    /// Closes with SO_LINGER 0, so the peer sees a reset (RST), not an orderly close.
    static func reset(_ channel: Channel) -> EventLoopFuture<Void> {
        guard let provider = channel as? SocketOptionProvider else { return channel.close() }
        return provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).flatMap { channel.close() }
    }
}

/// Takes everything and answers nothing.
final class Swallower: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
