import Foundation

/// A probe's input: `https://host[:port]/path`, `http://…`, or a bare host name.
struct ProbeURL: Sendable {
    var host: String
    var secure: Bool
    var explicitPort: Int?
    var path: String

    /// Parses a URL or a bare host; nil when neither.
    init?(_ text: String) {
        if text.contains("://") {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                  scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty else { return nil }
            self.host = host.lowercased()
            secure = scheme == "https"
            explicitPort = components.port
            path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
                + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard let first = parts.first, !first.isEmpty, parts.count <= 2,
                  first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
            host = first.lowercased()
            secure = true
            explicitPort = parts.count == 2 ? Int(parts[1]) : nil
            if parts.count == 2 && explicitPort == nil { return nil }
            path = "/"
        }
    }

    /// The port: explicit, else 443 for https and 80 for http.
    var port: Int { explicitPort ?? (secure ? 443 : 80) }

    /// An HTTP/1.1 GET of the path that asks the server to close when done, with the headers of
    /// a common browser: a probe does not name itself (DESIGN.md, "Volunteer safety").
    var request: [UInt8] {
        let hostHeader = explicitPort.map { "\(host):\($0)" } ?? host
        return Array(("GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: \(Self.userAgent)\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.9\r\n"
            + "Connection: close\r\n\r\n").utf8)
    }

    /// The User-Agent of a current desktop Chrome, the most common browser.
    static let userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

    /// Whether `host` is an IPv4 or IPv6 literal.
    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

extension ProbeURL {
    /// The URL as text.
    var text: String { "\(secure ? "https" : "http")://\(host)\(explicitPort.map { ":\($0)" } ?? "")\(path)" }

    /// A redirect's `Location`, absolute or relative to this URL; nil when it is not http(s).
    func following(_ location: String) -> ProbeURL? {
        guard let base = URL(string: text), let target = URL(string: location, relativeTo: base)?.absoluteString else { return nil }
        return ProbeURL(target)
    }
}

