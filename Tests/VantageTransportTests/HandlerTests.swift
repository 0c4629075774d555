import NIOCore
import Foundation
import NIOEmbedded
import Testing
@testable import VantageTransport
import VantageWire

/// The transport's handlers without sockets: an `EmbeddedChannel` and its virtual clock, so a
/// trickle of a minute runs in microseconds and a timeout fires at exactly its limit.
@Suite struct HandlerTests {
    let limits = WireLimits(maxFrameBytes: 1024)

    /// A channel with the frame decoder, connected (active).
    func decoding(frameTimeoutMs: Int64 = 1_500) throws -> (EmbeddedChannel, ByteCounter) {
        let counter = ByteCounter()
        let channel = EmbeddedChannel(handler: FrameDecodingHandler(limits: limits, counter: counter, frameTimeoutMs: frameTimeoutMs))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, counter)
    }

    func bytes(_ frame: Frame) throws -> ByteBuffer {
        ByteBuffer(bytes: try FrameEncoder.encode(frame, limits: limits))
    }

    func caught(_ channel: EmbeddedChannel) -> (any Error)? {
        do {
            try channel.throwIfErrorCaught()
            return nil
        } catch {
            return error
        }
    }

    @Test func framesSplitAnywhereArriveWhole() throws {
        let (channel, counter) = try decoding()
        let frame = Frame.with { $0.summary = Summary.with { $0.ledgerDigest = .init(repeating: 7, count: 32) } }
        let whole = try bytes(frame)
        for byte in whole.readableBytesView { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(try channel.readInbound(as: Frame.self)?.summary.ledgerDigest == frame.summary.ledgerDigest)
        #expect(counter.totals.received == whole.readableBytes)
        #expect(channel.isActive)
    }

    @Test func aFrameTrickledAByteAtATimeIsCutOffAtTheFrameTimeout() throws {
        let (channel, _) = try decoding(frameTimeoutMs: 1_500)
        // The length says 100 bytes; a byte arrives every 200 ms, so the connection is never idle.
        try channel.writeInbound(ByteBuffer(bytes: [100]))
        var elapsedMs: Int64 = 0
        while channel.isActive && elapsedMs < 8_000 {
            try channel.writeInbound(ByteBuffer(bytes: [0]))
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
            elapsedMs += 200
        }
        #expect(!channel.isActive)
        #expect(elapsedMs == 1_600, "closed at the first step past 1.5 s, not at 8 s")
        #expect(caught(channel) as? TransportError == .frameTimeout(1_500))
    }

    @Test func aFrameCompletedInTimeKeepsTheConnection() throws {
        let (channel, _) = try decoding(frameTimeoutMs: 1_500)
        let whole = try bytes(Frame.with { $0.want = Want() })
        try channel.writeInbound(whole.getSlice(at: 0, length: 3)!)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_499))
        try channel.writeInbound(whole.getSlice(at: 3, length: whole.readableBytes - 3)!)
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)
        #expect(try channel.readInbound(as: Frame.self) != nil)
    }

    @Test func anOversizedLengthIsAnsweredWithTooLargeBeforeTheBodyIsRead() throws {
        let (channel, _) = try decoding()
        #expect(throws: FrameError.tooLarge(declared: 0x1fff_ffff, limit: 1024)) {
            try channel.writeInbound(ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff, 1, 2, 3]))
        }
        let answer = try #require(try channel.readOutbound(as: Frame.self))
        #expect(answer.error.code == .tooLarge)
        #expect(!channel.isActive)
    }

    @Test func garbageAndUnknownVersionsAreAnsweredAndClosed() throws {
        let (garbage, _) = try decoding()
        #expect(throws: FrameError.self) { try garbage.writeInbound(ByteBuffer(bytes: [5, 0xde, 0xad, 0xbe, 0xef, 0x99])) }
        #expect(try garbage.readOutbound(as: Frame.self)?.error.code == .malformed)
        #expect(!garbage.isActive)
        let (future, _) = try decoding()
        var frame = Frame.with { $0.hello = Hello() }
        frame.version = 9
        let body: [UInt8] = try frame.serializedBytes()
        #expect(throws: FrameError.unsupportedVersion(9)) { try future.writeInbound(ByteBuffer(bytes: [UInt8(body.count)] + body)) }
        let answer = try #require(try future.readOutbound(as: Frame.self))
        #expect(answer.error.code == .unsupportedVersion && answer.error.supportedVersions == ProtocolVersion.supported)
        #expect(!future.isActive)
    }

    @Test func aSilentConnectionIsClosedAtTheHelloDeadline() throws {
        let deadline = TimeoutHandler.helloDeadline(timeoutMs: 1_500)
        let channel = EmbeddedChannel(handler: deadline)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_499))
        try channel.writeInbound(ByteBuffer(bytes: [0x16, 0x03, 0x01]))
        #expect(channel.isActive && !deadline.fired.withLockedValue { $0 }, "bytes of a handshake do not restart the Hello deadline")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive && deadline.fired.withLockedValue { $0 })
        #expect(caught(channel) as? TransportError == .helloTimeout)
    }

    @Test func anAdmittedPeerOutlivesTheHelloDeadline() throws {
        let channel = EmbeddedChannel(handler: TimeoutHandler.helloDeadline(timeoutMs: 1_500))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        try channel.pipeline.syncOperations.removeHandler(channel.pipeline.syncOperations.handler(type: TimeoutHandler.self)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
    }

    @Test func aConnectionThatReceivesNothingIsClosedAtTheIdleTimeout() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(TimeoutHandler.idle(timeoutMs: 3_000))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_000))
        try channel.writeInbound(ByteBuffer(bytes: [1]))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_999))
        #expect(channel.isActive, "a read resets the idle clock")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(caught(channel) as? TransportError == .idle)
    }
}

