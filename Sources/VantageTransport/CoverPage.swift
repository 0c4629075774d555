import NIOCore
import NIOSSL
import NIOTLS

/// Answers a TLS client that presented no certificate as a plain web server would (DESIGN.md,
/// "Volunteer safety"): once the handshake is done without a client certificate, it reads the
/// request head, writes the operator's page and closes. Nothing the client sends reaches the
/// frame decoder, and no frame the node writes goes out. Used on the channel's event loop only.
final class CoverPage: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    /// The page served when the operator chose none.
    static let defaultPage = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Welcome</title></head>
        <body><h1>Welcome</h1><p>This site is under construction.</p></body></html>

        """

    /// The longest request head read before answering anyway.
    static let maxRequestHead = 16 << 10

    private let page: String
    private var serving = false
    private var received = 0
    private var requestHead = ""

    init(page: String) { self.page = page }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent,
           (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate) == nil {
            serving = true
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard serving else { return context.fireChannelRead(data) }
        let bytes = unwrapInboundIn(data)
        received += bytes.readableBytes
        requestHead += String(buffer: bytes)
        guard requestHead.contains("\r\n\r\n") || received > Self.maxRequestHead, received > 0 else { return }
        serving = false
        let isHead = requestHead.hasPrefix("HEAD ")
        let body = Array(page.utf8)
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var response = context.channel.allocator.buffer(string: head)
        if !isHead { response.writeBytes(body) }
        context.writeAndFlush(NIOAny(response)).whenComplete { _ in context.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard serving || received > 0 else { return context.write(data, promise: promise) }
        promise?.succeed(())
    }
}
