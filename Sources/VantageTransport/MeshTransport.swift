import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import VantageIdentity
import VantageWire
import X509

/// Mutual-TLS connections between nodes: a listener, a dialer, and for every connection the
/// Hello exchange, then frames handed to the `ConnectionHandler` in order.
public final class MeshTransport: Sendable {
    /// An accepted or dialed channel before Hello, with its byte counter.
    public struct OpenChannel: Sendable {
        let channel: NIOAsyncChannel<Frame, Frame>
        let bytes: ByteCounter
        /// True once the Hello deadline passed.
        let helloTimedOut: NIOLockedValueBox<Bool>
        /// Completed when the TLS handshake is done.
        let handshake: EventLoopFuture<Void>
    }

    /// A bound listener.
    public struct Listener: Sendable {
        let server: NIOAsyncChannel<OpenChannel, Never>
        /// The port actually bound (useful with port 0).
        public let port: Int
    }

    let settings: TransportSettings
    let serverContext: NIOSSLContext
    let clientContext: NIOSSLContext
    let group: any EventLoopGroup
    let handler: any ConnectionHandler
    let hello: @Sendable () async -> Hello
    let slots: ConnectionSlots
    let numbers = NIOLockedValueBox<UInt64>(0)

    /// A transport with the node's TLS identity; `hello` gives the Hello to send on each connection.
    public init(identity: TLSIdentity, settings: TransportSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                handler: any ConnectionHandler, hello: @escaping @Sendable () async -> Hello) throws {
        self.settings = settings
        slots = ConnectionSlots(settings: settings)
        serverContext = try NIOSSLContext(configuration: identity.serverConfiguration)
        clientContext = try NIOSSLContext(configuration: identity.clientConfiguration)
        self.group = group
        self.handler = handler
        self.hello = hello
    }

    /// Number of connections open now, inbound and outbound.
    public var activeConnections: Int { slots.open }

    /// Binds the listener on `host:port` (port 0 picks a free one).
    public func listen(host: String, port: Int) async throws -> Listener {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: TransportSettings.listenBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.configure(channel, tls: NIOSSLServerHandler(context: self.serverContext),
                                       cover: CoverPage(page: self.settings.coverPage))
                }
            }
        return Listener(server: server, port: server.channel.localAddress?.port ?? port)
    }

    /// Accepts connections until the task is cancelled; each is served in its own child task.
    public func run(_ listener: Listener) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.server.executeThenClose { inbound in
                for try await accepted in inbound {
                    let address = accepted.channel.channel.remoteAddress
                    let ip = address?.ipAddress ?? "unknown"
                    if let refusal = self.slots.reserve(handshakeFrom: ip) {
                        try? await accepted.channel.executeThenClose { _, _ in }
                        await self.handler.failedBeforeHello(remote: address?.description ?? ip, dialedAddress: nil, error: refusal)
                        continue
                    }
                    group.addTask { await self.serve(accepted, dialedAddress: nil, handshakeFrom: ip) }
                }
            }
        }
    }

    /// Dials `address` ("host:port") and serves the connection until it ends; `serverName` is
    /// the SNI its ClientHello carries (the campaign's cover name), none when nil.
    public func dialAndServe(_ address: String, serverName: String? = nil) async {
        if let refusal = slots.reserve(handshakeFrom: nil) {
            await handler.failedBeforeHello(remote: address, dialedAddress: address, error: refusal)
            return
        }
        do {
            let (host, port) = try Self.split(address)
            let opened = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(settings.connectTimeoutMs))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try self.configure(channel, tls: NIOSSLClientHandler(context: self.clientContext, serverHostname: serverName))
                    }
                }
            await serve(opened, dialedAddress: address, handshakeFrom: nil)
        } catch {
            slots.closed()
            await handler.failedBeforeHello(remote: address, dialedAddress: address, error: error)
        }
    }

    /// Splits "host:port"; port 0 (any free port) only when listening.
    public static func split(_ address: String, allowingPortZero: Bool = false) throws -> (String, Int) {
        guard let parts = NodeProfile.splitHostPort(address, allowingPortZero: allowingPortZero) else {
            throw TransportError.badAddress(address)
        }
        return parts
    }

    private func configure(_ channel: any Channel, tls: some ChannelHandler, cover: CoverPage? = nil) throws -> OpenChannel {
        let bytes = ByteCounter()
        let deadline = TimeoutHandler.helloDeadline(timeoutMs: settings.helloTimeoutMs)
        let done = HandshakeDone(promise: channel.eventLoop.makePromise())
        try channel.pipeline.syncOperations.addHandler(deadline, name: TimeoutHandler.helloDeadlineName)
        try channel.pipeline.syncOperations.addHandler(tls)
        try channel.pipeline.syncOperations.addHandler(done)
        if let cover { try channel.pipeline.syncOperations.addHandler(cover) }
        try channel.pipeline.syncOperations.addHandlers([
            TimeoutHandler.idle(timeoutMs: settings.idleTimeoutMs),
            FrameEncodingHandler(limits: settings.wire, counter: bytes, maxQueuedBytes: settings.maxQueuedBytes),
            FrameDecodingHandler(limits: settings.wire, counter: bytes, frameTimeoutMs: settings.frameTimeoutMs),
        ])
        return OpenChannel(channel: try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), bytes: bytes,
                           helloTimedOut: deadline.fired, handshake: done.promise.futureResult)
    }
}
