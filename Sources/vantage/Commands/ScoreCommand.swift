import ArgumentParser
import Foundation
import VantageAgent
import VantageScoring
import VantageWire

/// `vantage score --input FILE.jsonl --country CC [--input-format vantage|ooni] [--window D] [--format json|table]`.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score measurements offline: is a disruption local, regional, nation-scale or global?",
        discussion: """
            Each JSON line names its vantage point: {"vantage":"pk-ptcl-1","asn":17557,"cc":"PK",\
            "target":"facebook","input":"https://www.facebook.com/","probe":"tls",\
            "time":"2024-01-20T13:05:00Z","outcome":"tls_reset","runtime_ms":5012}. Vantage points \
            outside --country are controls. With --input-format ooni, the file \
            holds OONI measurements (web_connectivity, facebook_messenger, whatsapp, telegram), \
            mapped as protocol/SPEC.md §13a says. Unusable lines are reported on stderr with their \
            number, and how many of how many at the end; the rest is scored, and the exit code is 1 \
            unless --skip-bad-lines says that is fine. JSON is the default when stdout is not a terminal.
            """
    )

    @Option(name: .long, help: ArgumentHelp("JSON Lines of measurements.", valueName: "FILE.jsonl"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("The country to score (ISO 3166 alpha-2).", valueName: "CC"))
    var country: String

    @Option(name: .long, help: ArgumentHelp("Window length, e.g. 10m (default from the policy: 10m).", valueName: "DURATION"))
    var window: String?

    @Option(name: .long, help: "Output: json or table (default: table on a terminal, json otherwise).")
    var format: String?

    @Option(name: .customLong("input-format"), help: "vantage (default) or ooni.")
    var inputFormat: String?

    @Flag(name: .customLong("skip-bad-lines"), help: "Exit 0 even when some lines were refused (they are still reported).")
    var skipBadLines = false

    @Option(name: .customLong("control-target"), help: ArgumentHelp("A target expected to stay reachable, to tell a vantage point's own outage from blocking (default wikipedia); repeat for more.", valueName: "NAME"))
    var controlTargets: [String] = []

    func validate() throws {
        if let window, (DurationText.milliseconds(window) ?? 0) < 1000 {
            throw ValidationError("--window: '\(window)' is not a duration of at least 1s, such as 10m")
        }
        if format == "ooni" { throw ValidationError("--format: 'ooni' is an input format; give --input-format ooni (--format is the output: json or table)") }
        if let format, !["json", "table"].contains(format) { throw ValidationError("--format: '\(format)' is not json or table") }
        if let inputFormat, InputFormat(rawValue: inputFormat) == nil {
            throw ValidationError("--input-format: '\(inputFormat)' is not vantage or ooni")
        }
        if country.count != 2 || country.uppercased() != country { throw ValidationError("--country: '\(country)' is not a code such as PK") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: input) else { throw CommandFailure("\(input) does not exist or cannot be read") }
        let source: InputFormat = inputFormat.flatMap(InputFormat.init(rawValue:)) ?? .vantage
        let bar = ProgressBar("reading \(input)", total: data.count)
        let (observations, errors) = OfflineInput.read(data, format: source, progress: bar.update)
        bar.finish("\(observations.count) measurements read, \(errors.count) lines refused")
        for error in errors { FileHandle.standardError.write(Data("\(input): \(error)\n".utf8)) }
        var parameters = ScoringParameters(ScoringPolicy(), controlTargets: controlTargets.isEmpty ? ScoringParameters.defaultControlTargets : controlTargets)
        if let window { parameters.windowSeconds = Int(DurationText.milliseconds(window)! / 1000) }
        let result = Scorer.score(observations, country: country, parameters: parameters)
        if (format ?? (isatty(1) == 1 ? "table" : "json")) == "json" {
            try printJSON(result)
        } else {
            print("\(country): \(observations.count) measurements scored, \(result.verdicts.count) verdicts")
            for verdict in result.verdicts { print("  " + verdict.sentence) }
        }
        guard !errors.isEmpty else { return }
        if observations.isEmpty, source == .vantage {
            FileHandle.standardError.write(Data("\(input): no line is a Vantage measurement; if it holds OONI measurements, give --input-format ooni\n".utf8))
        }
        FileHandle.standardError.write(Data("\(input): \(errors.count) of \(observations.count + errors.count) lines refused\(skipBadLines ? " (skipped)" : "; the verdicts above leave them out (--skip-bad-lines to accept that)")\n".utf8))
        if !skipBadLines { throw ExitCode.failure }
    }
}
