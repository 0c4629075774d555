import ArgumentParser
import VantageAgent

/// `vantage status [--api URL | --node NODE] [--json]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a running node: who it is, its ledger digest and counts, its peers.")

    @OptionGroup var target: APITarget

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        let status = try await target.client().status()
        if json { return try printJSON(status) }
        let l = status.ledger
        print("""
            node     \(status.nodeID.prefix(12))  \(status.country), AS\(status.asn)\(status.isp.isEmpty ? "" : " \(status.isp)")  mesh \(status.meshName)\(status.archiver ? "  (archiver: keeps every raw batch)" : "")
            ledger   digest \(l.digest.prefix(16)), summary tier \(l.summaryDigest.prefix(16))  ·  \(l.origins) origins, \(l.batches) batches, \(l.summaryBatches) summary batches, \(l.measurements) measurements\(l.held > 0 ? ", \(l.held) held" : "")\(l.excluded > 0 ? ", \(l.excluded) excluded" : "")
            \(status.replication.map { "evidence " + ($0.shortfall.map { "BELOW GOAL: \($0)" } ?? "raw batches held by \($0.ownRaw.archivers) archivers in \($0.ownRaw.countries.joined(separator: ", ")), goal \($0.named.goalArchivers) in \($0.named.goalCountries)") + "\n" } ?? "")peers    \(status.peers.count) connected\(status.peers.isEmpty ? "" : ": " + status.peers.map { "\($0.nodeID.prefix(12)) (AS\($0.asn))" }.joined(separator: ", "))
            """)
    }
}
