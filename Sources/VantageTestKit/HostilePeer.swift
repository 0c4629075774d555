import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import VantageIdentity
import VantageTransport
import VantageWire

/// A peer under a test's control: a real connection to an agent, over mutual TLS with a node
/// folder's certificate (or plain TCP), that writes whatever the test gives it — well-formed frames
/// or not — and records the frames that come back and when the agent closes.
public final class HostilePeer: Sendable {
    private let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Opens a mutual-TLS connection to `127.0.0.1:port` presenting `node`'s certificate and key.
    public static func connect(port: Int, as node: NodeDirectory) async throws -> HostilePeer {
        let context = try NIOSSLContext(configuration: TLSIdentity(node: node).clientConfiguration)
        return try await open(port: port, source: nil) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
        }
    }

    /// Opens a TLS connection to `127.0.0.1:port` from `source` as a web client would: no client
    /// certificate, the server's not checked (as `curl -k`); `tlsDone` says when the handshake ended.
    public static func connectWebClient(port: Int, from source: String = "127.0.0.1") async throws -> HostilePeer {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        return try await open(port: port, source: source) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: "www.example.org"))
        }
    }

    /// Opens a plain TCP connection to `127.0.0.1:port` from `source` (any 127.x.y.z address),
    /// for floods and handshakes that never complete.
    public static func connectTCP(port: Int, from source: String = "127.0.0.1") async throws -> HostilePeer {
        try await open(port: port, source: source) { _ in }
    }

    private static func open(port: Int, source: String?, configure: @escaping @Sendable (any Channel) throws -> Void) async throws -> HostilePeer {
        let inbox = Inbox()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(5))
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try configure(channel)
                try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
            }
        }.connect(host: "127.0.0.1", port: port).get()
        return HostilePeer(channel: channel, inbox: inbox)
    }

    /// Writes raw bytes.
    public func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Writes one frame with its length prefix (this protocol version unless the frame sets another).
    public func send(_ frame: Frame) async throws {
        try await write(FrameEncoder.encode(frame, limits: WireLimits(maxFrameBytes: 64 << 20)))
    }

    /// Sends the Hello of `node`: its id and enrollment, or what the test makes of them.
    public func sendHello(of node: NodeDirectory, _ change: (inout Hello) throws -> Void = { _ in }) async throws {
        let key = try KeyFile.read(node.keyPath)
        let root = try MeshDescription.read(node.meshDescriptionPath).rootKey(path: node.meshDescriptionPath)
        var hello = Hello.with {
            $0.protocolVersion = ProtocolVersion.current
            $0.supportedVersions = ProtocolVersion.supported
            $0.meshID = Data(root.id.bytes)
            $0.nodeID = Data(key.publicKey.id.bytes)
            $0.timeMs = Date().unixMilliseconds
        }
        if let enrollment = try? RecordFile.readEnvelope(node.enrollmentPath) { hello.enrollment = enrollment }
        try change(&hello)
        try await send(Frame.with { $0.hello = hello })
    }

    /// The frames received so far.
    public var frames: [Frame] { inbox.state.withLockedValue { $0.frames } }

    /// The Error frame received, if any.
    public var error: ErrorFrame? {
        frames.lazy.compactMap { if case .error(let error) = $0.body { return error } else { return nil } }.first
    }

    /// Whether a TLS handshake of this connection completed.
    public var tlsDone: Bool { inbox.state.withLockedValue { $0.tlsDone } }

    /// Whether the agent closed the connection (or it failed).
    public var isClosed: Bool { inbox.state.withLockedValue { $0.closed } }

    /// Waits until the connection is closed; true when it was within `timeout` seconds.
    public func waitUntilClosed(timeout: TimeInterval = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !isClosed && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return isClosed
    }

    /// Waits until a frame satisfying `match` arrived; true when one did within `timeout` seconds.
    public func waitForFrame(timeout: TimeInterval = 20, _ match: (Frame) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !frames.contains(where: match) && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return frames.contains(where: match)
    }

    /// Closes the connection.
    public func close() {
        channel.close(promise: nil)
    }

    /// What arrived: frames decoded from the bytes, and whether the connection ended.
    final class Inbox: Sendable {
        struct State {
            var decoder = FrameDecoder(limits: WireLimits(maxFrameBytes: 64 << 20))
            var frames: [Frame] = []
            var closed = false
            var tlsDone = false
        }
        let state = NIOLockedValueBox(State())
    }

    /// Feeds received bytes to the inbox and marks it closed when the channel ends.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox

        init(inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            inbox.state.withLockedValue { state in
                state.decoder.append(buffer.readableBytesView)
                while let frame = try? state.decoder.next() { state.frames.append(frame) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            inbox.state.withLockedValue { $0.closed = true }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent { inbox.state.withLockedValue { $0.tlsDone = true } }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            inbox.state.withLockedValue { $0.closed = true }
            context.close(promise: nil)
        }
    }
}
