import ArgumentParser
import Foundation
import VantageProbes
import VantageWire

/// `vantage probe URL [--probe KIND]... [--json]`: a one-off measurement of one's own network.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure a URL from this network now, step by step: DNS, TCP, TLS with SNI, HTTP, throughput.",
        discussion: """
            Without --probe it runs dns, tcp, tls (https only) and http. Outcomes use the vocabulary \
            of the ledger: ok, dns_nxdomain, dns_servfail, dns_timeout, dns_bogon, tcp_timeout, \
            tcp_refused, tcp_reset, tls_timeout, tls_reset, tls_cert_invalid, http_error, \
            http_blockpage, error (the probe itself failed). Exit codes: 0 every probe ok; 2 some \
            probe saw a failure; 1 the command could not run; 64 the command line was wrong.
            """
    )

    @Argument(help: ArgumentHelp("The URL (or host) to measure, e.g. https://www.facebook.com/.", valueName: "URL"))
    var url: String

    @Option(name: .long, help: ArgumentHelp("dns, tcp, tls, http or throughput; repeat for more.", valueName: "KIND"))
    var probe: [String] = []

    @Option(name: .long, help: ArgumentHelp("The target's name in results (default: the platform of the host).", valueName: "NAME"))
    var target: String?

    @Option(name: .long, help: ArgumentHelp("Text whose presence in a body marks a block page; repeat for more.", valueName: "TEXT"))
    var fingerprint: [String] = []

    @OptionGroup(title: "Probes") var options: ProbeOptions

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func validate() throws {
        for kind in probe where ProbeKind(name: kind) == nil {
            throw ValidationError("--probe: '\(kind)' is not one of dns, tcp, tls, http, throughput")
        }
    }

    func run() async throws {
        var settings = try options.settings()
        settings.fingerprints = fingerprint.enumerated().map { ("fingerprint \($0.offset + 1)", $0.element) }
        let host = URLComponents(string: url)?.host ?? url.split(separator: ":").first.map(String.init) ?? url
        let kinds = probe.isEmpty ? (url.lowercased().hasPrefix("http://") ? ["dns", "tcp", "http"] : ["dns", "tcp", "tls", "http"]) : probe
        let name = target ?? OONILines.platform(ofHost: host.lowercased())
        let prober = Prober(settings: settings)
        var results: [ProbeResult] = []
        for kind in kinds.compactMap(ProbeKind.init(name:)) {
            let result = await prober.run(kind, target: name, input: url)
            results.append(result)
            if !json { show(result) }
        }
        if json { try printJSON(results) }
        if results.contains(where: { $0.outcome != "ok" }) { throw ExitCode(2) }
    }

    func show(_ result: ProbeResult) {
        let rate = result.throughputKbps.map { ", \($0) kbit/s" } ?? ""
        print("\(result.probe.padding(toLength: 10, withPad: " ", startingAt: 0)) \(result.outcome.uppercased())  (\(result.runtimeMs) ms\(rate))")
        for step in result.steps { print("    \(step.step): \(step.detail)") }
    }
}
