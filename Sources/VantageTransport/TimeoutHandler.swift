import NIOConcurrencyHelpers
import NIOCore

/// Closes a connection when `timeoutMs` pass without what it waits for, and reports `error`:
/// for the idle timeout, any read (each one restarts the clock); for the Hello deadline, its own
/// removal once the peer is admitted (reads do not count: a slow-loris handshake sends bytes).
/// Time is the event loop's, so a test on an `EmbeddedChannel` runs it on a virtual clock.
final class TimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    /// The name of the Hello deadline in the pipeline, by which the transport removes it.
    static let helloDeadlineName = "hello-deadline"

    private let timeout: TimeAmount
    private let error: TransportError
    private let readsRestart: Bool
    private var lastRead = NIODeadline.distantPast
    private var check: Scheduled<Void>?
    /// True once the timeout fired: the connection's error is then this one, whatever the read
    /// or write that noticed the close says.
    let fired = NIOLockedValueBox(false)

    private init(timeoutMs: Int64, error: TransportError, readsRestart: Bool) {
        timeout = .milliseconds(timeoutMs)
        self.error = error
        self.readsRestart = readsRestart
    }

    /// Closes a connection that receives nothing for `timeoutMs` (`idle_timeout_ms`).
    static func idle(timeoutMs: Int64) -> TimeoutHandler {
        TimeoutHandler(timeoutMs: timeoutMs, error: .idle, readsRestart: true)
    }

    /// Closes a connection not admitted within `timeoutMs` of becoming active (`hello_timeout_ms`).
    static func helloDeadline(timeoutMs: Int64) -> TimeoutHandler {
        TimeoutHandler(timeoutMs: timeoutMs, error: .helloTimeout, readsRestart: false)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if readsRestart { lastRead = context.eventLoop.now }
        context.fireChannelRead(data)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard check == nil else { return }
        lastRead = context.eventLoop.now
        schedule(context, at: lastRead + timeout)
    }

    /// At `deadline`: close when nothing restarted the clock since `timeout` before it, else look
    /// again when the restarted clock runs out.
    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: deadline) { [self] in
            let context = bound.value
            let due = lastRead + timeout
            guard context.eventLoop.now >= due else { return schedule(context, at: due) }
            fired.withLockedValue { $0 = true }
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}
