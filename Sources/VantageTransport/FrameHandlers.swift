import NIOConcurrencyHelpers
import NIOCore
import VantageWire

/// Bytes in and out of one connection, for /v1/peers and metrics.
public final class ByteCounter: Sendable {
    private let counts = NIOLockedValueBox((received: 0, sent: 0))
    /// A counter at zero.
    public init() {}
    /// Bytes received and sent so far.
    public var totals: (received: Int, sent: Int) { counts.withLockedValue { $0 } }
    func add(received: Int = 0, sent: Int = 0) {
        counts.withLockedValue { $0.received += received; $0.sent += sent }
    }
}

/// Splits inbound bytes into frames with `FrameDecoder`. Bad input (oversized length prefix,
/// garbage, an unsupported version) is answered with an Error frame, reported, and the
/// connection is closed; nothing else is affected. A frame must arrive whole within
/// `frameTimeoutMs` of its first byte.
final class FrameDecodingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Frame
    typealias OutboundOut = Frame

    private var decoder: FrameDecoder
    private let counter: ByteCounter
    private let frameTimeoutMs: Int64
    private var partialFrameDeadline: Scheduled<Void>?
    private var failed = false

    init(limits: WireLimits, counter: ByteCounter, frameTimeoutMs: Int64) {
        decoder = FrameDecoder(limits: limits)
        self.counter = counter
        self.frameTimeoutMs = frameTimeoutMs
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        partialFrameDeadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let buffer = unwrapInboundIn(data)
        counter.add(received: buffer.readableBytes)
        decoder.append(buffer.readableBytesView)
        do {
            while let frame = try decoder.next() {
                partialFrameDeadline?.cancel()
                partialFrameDeadline = nil
                context.fireChannelRead(wrapInboundOut(frame))
            }
            if decoder.bufferedByteCount > 0, partialFrameDeadline == nil {
                let timeout = frameTimeoutMs
                let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                partialFrameDeadline = context.value.eventLoop.scheduleTask(in: .milliseconds(timeout)) {
                    context.value.fireErrorCaught(TransportError.frameTimeout(timeout))
                    context.value.close(promise: nil)
                }
            }
        } catch let error as FrameError {
            failed = true
            context.writeAndFlush(wrapOutboundOut(Frame.error(error.code, error.description)), promise: nil)
            context.fireErrorCaught(error)
            context.close(promise: nil)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}

/// Encodes outbound frames with their length prefix, and closes a connection whose peer leaves
/// more than `maxQueuedBytes` unread (each frame counts until the socket took it).
final class FrameEncodingHandler: ChannelOutboundHandler {
    typealias OutboundIn = Frame
    typealias OutboundOut = ByteBuffer

    private let limits: WireLimits
    private let counter: ByteCounter
    private let maxQueuedBytes: Int
    private var queuedBytes = 0

    init(limits: WireLimits, counter: ByteCounter, maxQueuedBytes: Int) {
        self.limits = limits
        self.counter = counter
        self.maxQueuedBytes = maxQueuedBytes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes: [UInt8]
        do {
            bytes = try FrameEncoder.encode(unwrapOutboundIn(data), limits: limits)
        } catch {
            promise?.fail(error)
            return
        }
        guard queuedBytes + bytes.count <= maxQueuedBytes else {
            promise?.fail(TransportError.slowReader(maxQueuedBytes))
            context.fireErrorCaught(TransportError.slowReader(maxQueuedBytes))
            context.close(promise: nil)
            return
        }
        queuedBytes += bytes.count
        counter.add(sent: bytes.count)
        let written = promise ?? context.eventLoop.makePromise()
        let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in loop.value.queuedBytes -= bytes.count }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: written)
    }
}

extension FrameError {
    /// The Error frame code for this decoding failure.
    var code: ErrorCode {
        switch self {
        case .tooLarge: return .tooLarge
        case .malformed: return .malformed
        case .unsupportedVersion: return .unsupportedVersion
        }
    }
}
