import NIOConcurrencyHelpers
import NIOCore

/// Closes a connection that has not passed TLS and Hello within `timeoutMs` of becoming active
/// (slow-loris handshakes). The transport removes it once the peer is admitted.
final class HelloDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    /// Its name in the pipeline, by which the transport removes it.
    static let name = "hello-deadline"

    private let timeoutMs: Int64
    private var deadline: Scheduled<Void>?
    /// True once the deadline passed: the connection's error is then the timeout, whatever the
    /// read or write that noticed the close says.
    let fired = NIOLockedValueBox(false)

    init(timeoutMs: Int64) {
        self.timeoutMs = timeoutMs
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: .milliseconds(timeoutMs)) { [fired] in
            fired.withLockedValue { $0 = true }
            bound.value.fireErrorCaught(TransportError.helloTimeout)
            bound.value.close(promise: nil)
        }
    }
}
