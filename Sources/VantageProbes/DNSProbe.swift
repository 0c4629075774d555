import Foundation
#if canImport(Glibc)
import Glibc
#endif
import VantageWire

/// The `dns` probe: resolves a host name with the system resolver or a configured resolver over UDP.
/// NXDOMAIN, SERVFAIL, timeouts and bogon answers (DNS injection) are outcomes; a resolver that
/// cannot even be asked is `error`.
enum DNSProbe {
    struct Answer {
        var outcome: Outcome
        var addresses: [String]
        var detail: String
    }

    static func run(host: String, settings: ProbeSettings) async -> Answer {
        switch settings.resolver {
        case .system: return await system(host: host, timeoutMs: settings.timeoutMs)
        case .udp(let server, let port): return await udp(host: host, server: server, port: port, timeoutMs: settings.timeoutMs)
        }
    }

    /// Judges the addresses a resolver returned for `host`. A loopback answer for `localhost` (or
    /// a name under it) is what it should be; for any other name a private or reserved address is
    /// DNS injection.
    static func judge(_ addresses: [String], for host: String, via resolver: String) -> Answer {
        if addresses.isEmpty { return Answer(outcome: .dnsNxdomain, addresses: [], detail: "\(resolver): no addresses") }
        let local = host.lowercased() == "localhost" || host.lowercased().hasSuffix(".localhost")
        let bogons = addresses.filter { Bogons.contains($0) && !(local && Bogons.isLoopback($0)) }
        if !bogons.isEmpty {
            return Answer(outcome: .dnsBogon, addresses: addresses, detail: "\(resolver): bogon answer \(bogons.joined(separator: ", ")) (DNS injection)")
        }
        return Answer(outcome: .ok, addresses: addresses, detail: "\(resolver): \(addresses.joined(separator: ", "))")
    }

    /// A query over UDP with its own id; answers with another id are ignored until the timeout.
    static func udp(host: String, server: String, port: Int, timeoutMs: Int64) async -> Answer {
        await blocking {
            let resolver = "resolver \(server):\(port)"
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, server, &address.sin_addr) == 1 else {
                return Answer(outcome: .error, addresses: [], detail: "\(resolver): not an IPv4 address")
            }
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard fd >= 0 else { return Answer(outcome: .error, addresses: [], detail: "cannot open a UDP socket: errno \(errno)") }
            defer { close(fd) }
            let id = UInt16.random(in: 1...UInt16.max)
            let query = DNSMessage.query(id: id, name: host)
            let sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, query, query.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard sent == query.count else { return Answer(outcome: .error, addresses: [], detail: "\(resolver): send failed, errno \(errno)") }
            let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard left > 0, poll(&poller, 1, left) > 0 else {
                    return Answer(outcome: .dnsTimeout, addresses: [], detail: "\(resolver): no answer in \(timeoutMs) ms")
                }
                let count = recv(fd, &buffer, buffer.count, 0)
                if count < 0 && errno == ECONNREFUSED {
                    return Answer(outcome: .dnsTimeout, addresses: [], detail: "\(resolver): port unreachable")
                }
                guard count > 0, let response = DNSMessage.parse(Array(buffer[0..<count])), response.id == id else { continue }
                switch DNSMessage.ResponseCode(rawValue: response.code) {
                case .nameError?: return Answer(outcome: .dnsNxdomain, addresses: [], detail: "\(resolver): NXDOMAIN")
                case .serverFailure?, .refused?: return Answer(outcome: .dnsServfail, addresses: [], detail: "\(resolver): rcode \(response.code)")
                case .noError?: return judge(response.addresses, for: host, via: resolver)
                default: return Answer(outcome: .error, addresses: [], detail: "\(resolver): unexpected rcode \(response.code)")
                }
            }
        }
    }

    /// getaddrinfo on a thread of its own, raced against the timeout.
    static func system(host: String, timeoutMs: Int64) async -> Answer {
        let timeout = Answer(outcome: .dnsTimeout, addresses: [], detail: "system resolver: no answer in \(timeoutMs) ms")
        return await blocking(timeoutMs: timeoutMs, orElse: timeout) {
            var hints = addrinfo()
            hints.ai_family = AF_INET
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            defer { if let list { freeaddrinfo(list) } }
            switch status {
            case 0: break
            case EAI_NONAME: return Answer(outcome: .dnsNxdomain, addresses: [], detail: "system resolver: no such name")
            case EAI_FAIL: return Answer(outcome: .dnsServfail, addresses: [], detail: "system resolver: server failure")
            case EAI_AGAIN: return Answer(outcome: .dnsTimeout, addresses: [], detail: "system resolver: no answer (EAI_AGAIN)")
            default: return Answer(outcome: .error, addresses: [], detail: "system resolver: \(String(cString: gai_strerror(status)))")
            }
            var addresses: [String] = []
            var node = list
            while let entry = node {
                if let sockaddr = entry.pointee.ai_addr, entry.pointee.ai_family == AF_INET {
                    var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                        var raw = ipv4.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &raw, &text, socklen_t(INET_ADDRSTRLEN))
                    }
                    let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !addresses.contains(address) { addresses.append(address) }
                }
                node = entry.pointee.ai_next
            }
            return judge(addresses, for: host, via: "system resolver")
        }
    }

    /// Runs blocking socket work on a Dispatch thread, off the cooperative pool.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// Blocking work that may not return in time: after `timeoutMs` the answer is `fallback`
    /// (the work finishes on its thread and is dropped; getaddrinfo cannot be cancelled).
    static func blocking<T: Sendable>(timeoutMs: Int64, orElse fallback: T, _ work: @escaping @Sendable () -> T) async -> T {
        let once = LockedFlag()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let value = work()
                if once.claim() { continuation.resume(returning: value) }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeoutMs))) {
                if once.claim() { continuation.resume(returning: fallback) }
            }
        }
    }
}
