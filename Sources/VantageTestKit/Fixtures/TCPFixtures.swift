import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// TCP endpoints on 127.0.0.1 for the `tcp` probe: one that resets every connection, one whose
/// accept queue is full (connects time out), and a port where nothing listens (refused).
public enum TCPFixtures {
    /// A server that resets each connection as soon as it is accepted.
    public static func resetting() async throws -> (port: Int, channel: Channel) {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { FixtureResponder.reset($0) }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel.localAddress!.port!, channel)
    }

    /// A port that was free a moment ago: connecting is refused.
    public static func closedPort() throws -> Int {
        let (fd, port) = try listeningSocket(backlog: 1)
        close(fd)
        return port
    }

    /// A listener that never accepts and whose queue is already full, so the kernel drops new
    /// SYNs and connects time out. Close the returned descriptors when done.
    public static func stalled() throws -> (port: Int, descriptors: [Int32]) {
        let (fd, port) = try listeningSocket(backlog: 0)
        var descriptors = [fd]
        for _ in 0..<2 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            var address = loopback(port)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            descriptors.append(client)
        }
        // Once the first client is connected (writable), it fills the accept queue.
        var first = pollfd(fd: descriptors[1], events: Int16(POLLOUT), revents: 0)
        _ = poll(&first, 1, 2_000)
        return (port, descriptors)
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func listeningSocket(backlog: Int32) throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound else { throw FixtureError("cannot open a listening socket: errno \(errno)") }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A fixture that could not start.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
