import ArgumentParser
import Foundation
import NIOSSL
import VantageAgent
import VantageIdentity
import VantageProbes

/// How probes run, shared by `vantage probe` and `vantage agent`.
struct ProbeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Ask this DNS resolver over UDP instead of the system's.", valueName: "IP:PORT"))
    var resolver: String?

    @Option(name: .long, help: ArgumentHelp("Use this address for a host name instead of resolving it; repeat for more.", valueName: "HOST=IP"))
    var resolve: [String] = []

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Trust these PEM certificates instead of the system's.", valueName: "PEM"))
    var caFile: String?

    @Option(name: .customLong("probe-timeout"), help: ArgumentHelp("Timeout of each probe step (default 10s).", valueName: "DURATION"))
    var probeTimeout: String?

    func validate() throws {
        if let resolver, NodeProfile.hostPortProblem(resolver, allowingPortZero: false) != nil {
            throw ValidationError("--resolver: '\(resolver)' is not IP:PORT such as 127.0.0.1:53")
        }
        for entry in resolve where entry.split(separator: "=").count != 2 {
            throw ValidationError("--resolve: '\(entry)' is not HOST=IP such as blocked.example=127.0.0.1")
        }
        if let probeTimeout, DurationText.milliseconds(probeTimeout) == nil {
            throw ValidationError("--probe-timeout: '\(probeTimeout)' is not a duration such as 10s")
        }
    }

    /// The probe settings these options describe.
    func settings() throws -> ProbeSettings {
        var settings = ProbeSettings()
        if let probeTimeout { settings.timeoutMs = DurationText.milliseconds(probeTimeout)! }
        if let resolver {
            let (host, port) = NodeProfile.splitHostPort(resolver)!
            settings.resolver = .udp(host: host, port: port)
        }
        for entry in resolve {
            let parts = entry.split(separator: "=").map(String.init)
            settings.fixedAddresses[parts[0].lowercased()] = parts[1]
        }
        if let caFile {
            do {
                settings.trustedCertificates = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw CommandFailure("--ca-file: \(caFile) is not a PEM certificate file: \(error)")
            }
        }
        return settings
    }
}
