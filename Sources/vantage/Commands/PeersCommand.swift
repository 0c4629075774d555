import ArgumentParser
import VantageAgent

/// `vantage peers [--api URL | --node NODE] [--json]`.
struct PeersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers", abstract: "List a running node's peers: contact, failures, bytes.")

    @OptionGroup var target: APITarget

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        let peers = try await target.client().peers()
        if json { return try printJSON(peers) }
        print("peer          asn         state         last contact          failures  exchanges  bytes in/out")
        for p in peers {
            print([String(p.nodeID.prefix(12)), "\(p.asn)".padding(toLength: 10, withPad: " ", startingAt: 0),
                   (p.connected ? "connected" : "disconnected").padding(toLength: 12, withPad: " ", startingAt: 0),
                   (p.lastContact ?? "never").padding(toLength: 20, withPad: " ", startingAt: 0),
                   "\(p.failures)".padding(toLength: 8, withPad: " ", startingAt: 0),
                   "\(p.exchanges)".padding(toLength: 9, withPad: " ", startingAt: 0), "\(p.bytesIn)/\(p.bytesOut)"].joined(separator: "  "))
        }
    }
}
