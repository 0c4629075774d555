import ArgumentParser
import VantageAgent

/// `vantage verdicts [--api URL | --node NODE] [--country CC] [--json]`.
struct VerdictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdicts", abstract: "Show a running node's verdicts: what is disrupted, where, since when.")

    @OptionGroup var target: APITarget

    @Option(name: .long, help: ArgumentHelp("The country to score (default: the node's own).", valueName: "CC"))
    var country: String?

    @Flag(name: .long, help: "Print JSON for machines (the same JSON as `vantage score`).")
    var json = false

    func run() async throws {
        let result = try await target.client().verdicts(country: country)
        if json { return try printJSON(result) }
        let minutes = result.policy.windowSeconds / 60
        print("\(result.country): \(result.verdicts.count) verdict\(result.verdicts.count == 1 ? "" : "s") over closed \(minutes)-minute windows")
        for verdict in result.verdicts {
            print("  \(verdict.sentence)")
            print("    id \(verdict.id) · \(verdict.vantagePoints) vantage points · ASNs \(verdict.affectedASNs.map { "AS\($0)" }.joined(separator: " "))")
        }
    }
}
