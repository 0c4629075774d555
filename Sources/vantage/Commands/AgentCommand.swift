import ArgumentParser
import Foundation
import Logging
import VantageAgent
import VantageGossip
import VantageIdentity

/// `vantage agent --node NODE [--listen HOST:PORT] [--api HOST:PORT] [--join HOST:PORT]… [--gossip-interval D] [--fanout N]`.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run a node: gossip with peers over mutual TLS and serve the local HTTP API.",
        discussion: """
            The node keeps its ledger in NODE/ledger.sqlite and writes its API address to NODE/api.url. \
            It runs the newest campaign in its ledger (see `vantage admin campaign`) unless --no-probes. \
            Without --listen it only dials out (a volunteer behind NAT). It stops cleanly on SIGTERM or \
            SIGINT. Durations are written like 200ms, 1s, 5m.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The node folder (made by `node init`, enrolled by `admin enroll`).", valueName: "NODE"))
    var node: String

    @Option(name: .long, help: ArgumentHelp("Accept peers on this address.", valueName: "HOST:PORT"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("Serve the HTTP API here (default 127.0.0.1 on a free port).", valueName: "HOST:PORT"))
    var api: String = "127.0.0.1:0"

    @Option(name: .long, help: ArgumentHelp("Dial this peer at start; repeat for more.", valueName: "HOST:PORT"))
    var join: [String] = []

    @Option(name: .customLong("gossip-interval"), help: ArgumentHelp("Time between anti-entropy rounds.", valueName: "DURATION"))
    var gossipInterval: String = "1s"

    @Option(name: .customLong("attest-interval"), help: ArgumentHelp("How often to rescore and attest changed verdicts; 0 never.", valueName: "DURATION"))
    var attestInterval = "60s"

    @Option(name: .long, help: "Peers contacted per anti-entropy round.")
    var fanout: Int = 2

    @Flag(name: .customLong("no-probes"), help: "Do not measure: relay and store only.")
    var noProbes = false

    @OptionGroup(title: "Probes") var probes: ProbeOptions

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        for (flag, value) in [("--listen", listen), ("--api", api)] + join.map({ ("--join", $0) }) {
            if let value, let problem = NodeProfile.hostPortProblem(value, allowingPortZero: flag != "--join") {
                throw ValidationError("\(flag): \(problem)")
            }
        }
        guard DurationText.milliseconds(gossipInterval) != nil else {
            throw ValidationError("--gossip-interval: '\(gossipInterval)' is not a duration such as 200ms, 1s or 5m")
        }
        guard attestInterval == "0" || DurationText.milliseconds(attestInterval) != nil else {
            throw ValidationError("--attest-interval: '\(attestInterval)' is not a duration such as 10s or 5m, or 0")
        }
        guard (1...64).contains(fanout) else { throw ValidationError("--fanout: \(fanout) is not between 1 and 64") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level '\(logLevel)'") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var settings = AgentSettings(nodePath: node)
        settings.listen = listen
        settings.api = api
        settings.join = join
        settings.gossip = GossipSettings(intervalMs: DurationText.milliseconds(gossipInterval)!, fanout: fanout)
        settings.probes = noProbes ? nil : try probes.settings()
        settings.attestIntervalMs = attestInterval == "0" ? 0 : DurationText.milliseconds(attestInterval)!
        exitWithParent()
        try await AgentRunner.run(settings, logger: Logger(label: "vantage"))
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
