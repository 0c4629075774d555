import ArgumentParser
import Foundation
import VantageAgent

/// `vantage submit [--api URL --token-file F | --node NODE] FILE.jsonl`.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send measurements (JSON Lines) to a running node, which signs them into batches.",
        discussion: """
            Each line: {"target":"facebook","input":"https://www.facebook.com/","probe":"tls",\
            "time":"2024-01-20T13:05:00Z","outcome":"tls_reset","runtime_ms":5012}. A line that cannot \
            be used is reported with its number and reason; the others are still accepted. Exit code 1 \
            when any line was refused.
            """
    )

    @OptionGroup var target: APITarget

    @Argument(help: ArgumentHelp("JSON Lines of measurements.", valueName: "FILE.jsonl"))
    var file: String

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file) does not exist or cannot be read") }
        let report = try await target.client().submit(jsonLines: data)
        if json { try printJSON(report) } else { printReport(report, noun: "measurements") }
        if report.refused > 0 { throw ExitCode.failure }
    }
}

/// Prints an accepted/refused report for people.
func printReport(_ report: SubmitReport, noun: String) {
    print("accepted \(report.accepted) \(noun), refused \(report.refused)\(report.batches > 0 ? ", signed \(report.batches) batches" : "")")
    for error in report.errors { print("  refused \(error)") }
}
