import Foundation
import NIOSSL
import VantageWire

/// Runs one probe of one input (DESIGN.md, Probes): every step has a timeout, outcomes come from
/// the closed vocabulary, and a failure of the probe itself is `error`, never `ok` or a block.
public struct Prober: Sendable {
    public let settings: ProbeSettings

    /// A prober with `settings`.
    public init(settings: ProbeSettings) {
        self.settings = settings
    }

    /// What a probe found so far: its steps, and the outcome once it is known.
    struct Trace {
        var steps: [ProbeStep] = []
        var details: [String: String] = [:]
        mutating func step(_ name: String, _ detail: String) { steps.append(ProbeStep(step: name, detail: detail)) }
    }

    /// Probes `input` (a URL, or a bare host for `dns` and `tcp`) of `target` with `kind`.
    public func run(_ kind: ProbeKind, target: String, input: String) async -> ProbeResult {
        let startMs = Int64(Date().timeIntervalSince1970 * 1000)
        let started = ContinuousClock.now
        var trace = Trace()
        var kbps: UInt64?
        let outcome: Outcome
        if let url = ProbeURL(input) {
            (outcome, kbps) = await probe(kind, url, &trace)
        } else {
            trace.step("input", "'\(input)' is not a URL such as https://www.facebook.com/ or a host name")
            outcome = .error
        }
        let runtime = Int64((ContinuousClock.now - started) / .milliseconds(1))
        return ProbeResult(target: target, input: input, probe: kind.name, outcome: outcome.name,
                           time: Date(timeIntervalSince1970: Double(startMs) / 1000).rfc3339Milliseconds,
                           runtimeMs: UInt32(clamping: runtime), throughputKbps: kbps, steps: trace.steps, details: trace.details)
    }

    /// Redirects an `http` probe follows before it calls the answer an `http_error`.
    static let maxRedirects = 5

    private func probe(_ kind: ProbeKind, _ first: ProbeURL, _ trace: inout Trace) async -> (Outcome, UInt64?) {
        var url = first
        for hop in 0...Self.maxRedirects {
            let answer = await resolve(url.host, &trace)
            guard let address = answer.address else { return (answer.outcome, nil) }
            if kind == .dns { return (answer.outcome, nil) }
            let tls = kind == .tls || ((kind == .http || kind == .throughput) && url.secure)
            let request = kind == .http || kind == .throughput ? url.request : nil
            let port = kind == .tls && !url.secure && url.explicitPort == nil ? 443 : url.port
            let report = await Connection.run(
                address: address, port: port, host: url.host, tls: tls ? tlsConfiguration : nil, request: request,
                readLimit: kind == .throughput ? settings.throughputBytes : Self.keptBytes, keep: Self.keptBytes,
                timeoutMs: settings.timeoutMs, quietMs: settings.resetWatchMs)
            // An http probe follows redirects, recording each hop; censors often answer with a 302
            // to their block page.
            guard kind == .http, report.failure == nil, let response = HTTPResponse(report.head), (300..<400).contains(response.status),
                  let location = response.headers.first(name: "Location") else {
                return judge(kind, url, address: address, port: port, report, &trace)
            }
            trace.step("http", "status \(response.status): redirect \(hop + 1) to \(location)")
            trace.details["redirect_\(hop + 1)"] = location
            if let page = settings.fingerprints.first(where: { location.contains($0.text) }) ?? blockHost(location) {
                trace.step("http", "the redirect leads to block page '\(page.name)'")
                trace.details["blockpage"] = page.name
                return (.httpBlockpage, nil)
            }
            guard let next = url.following(location) else {
                trace.step("http", "the redirect's Location '\(location)' is not an http or https URL")
                return (.httpError, nil)
            }
            url = next
        }
        trace.step("http", "more than \(Self.maxRedirects) redirects")
        return (.httpError, nil)
    }

    /// A redirect to a private or reserved address (an ISP's block page server) is a block page.
    private func blockHost(_ location: String) -> (name: String, text: String)? {
        guard let host = URLComponents(string: location)?.host, ProbeURL.isIPAddress(host), Bogons.contains(host) else { return nil }
        return ("redirect to \(host)", host)
    }

    /// The bytes of a response kept for the status line and block-page fingerprints.
    static let keptBytes = 64 * 1024

