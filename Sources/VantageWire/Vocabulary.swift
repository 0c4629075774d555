/// The text names of outcomes and probe kinds, as used in JSON Lines and reports (DESIGN.md, Data).
extension Outcome {
    /// Every outcome of the closed vocabulary with its name.
    public static let names: [(Outcome, String)] = [
        (.ok, "ok"), (.dnsNxdomain, "dns_nxdomain"), (.dnsServfail, "dns_servfail"), (.dnsTimeout, "dns_timeout"),
        (.dnsBogon, "dns_bogon"), (.tcpTimeout, "tcp_timeout"), (.tcpRefused, "tcp_refused"), (.tcpReset, "tcp_reset"),
        (.tlsTimeout, "tls_timeout"), (.tlsReset, "tls_reset"), (.tlsCertInvalid, "tls_cert_invalid"),
        (.httpError, "http_error"), (.httpBlockpage, "http_blockpage"), (.throttled, "throttled"), (.error, "error"),
    ]

    /// The vocabulary name, e.g. "tls_reset"; "unspecified" or "unknown(N)" outside it.
    public var name: String {
        if let entry = Self.names.first(where: { $0.0 == self }) { return entry.1 }
        if case .UNRECOGNIZED(let n) = self { return "unknown(\(n))" }
        return "unspecified"
    }

    /// The outcome with this vocabulary name, or nil.
    public init?(name: String) {
        guard let entry = Self.names.first(where: { $0.1 == name }) else { return nil }
        self = entry.0
    }
}

extension ProbeKind {
    /// Every probe kind with its name.
    public static let names: [(ProbeKind, String)] = [
        (.dns, "dns"), (.tcp, "tcp"), (.tls, "tls"), (.http, "http"), (.throughput, "throughput"),
    ]

    /// The name, e.g. "tls".
    public var name: String {
        Self.names.first { $0.0 == self }?.1 ?? "unspecified"
    }

    /// The probe kind with this name, or nil.
    public init?(name: String) {
        guard let entry = Self.names.first(where: { $0.1 == name }) else { return nil }
        self = entry.0
    }
}
