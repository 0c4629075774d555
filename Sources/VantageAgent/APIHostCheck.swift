import Foundation
import Hummingbird

/// Answers only requests addressed to this node's API by a loopback name, the configured address
/// or an IP literal, so a web page the volunteer visits cannot read the API through a name it
/// controls that resolves to 127.0.0.1 (DNS rebinding).
struct APIHostCheck<Context: RequestContext>: RouterMiddleware {
    /// The host part of the configured `--api` address.
    let configuredHost: String
    let agent: NodeAgent

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        guard APIHostRule.accepts(authority, configuredHost: configuredHost) else {
            agent.refusedRequest("api_bad_host", "\(request.method) \(request.uri.path) for host '\(authority.prefix(64))'")
            throw HTTPError(.misdirectedRequest, message: "this API answers requests for 127.0.0.1, localhost or its own address, not '\(authority.prefix(64))'")
        }
        return try await next(request, context)
    }
}

/// Which `Host` values the API answers.
enum APIHostRule {
    /// Host names always accepted besides IP literals.
    static let loopbackNames: Set<String> = ["localhost", "localhost.localdomain"]

    /// True for `host[:port]` naming loopback, the configured host or an IP address.
    static func accepts(_ authority: String, configuredHost: String) -> Bool {
        var host = authority
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<end])
        } else if let colon = host.lastIndex(of: ":"), host.filter({ $0 == ":" }).count == 1 {
            host = String(host[..<colon])
        }
        host = host.lowercased()
        guard !host.isEmpty else { return false }
        return loopbackNames.contains(host) || host == configuredHost.lowercased() || isIPLiteral(host)
    }

    /// True for a dotted IPv4 or an IPv6 literal.
    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