    /// The address to connect to: a fixed one, an IP literal, or the resolver's answer (whose
    /// failure is the probe's outcome: without an address nothing further can be measured).
    private func resolve(_ host: String, _ trace: inout Trace) async -> (outcome: Outcome, address: String?) {
        if let fixed = settings.fixedAddresses[host] {
            trace.step("dns", "\(host) fixed to \(fixed)")
            return (.ok, fixed)
        }
        if ProbeURL.isIPAddress(host) { return (.ok, host) }
        let answer = await DNSProbe.run(host: host, settings: settings)
        trace.step("dns", answer.detail)
        return (answer.outcome, answer.outcome == .ok ? answer.addresses.first : nil)
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trusted = settings.trustedCertificates { configuration.trustRoots = .certificates(trusted) }
        return configuration
    }

    /// Turns what the connection saw into an outcome and the steps a person reads.
    private func judge(_ kind: ProbeKind, _ url: ProbeURL, address: String, port: Int, _ r: Connection.Report,
                       _ trace: inout Trace) -> (Outcome, UInt64?) {
        if let connect = r.connectMs { trace.step("tcp", "connected to \(address):\(port) in \(connect) ms") }
        if let handshake = r.handshakeMs { trace.step("tls", "handshake with SNI \(url.host) in \(handshake) ms") }
        if let (stage, failure) = r.failure {
            let outcome = Self.outcome(of: failure, at: stage, secure: url.secure)
            trace.step(stage.rawValue, Self.describe(failure, at: stage, address: "\(address):\(port)", timeoutMs: settings.timeoutMs))
            trace.details["failure"] = "\(stage.rawValue): \(failure)"
            // Throughput over a connection that was reset midway is still a measurement of something broken.
            return (outcome, nil)
        }
        switch kind {
        case .tcp:
            trace.step("tcp", "no reset within \(settings.resetWatchMs) ms")
            return (.ok, nil)
        case .tls:
            return (.ok, nil)
        case .http, .throughput:
            guard let response = HTTPResponse(r.head) else {
                trace.step("http", r.readTimedOut ? "no response in \(settings.timeoutMs) ms" : "no HTTP response (\(r.bytes) bytes)")
                return (r.readTimedOut && url.secure ? .tlsTimeout : .httpError, nil)
            }
            let status = response.status
            trace.details["status"] = "\(status)"
            let body = String(decoding: response.body, as: UTF8.self)
            if let print = settings.fingerprints.first(where: { body.contains($0.text) }) {
                trace.step("http", "status \(status): block page '\(print.name)'")
                trace.details["blockpage"] = print.name
                return (.httpBlockpage, nil)
            }
            if kind == .throughput {
                let kbps = UInt64(r.bytes) * 8 / UInt64(max(1, r.readMs))
                trace.step("throughput", "\(r.bytes) bytes in \(r.readMs) ms: \(kbps) kbit/s\(r.readTimedOut ? " (stopped at the timeout)" : "")")
                return (status >= 400 ? .httpError : .ok, kbps)
            }
            trace.step("http", "status \(status), \(r.bytes) bytes")
            return (status >= 400 ? .httpError : .ok, nil)
        default:
            return (.error, nil)
        }
    }

    /// The vocabulary outcome of a failure at a stage.
    static func outcome(of failure: Connection.Failure, at stage: Connection.Stage, secure: Bool) -> Outcome {
        switch (stage, failure) {
        case (.tcp, .refused): return .tcpRefused
        case (.tcp, .timeout): return .tcpTimeout
        case (.tcp, .reset): return .tcpReset
        case (.tls, .reset): return .tlsReset
        case (.tls, .timeout): return .tlsTimeout
        case (.tls, .certificate): return .tlsCertInvalid
        case (.http, .reset): return secure ? .tlsReset : .tcpReset
        case (.http, .timeout): return secure ? .tlsTimeout : .httpError
        default: return .error
        }
    }

    static func describe(_ failure: Connection.Failure, at stage: Connection.Stage, address: String, timeoutMs: Int64) -> String {
        switch failure {
        case .refused: return "connection to \(address) refused"
        case .timeout: return "no progress in \(timeoutMs) ms"
        case .reset: return stage == .tls ? "connection reset during the handshake (after ClientHello: SNI filtering?)" : "connection reset"
        case .certificate(let reason): return reason
        case .other(let reason): return "probe failed: \(reason)"
        }
    }
}

extension Date {
    /// RFC 3339 UTC with milliseconds.
    var rfc3339Milliseconds: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: self)
    }
}
