import NIOCore
import NIOEmbedded
import NIOHTTP1

/// An HTTP/1.x response read by swift-nio's HTTP/1.1 codec from the bytes a probe kept: the
/// status, the headers, and the body however it was framed (length, chunks, or until close).
struct HTTPResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    /// Parses `bytes` as the response to a GET; nil when they do not start with a response head.
    init?(_ bytes: [UInt8]) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        guard (try? channel.pipeline.syncOperations.addHandlers([HTTPRequestEncoder(), ByteToMessageHandler(HTTPResponseDecoder())])) != nil,
              (try? channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))) != nil,
              (try? channel.writeInbound(channel.allocator.buffer(bytes: bytes))) != nil else { return nil }
        _ = try? channel.pipeline.fireChannelInactive()  // a body read until close ends here
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let h): head = head ?? h
            case .body(var buffer): body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end: break
            }
        }
        guard let head else { return nil }
        status = Int(head.status.code)
        headers = head.headers
        self.body = body
    }
}