/// The connection and handshake slots: none of the limits can be exceeded, and a slot comes back
/// when its connection ends.
@Suite struct ConnectionSlotsTests {
    @Test func eachLimitRefusesWithItsReasonAndSlotsComeBack() {
        let slots = ConnectionSlots(settings: TransportSettings(maxConnections: 5, maxHandshakesPerAddress: 2, maxHandshakes: 3))
        #expect(slots.reserve(handshakeFrom: "10.0.0.1") == nil)
        #expect(slots.reserve(handshakeFrom: "10.0.0.1") == nil)
        #expect(slots.reserve(handshakeFrom: "10.0.0.1") == .tooManyHandshakes(address: "10.0.0.1", limit: 2))
        #expect(slots.reserve(handshakeFrom: "10.0.0.2") == nil)
        #expect(slots.reserve(handshakeFrom: "10.0.0.3") == .tooManyHandshakes(address: "all addresses", limit: 3))
        #expect(slots.reserve(handshakeFrom: nil) == nil, "dialing out is not a handshake from an address")
        #expect(slots.reserve(handshakeFrom: nil) == nil)
        #expect(slots.open == 5)
        #expect(slots.reserve(handshakeFrom: nil) == .tooManyConnections(5))
        slots.handshakeEnded(from: "10.0.0.1")
        #expect(slots.reserve(handshakeFrom: "10.0.0.3") == .tooManyConnections(5), "a verified peer still holds its connection slot")
        slots.closed()
        #expect(slots.reserve(handshakeFrom: "10.0.0.3") == nil)
        #expect(slots.reserve(handshakeFrom: "10.0.0.1") == .tooManyConnections(5))
        slots.closed()
        #expect(slots.reserve(handshakeFrom: "10.0.0.1") == .tooManyHandshakes(address: "all addresses", limit: 3))
    }
}

/// A peer that does not read: the bytes queued for it are bounded.
@Suite struct QueuedBytesTests {
    /// An outbound handler nearer the socket that never completes a write, like a peer that stopped reading.
    final class StalledSocket: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var held: [EventLoopPromise<Void>] = []
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if let promise { held.append(promise) }
        }
        func flush(context: ChannelHandlerContext) {}
    }

    @Test func aPeerThatLeavesMoreThanTheLimitUnreadIsDropped() throws {
        let stalled = StalledSocket()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(stalled)
        try channel.pipeline.syncOperations.addHandler(FrameEncodingHandler(limits: WireLimits(), counter: ByteCounter(), maxQueuedBytes: 10_000))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let frame = Frame.with { $0.push = Envelope.with { $0.payload = Data(repeating: 7, count: 3_000) } }
        for _ in 0..<3 { channel.writeAndFlush(frame, promise: nil) }
        #expect(channel.isActive, "9 KB queued: within the limit")
        channel.writeAndFlush(frame, promise: nil)
        #expect(!channel.isActive, "a fourth frame would pass 10,000 bytes")
        #expect(throws: TransportError.slowReader(10_000)) { try channel.throwIfErrorCaught() }
    }

    @Test func writtenFramesNoLongerCount() throws {
        let channel = EmbeddedChannel(handler: FrameEncodingHandler(limits: WireLimits(), counter: ByteCounter(), maxQueuedBytes: 10_000))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let frame = Frame.with { $0.push = Envelope.with { $0.payload = Data(repeating: 7, count: 3_000) } }
        for _ in 0..<10 {
            channel.writeAndFlush(frame, promise: nil)
            _ = try channel.readOutbound(as: ByteBuffer.self)
        }
        #expect(channel.isActive, "30 KB written to a socket that takes it")
    }
}
