import Foundation

/// Reads OONI measurements (df-000-base JSON Lines, failure strings of df-007) as Vantage
/// measurements, so data people already have can be scored. The mapping is in protocol/SPEC.md §13a:
/// each OONI ASN is one vantage point named `ooni-AS<asn>`; the target is the platform of the
/// input's host (or the host itself); `test_keys` decide the outcome.
public enum OONILines {
    struct Line: Decodable {
        var probe_asn: String
        var probe_cc: String
        var measurement_start_time: String
        var test_name: String
        var input: String?
        var test_runtime: Double?
        var test_keys: TestKeys?
    }

    /// The `test_keys` fields the mapping reads; `blocking` is `false` or a string such as `"dns"`.
    struct TestKeys: Decodable {
        var blocking: Blocking?
        var accessible: Bool?
        var dns_experiment_failure: String?
        var http_experiment_failure: String?
        var control_failure: String?
        var facebook_tcp_blocking: Bool?
        var facebook_dns_blocking: Bool?
        var whatsapp_endpoints_status: String?
        var whatsapp_web_status: String?
        var registration_server_status: String?
        var telegram_http_blocking: Bool?
        var telegram_tcp_blocking: Bool?
        var telegram_web_status: String?
    }

    enum Blocking: Decodable {
        case none
        case kind(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let flag = try? c.decode(Bool.self) { self = flag ? .kind("unknown") : .none; return }
            self = .kind(try c.decode(String.self))
        }
    }

    /// Parses every line of `data`; a line that cannot be mapped is reported with its number and why.
    public static func parse(_ data: Data, maxLineBytes: Int = MeasurementLines.defaultMaxLineBytes,
                             progress: ((Int) -> Void)? = nil) -> (lines: [MeasurementLine], errors: [LineError]) {
        let decoder = JSONDecoder()
        return JSONLines.each(data, maxLineBytes: maxLineBytes, progress: progress) { text, number in
            try convert(try decoder.decode(Line.self, from: text), number: number)
        }
    }

    static func convert(_ line: Line, number: Int) throws -> MeasurementLine {
        guard line.probe_asn.hasPrefix("AS"), let asn = UInt32(line.probe_asn.dropFirst(2)) else {
            throw LineProblem(reason: "probe_asn '\(line.probe_asn)' is not like AS17557")
        }
        guard line.probe_cc.count == 2, line.probe_cc.uppercased() == line.probe_cc else {
            throw LineProblem(reason: "probe_cc '\(line.probe_cc)' is not a two-letter upper-case country code")
        }
        // OONI writes "2024-01-20 13:05:00" in UTC.
        guard let time = RFC3339.milliseconds(line.measurement_start_time.replacingOccurrences(of: " ", with: "T") + "Z") else {
            throw LineProblem(reason: "measurement_start_time '\(line.measurement_start_time)' is not like 2024-01-20 13:05:00")
        }
        var m = Measurement()
        m.startTimeMs = time
        m.runtimeMs = UInt32(max(0, min(Double(UInt32.max), (line.test_runtime ?? 0) * 1000)))
        m.input = line.input ?? ""
        m.details = ["ooni_test": line.test_name]
        let keys = line.test_keys ?? TestKeys()
        switch line.test_name {
        case "web_connectivity":
            guard let input = line.input, let host = URLComponents(string: input)?.host?.lowercased() else {
                throw LineProblem(reason: "web_connectivity without an input URL with a host")
            }
            m.target = platform(ofHost: host)
            (m.probe, m.outcome) = webConnectivity(keys, https: input.lowercased().hasPrefix("https"))
        case "facebook_messenger":
            m.target = "facebook"
            m.probe = keys.facebook_dns_blocking == true ? .dns : .tcp
            m.outcome = keys.facebook_dns_blocking == true ? .dnsBogon : keys.facebook_tcp_blocking == true ? .tcpTimeout
                : (keys.facebook_tcp_blocking == false && keys.facebook_dns_blocking == false) ? .ok : .error
        case "whatsapp":
            m.target = "whatsapp"
            m.probe = .tcp
            let statuses = [keys.whatsapp_endpoints_status, keys.whatsapp_web_status, keys.registration_server_status].compactMap { $0 }
            m.outcome = statuses.isEmpty ? .error : statuses.contains("blocked") ? .tcpTimeout : .ok
        case "telegram":
            m.target = "telegram"
            m.probe = keys.telegram_tcp_blocking == true ? .tcp : .http
            let blocked = keys.telegram_tcp_blocking == true || keys.telegram_http_blocking == true || keys.telegram_web_status == "blocked"
            let known = keys.telegram_tcp_blocking != nil || keys.telegram_http_blocking != nil || keys.telegram_web_status != nil
            m.outcome = !known ? .error : blocked ? (keys.telegram_tcp_blocking == true ? .tcpTimeout : .httpError) : .ok
        default:
            throw LineProblem(reason: "test_name '\(line.test_name)' is not mapped (web_connectivity, facebook_messenger, whatsapp, telegram are)")
        }
        return MeasurementLine(measurement: m, vantage: "ooni-\(line.probe_asn)", asn: asn, country: line.probe_cc, line: number)
    }

