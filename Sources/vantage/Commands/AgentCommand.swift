import ArgumentParser
import Foundation
import Logging
import VantageAgent
import VantageGossip
import VantageIdentity

/// `vantage agent [--config FILE] --node NODE [--listen HOST:PORT] [--api HOST:PORT] [--join HOST:PORT]… …`.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run a node: gossip with peers over mutual TLS, measure, and serve the local HTTP API.",
        discussion: """
            The node keeps its ledger in NODE/ledger.sqlite and writes its API address to NODE/api.url. \
            It runs the newest campaign in its ledger (see `vantage admin campaign`) unless --no-probes. \
            Without --listen it only dials out (a volunteer behind NAT). It stops cleanly on SIGTERM or \
            SIGINT. Durations are written like 200ms, 1s, 5m. Every flag can also be set in a TOML file \
            given with --config (deploy/node.example.toml lists the keys); flags win over the file. \
            Limits (protocol/SPEC.md §9) are set with --limit NAME=VALUE or in the file's [limits] table.
            """
    )

    @Option(name: .long, help: ArgumentHelp("A TOML file with any of these settings.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The node folder (made by `node init`, enrolled by `admin enroll`).", valueName: "NODE"))
    var node: String?

    @Option(name: .long, help: ArgumentHelp("Accept peers on this address.", valueName: "HOST:PORT"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("Serve the HTTP API here (default 127.0.0.1:0, a free port on loopback).", valueName: "HOST:PORT"))
    var api: String?

    @Option(name: .long, help: ArgumentHelp("Dial this peer at start; repeat for more.", valueName: "HOST:PORT"))
    var join: [String] = []

    @Option(name: .customLong("gossip-interval"), help: ArgumentHelp("Time between anti-entropy rounds (default 10s; new batches are pushed and announced at once).", valueName: "DURATION"))
    var gossipInterval: String?

    @Option(name: .customLong("attest-interval"), help: ArgumentHelp("How often to rescore and attest changed verdicts; 0 never (default 60s).", valueName: "DURATION"))
    var attestInterval: String?

    @Option(name: .long, help: "Peers contacted per anti-entropy round (default 2).")
    var fanout: Int?

    @Flag(name: .customLong("no-probes"), help: "Do not measure: relay and store only.")
    var noProbes = false

    @Flag(name: .customLong("log-peer-addresses"), help: "Log the addresses of peers that connect to this node (off: logs name peers by node id).")
    var logPeerAddresses = false

    @Flag(name: .long, help: "Run as an archiver: keep every node's raw batches (the campaign must name this node in `archivers`).")
    var archive = false

    @Option(name: .customLong("alert-webhook"), help: ArgumentHelp("POST an HMAC-signed JSON alert here when a disruption of the node's country appears, widens, changes scope or ends; repeat for more (a call reveals this node's address: for nodes the coordinator runs).", valueName: "URL"))
    var alertWebhooks: [String] = []

    @Option(name: .customLong("alert-secret-file"), help: ArgumentHelp("A file holding the secret the alerts' HMAC-SHA256 is keyed with (or `secret` in the [alerts] table).", valueName: "FILE"))
    var alertSecretFile: String?

    @Option(name: .customLong("cover-page"), help: ArgumentHelp("The HTML page a listener serves to TLS clients without a mesh certificate (browsers, scanners); default a plain placeholder page.", valueName: "FILE"))
    var coverPage: String?

    @OptionGroup(title: "Probes") var probes: ProbeOptions

    @Option(name: .long, help: ArgumentHelp("Set a limit of protocol/SPEC.md §9, e.g. max_peers=16; repeat for more.", valueName: "NAME=VALUE"))
    var limit: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    /// The settings after merging flags over the file over the defaults; problems name the flag.
    struct Resolved {
        var node: String
        var listen: String?
        var api: String
        var join: [String]
        var gossipMs: Int64
        var attestMs: Int64
        var fanout: Int
        var level: Logger.Level
        var probing: Bool
        var probes: ProbeOptions
    }

    func resolve(_ file: AgentConfigFile) throws -> Resolved {
        guard let node = node ?? file.node else { throw ValidationError("give --node NODE (or `node` in the --config file)") }
        let api = api ?? file.api ?? "127.0.0.1:0"
        let listen = listen ?? file.listen
        let join = join.isEmpty ? file.join ?? [] : join
        for (flag, value) in [("--listen", listen), ("--api", api)] + join.map({ ("--join", $0) }) {
            if let value, let problem = NodeProfile.hostPortProblem(value, allowingPortZero: flag != "--join") {
                throw ValidationError("\(flag): \(problem)")
            }
        }
        let gossip = gossipInterval ?? file.gossipInterval ?? "10s"
        guard let gossipMs = DurationText.milliseconds(gossip) else {
            throw ValidationError("--gossip-interval: '\(gossip)' is not a duration such as 200ms, 1s or 5m")
        }
        let attest = attestInterval ?? file.attestInterval ?? "60s"
        guard let attestMs = attest == "0" ? 0 : DurationText.milliseconds(attest) else {
            throw ValidationError("--attest-interval: '\(attest)' is not a duration such as 10s or 5m, or 0")
        }
        let fanout = fanout ?? file.fanout ?? 2
        guard (1...64).contains(fanout) else { throw ValidationError("--fanout: \(fanout) is not between 1 and 64") }
        let levelText = logLevel ?? file.logLevel ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else { throw ValidationError("--log-level: unknown level '\(levelText)'") }
        var probes = self.probes
        probes.resolver = probes.resolver ?? file.resolver
        probes.resolve = probes.resolve.isEmpty ? file.resolve ?? [] : probes.resolve
        probes.caFile = probes.caFile ?? file.caFile
        probes.probeTimeout = probes.probeTimeout ?? file.probeTimeout
        try probes.validate()
        return Resolved(node: node, listen: listen, api: api, join: join, gossipMs: gossipMs, attestMs: attestMs, fanout: fanout,
                        level: level, probing: !noProbes && (file.probes ?? true), probes: probes)
    }

    /// Checks the file, the flags and the limits before anything starts; each problem names its
    /// flag, key or limit.
    func validate() throws {
        _ = try settings()
    }

    func run() async throws {
        let (settings, level) = try settings()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        exitWithParent()
        try await AgentRunner.run(settings, logger: Logger(label: "vantage"))
    }

    /// The agent's settings and log level: flags over the --config file over the defaults.
    func settings() throws -> (AgentSettings, Logger.Level) {
        let file: AgentConfigFile
        do {
            file = try config.map(AgentConfigFile.read) ?? AgentConfigFile()
        } catch let error as ConfigError {
            throw CommandFailure(error.description)
        }
        let resolved = try resolve(file)
        var settings = AgentSettings(nodePath: resolved.node)
        settings.listen = resolved.listen
        settings.api = resolved.api
        settings.join = resolved.join
        settings.gossip = GossipSettings(intervalMs: resolved.gossipMs, fanout: resolved.fanout)
        settings.probes = resolved.probing ? try resolved.probes.settings() : nil
        settings.attestIntervalMs = resolved.attestMs
        settings.archive = archive || (file.archive ?? false)
        settings.logPeerAddresses = logPeerAddresses
        settings.alertWebhooks = alertWebhooks.isEmpty ? file.alerts?.webhooks ?? [] : alertWebhooks
        for url in settings.alertWebhooks where !(url.hasPrefix("http://") || url.hasPrefix("https://")) || URL(string: url)?.host == nil {
            throw ValidationError("--alert-webhook: '\(url)' is not an http or https URL")
        }
        if !settings.alertWebhooks.isEmpty {
            if let path = alertSecretFile {
                let secret: Data
                do {
                    secret = try SecretFile.read(path)
                } catch {
                    throw ValidationError("--alert-secret-file: \(error)")
                }
                guard !secret.isEmpty else { throw ValidationError("--alert-secret-file: \(path) is empty") }
                settings.alertSecret = Data(String(decoding: secret, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            } else if let secret = file.alerts?.secret, !secret.isEmpty {
                settings.alertSecret = Data(secret.utf8)
            } else {
                throw ValidationError("--alert-webhook: give the secret that signs alerts, with --alert-secret-file FILE or `secret` in the [alerts] table")
            }
        }
        if let path = coverPage ?? file.coverPage {
            guard let page = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("--cover-page: \(path) does not exist or is not UTF-8 text")
            }
            settings.transport.coverPage = page
        }
        do {
            try AgentLimit.apply(file.limits ?? [:], to: &settings)
        } catch let error as ConfigError {
            throw CommandFailure("\(config ?? "config"): [limits]: \(error)")
        }
        do {
            try AgentLimit.apply(limit, to: &settings)
            try AgentLimit.validate(settings)
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        return (settings, resolved.level)
    }

    /// When started by another Vantage process (the demo, the tests) with VANTAGE_PARENT_PID set,
    /// exits once that process is gone, so no agent outlives a killed demo.
    func exitWithParent() {
        guard let text = ProcessInfo.processInfo.environment["VANTAGE_PARENT_PID"], let parent = Int32(text) else { return }
        Thread.detachNewThread {
            while getppid() == parent { sleep(1) }
            Foundation.exit(0)
        }
    }
}
