import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity
import VantageScoring

/// `vantage report export (--api URL | --node NODE) --verdict ID --out report.json`.
struct ReportExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a verdict's report: the verdict, its signed evidence, the enrollments, the attestations, the mesh key.")

    @OptionGroup var target: APITarget

    @Option(name: .long, help: ArgumentHelp("The verdict's id (see `vantage verdicts`).", valueName: "ID"))
    var verdict: String

    @Option(name: .long, help: ArgumentHelp("The country the verdict is about (default: the node's own).", valueName: "CC"))
    var country: String?

    @Option(name: .long, help: ArgumentHelp("Where to write the report.", valueName: "FILE"))
    var out: String

    func run() async throws {
        let report = try await target.client().report(verdictID: verdict, country: country)
        guard FileManager.default.createFile(atPath: out, contents: try report.fileData()) else {
            throw CommandFailure("cannot write \(out)")
        }
        print("""
            wrote \(out)
              verdict       \(report.verdict.sentence)
              evidence      \(report.batches.count) raw batches, \(report.summaries.count) summary batches, \(report.enrollments.count) enrollments
              attestations  \(report.attestations.count)
            check it anywhere with: vantage report verify \(out) --mesh-key \(meshKeyHint(report))
            """)
        if let missing = report.missingEvidence {
            FileHandle.standardError.write(Data("""
                warning: \(missing.count) raw batches the summaries name could not be fetched from an archiver or their origin \
                (first: \(missing.prefix(3).joined(separator: ", "))); the report will not verify until they are in it. \
                Export again once an archiver is reachable.

                """.utf8))
        }
    }

    /// The mesh key to name in the verify command: the node's mesh.json, or the key itself in hex.
    func meshKeyHint(_ report: Report) -> String {
        target.node.map { NodeDirectory(path: $0).meshDescriptionPath } ?? report.meshRootKey
    }
}
