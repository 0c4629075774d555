import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import VantageIdentity

/// Runs a node: the agent and its HTTP API under swift-service-lifecycle, until SIGTERM or SIGINT.
public enum AgentRunner {
    /// Starts the node described by `settings` and returns when it has shut down.
    public static func run(_ settings: AgentSettings, logger: Logger) async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let agent = try NodeAgent(settings: settings, logger: logger)
        let (host, port) = try NodeAgent.split(settings.api)
        if host != "127.0.0.1" && host != "localhost" && host != "::1" {
            logger.warning("the API listens beyond loopback; reads are open to anyone who can reach \(settings.api)")
        }
        let urlPath = NodeDirectory(path: settings.nodePath).path + "/api.url"
        let api = AgentAPI(agent: agent, registry: registry, settings: settings)
        let application = Application(
            router: api.router(),
            // A client that sends nothing for idle_timeout_ms is closed, as on the mesh port.
            server: .http1(configuration: .init(idleTimeout: .milliseconds(settings.transport.idleTimeoutMs))),
            configuration: .init(address: .hostname(host, port: port), serverName: "vantage"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                try? "http://\(host):\(bound)\n".write(toFile: urlPath, atomically: true, encoding: .utf8)
                logger.info("API serving", metadata: ["url": "http://\(host):\(bound)"])
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: AgentService(agent: agent)), .init(service: application)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("node starting", metadata: ["node": "\(agent.id.short)", "mesh": "\(settings.nodePath)"])
        try await group.run()
    }
}

/// The agent as a service: runs until graceful shutdown.
struct AgentService: Service {
    let agent: NodeAgent

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await agent.run() }
        } catch is CancellationError {
            return
        }
    }
}
