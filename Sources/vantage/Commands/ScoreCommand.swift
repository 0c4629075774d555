import ArgumentParser
import Foundation
import VantageAgent
import VantageScoring
import VantageWire

/// `vantage score --input FILE.jsonl --country CC [--window DURATION] [--format json|table]`.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score measurements offline: is a disruption local, regional, nation-scale or global?",
        discussion: """
            Each JSON line names its vantage point: {"vantage":"pk-ptcl-1","asn":17557,"cc":"PK",\
            "target":"facebook","input":"https://www.facebook.com/","probe":"tls",\
            "time":"2024-01-20T13:05:00Z","outcome":"tls_reset","runtime_ms":5012}. Vantage points \
            outside --country are controls. Unusable lines are reported on stderr with their number; \
            the rest is scored. JSON is the default when stdout is not a terminal.
            """
    )

    @Option(name: .long, help: ArgumentHelp("JSON Lines of measurements.", valueName: "FILE.jsonl"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("The country to score (ISO 3166 alpha-2).", valueName: "CC"))
    var country: String

    @Option(name: .long, help: ArgumentHelp("Window length, e.g. 10m (default from the policy: 10m).", valueName: "DURATION"))
    var window: String?

    @Option(name: .long, help: "json or table (default: table on a terminal, json otherwise).")
    var format: String?

    func validate() throws {
        if let window, (DurationText.milliseconds(window) ?? 0) < 1000 {
            throw ValidationError("--window: '\(window)' is not a duration of at least 1s, such as 10m")
        }
        if let format, !["json", "table"].contains(format) { throw ValidationError("--format: '\(format)' is not json or table") }
        if country.count != 2 || country.uppercased() != country { throw ValidationError("--country: '\(country)' is not a code such as PK") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: input) else { throw CommandFailure("\(input) does not exist or cannot be read") }
        let (lines, errors) = MeasurementLines.parse(data)
        var observations: [Observation] = []
        var problems = errors.map(\.description)
        for (index, line) in lines.enumerated() {
            guard let vantage = line.vantage, let asn = line.asn, let cc = line.country else {
                problems.append("measurement \(index + 1): offline scoring needs \"vantage\", \"asn\" and \"cc\" on every line")
                continue
            }
            let m = line.measurement
            observations.append(Observation(vantage: vantage, asn: asn, country: cc, target: m.target, timeMs: m.startTimeMs,
                                            outcome: m.outcome, throughputKbps: m.hasThroughputKbps ? m.throughputKbps : nil))
        }
        for problem in problems { FileHandle.standardError.write(Data("\(input): \(problem)\n".utf8)) }
        var parameters = ScoringParameters()
        if let window { parameters.windowSeconds = Int(DurationText.milliseconds(window)! / 1000) }
        let result = Scorer.score(observations, country: country, parameters: parameters)
        if (format ?? (isatty(1) == 1 ? "table" : "json")) == "json" {
            try printJSON(result)
        } else {
            print("\(country): \(observations.count) measurements scored, \(result.verdicts.count) verdicts")
            for verdict in result.verdicts { print("  " + verdict.sentence) }
        }
    }
}
