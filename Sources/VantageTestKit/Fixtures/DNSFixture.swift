import Foundation
import NIOCore
import NIOPosix
import VantageProbes

/// A small DNS responder over UDP on 127.0.0.1 that answers each name as told: an address, a bogon
/// address (injection), NXDOMAIN, SERVFAIL, or silence.
public final class DNSFixture: @unchecked Sendable {
    /// The answer for one name.
    public enum Answer: Sendable {
        case address(String), nxdomain, servfail, silence
    }

    /// The port it listens on.
    public let port: Int
    private let channel: Channel
    private let lock = NSLock()
    private var answers: [String: Answer]

    /// Starts the responder; names without an answer get NXDOMAIN.
    public init(answers: [String: Answer]) async throws {
        self.answers = answers
        let box = WeakReference<DNSFixture>()
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Responder(box: box)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
        box.target = self
    }

    /// Changes the answer for `name`.
    public func set(_ name: String, _ answer: Answer) {
        lock.lock()
        answers[name] = answer
        lock.unlock()
    }

    func answer(for name: String) -> Answer {
        lock.lock()
        defer { lock.unlock() }
        return answers[name.lowercased()] ?? .nxdomain
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }

    final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let box: WeakReference<DNSFixture>
        init(box: WeakReference<DNSFixture>) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let query = Array(envelope.data.readableBytesView)
            guard let fixture = box.target, let name = DNSMessage.questionName(query) else { return }
            let reply: [UInt8]?
            switch fixture.answer(for: name) {
            case .silence: return
            case .nxdomain: reply = DNSMessage.answer(query, code: 3, addresses: [])
            case .servfail: reply = DNSMessage.answer(query, code: 2, addresses: [])
            case .address(let text): reply = DNSMessage.answer(query, code: 0, addresses: [text.split(separator: ".").compactMap { UInt8($0) }])
            }
            guard let reply else { return }
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply))), promise: nil)
        }
    }
}