    /// web_connectivity: `blocking` false → ok; "dns" → the DNS failure, or `dns_bogon` when the
    /// answers were inconsistent without a failure; "tcp_ip" → the TCP failure; "http-failure" → the
    /// HTTP(S) failure; "http-diff" → `http_blockpage`; null → `error` (OONI could not tell).
    static func webConnectivity(_ keys: TestKeys, https: Bool) -> (ProbeKind, Outcome) {
        switch keys.blocking {
        case .none?:
            return (https ? .tls : .http, keys.accessible == false ? .error : .ok)
        case .kind("dns")?:
            switch keys.dns_experiment_failure {
            case "dns_nxdomain_error"?: return (.dns, .dnsNxdomain)
            case "dns_server_failure"?, "dns_server_misbehaving"?, "dns_refused_error"?: return (.dns, .dnsServfail)
            case "generic_timeout_error"?: return (.dns, .dnsTimeout)
            default: return (.dns, .dnsBogon)
            }
        case .kind("tcp_ip")?:
            return (.tcp, failure(keys.http_experiment_failure, https: https, layer: .tcp))
        case .kind("http-failure")?:
            return (https ? .tls : .http, failure(keys.http_experiment_failure, https: https, layer: https ? .tls : .http))
        case .kind("http-diff")?:
            return (.http, .httpBlockpage)
        default:
            return (https ? .tls : .http, .error)
        }
    }

    /// A df-007 failure string at the layer where OONI saw it.
    static func failure(_ text: String?, https: Bool, layer: ProbeKind) -> Outcome {
        switch (text ?? "", layer) {
        case ("connection_refused", _): return .tcpRefused
        case ("connection_reset", .tls), ("eof_error", .tls), ("ssl_failed_handshake", .tls): return .tlsReset
        case ("connection_reset", _): return .tcpReset
        case ("generic_timeout_error", .tls): return .tlsTimeout
        case ("generic_timeout_error", .tcp): return .tcpTimeout
        case ("ssl_invalid_hostname", _), ("ssl_unknown_authority", _), ("ssl_invalid_certificate", _): return .tlsCertInvalid
        case (_, .tcp): return .tcpTimeout
        default: return .httpError
        }
    }

    /// Known platforms by domain; any other host is its own target, without a leading `www.`.
    static let platforms: [(suffix: String, platform: String)] = [
        ("facebook.com", "facebook"), ("fbcdn.net", "facebook"), ("fb.com", "facebook"), ("messenger.com", "facebook"),
        ("instagram.com", "instagram"), ("cdninstagram.com", "instagram"),
        ("twitter.com", "x"), ("x.com", "x"), ("twimg.com", "x"), ("t.co", "x"),
        ("youtube.com", "youtube"), ("youtu.be", "youtube"), ("googlevideo.com", "youtube"), ("ytimg.com", "youtube"),
        ("whatsapp.com", "whatsapp"), ("whatsapp.net", "whatsapp"),
        ("telegram.org", "telegram"), ("t.me", "telegram"),
        ("tiktok.com", "tiktok"), ("tiktokcdn.com", "tiktok"),
        ("wikipedia.org", "wikipedia"),
    ]

    /// The platform a host belongs to.
    public static func platform(ofHost host: String) -> String {
        for (suffix, platform) in platforms where host == suffix || host.hasSuffix("." + suffix) { return platform }
        return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }
}
