import ArgumentParser
import Foundation
import VantageAgent
import VantageScoring

/// `vantage report render FILE --out PAGE [--format html|svg] [--mesh-key FILE]`.
struct ReportRender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write a report as one self-contained web page (or its chart alone as SVG) for readers.",
        discussion: """
            The page holds the verdict in a sentence, a chart of the share of ASNs that could reach \
            each target over time (the verdict's span shaded, controls abroad apart), the heat map \
            of ASN × time, the verification result with the command that repeats it, and the \
            evidence by signer. No scripts, fonts or links: it opens offline. Give --mesh-key as \
            for `report verify`; without it the page says plainly that the mesh was not checked.
            """)

    @Argument(help: ArgumentHelp("The report file (from `report export`).", valueName: "FILE"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Where to write the page.", valueName: "PAGE"))
    var out: String

    @Option(name: .long, help: "html (the page, default) or svg (the chart alone).")
    var format = "html"

    @Option(name: .customLong("mesh-key"), help: ArgumentHelp("The mesh's mesh.json (or its root key in hex) that you trust.", valueName: "FILE"))
    var meshKey: String?

    func validate() throws {
        guard ["html", "svg"].contains(format) else { throw ValidationError("--format: '\(format)' is not html or svg") }
    }

    func run() async throws {
        let report = try ReportVerify.read(file)
        let verification = ReportVerifier.verify(report, trustedRoot: try meshKey.map(ReportVerify.trustedKey))
        let text = format == "svg" ? ReportPage.svg(report) : ReportPage.html(report, verification: verification, file: URL(fileURLWithPath: file).lastPathComponent)
        do {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure("--out: cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out): \(verification.verified ? "VERIFIED" : verification.consistent ? "consistent, mesh NOT checked" : "NOT VERIFIED") — \(report.verdict.sentence)")
    }
}
