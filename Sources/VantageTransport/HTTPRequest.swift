import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 exchange over swift-nio, for the CLI's calls to a node's API and the agent's
/// webhook alerts: connect, send one request with `Connection: close`, read the whole response.
/// An `https` URL is checked against the system's trust roots. (No libcurl: the package a
/// volunteer installs needs none.)
public enum HTTPRequest {
    /// What the server answered.
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    /// Why there is no answer: the URL, the connection, the TLS handshake, the timeout or a body too large.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends `method` ("GET", "POST", ...) to `url` with `headers` and `body`; fails when there is
    /// no whole answer within `timeout` or its body exceeds `maxBodyBytes`.
    public static func send(_ method: String, _ url: URL, headers: [(String, String)] = [], body: [UInt8] = [],
                            timeout: TimeAmount = .seconds(60), maxBodyBytes: Int = 256 << 20) async throws -> Response {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
              let parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            throw Failure(description: "'\(url.absoluteString)' is not an http or https URL")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let tls = scheme == "https" ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let literal = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let firstError = FirstError()
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: literal ? nil : host))
                        }
                        try channel.pipeline.syncOperations.addHandler(firstError)
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "cannot connect to \(host):\(port): \(error)")
        }
        let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: (parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath)
                                   + (parts.percentEncodedQuery.map { "?" + $0 } ?? ""))
        head.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "\(body.count)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var status: Int?
        var answer: [UInt8] = []
        var ended = false
        do {
            try await channel.executeThenClose { inbound, outbound in
                // One write and one flush: a server may answer and close as soon as it has the request.
                try await outbound.write(contentsOf: [.head(head)] + (body.isEmpty ? [] : [.body(.byteBuffer(ByteBuffer(bytes: body)))]) + [.end(nil)])
                for try await part in inbound {
                    switch part {
                    case .head(let response): status = Int(response.status.code)
                    case .body(var buffer):
                        guard answer.count + buffer.readableBytes <= maxBodyBytes else {
                            throw Failure(description: "the answer of \(host):\(port) is larger than \(maxBodyBytes) bytes")
                        }
                        answer += buffer.readBytes(length: buffer.readableBytes) ?? []
                    case .end:
                        ended = true
                        return
                    }
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch where !ended {
            // What the pipeline saw first (a failed TLS handshake, say) says more than a write on
            // the connection it closed.
            throw Failure(description: "\(host):\(port): \(firstError.error ?? error)")
        } catch {
            // The whole answer arrived; closing the connection afterwards does not matter.
        }
        guard let status, ended else {
            throw Failure(description: "\(host):\(port) sent no whole answer within \(timeout.nanoseconds / 1_000_000_000) s")
        }
        return Response(status: status, body: answer)
    }

    /// Keeps the first error the pipeline reports, and passes it on.
    final class FirstError: ChannelInboundHandler, Sendable {
        typealias InboundIn = Any
        private let first = NIOLockedValueBox<(any Error)?>(nil)

        var error: (any Error)? { first.withLockedValue { $0 } }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            first.withLockedValue { $0 = $0 ?? error }
            context.fireErrorCaught(error)
        }
    }
}
