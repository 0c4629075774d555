import ArgumentParser
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// `vantage ledger inspect FILE [--json]`.
struct LedgerInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what an envelope or ledger file holds, and whether its signatures verify.",
        discussion: """
            An envelope file (enrollment-request.envelope, enrollment.envelope, a revocation, …) is \
            shown with its kind, id, signer, signature check and fields. A ledger file is loaded fact \
            by fact, verifying each, and shown with its digest, roster and logs; facts that were \
            refused are listed with the reason. Exit code 1 when any signature fails.
            """
    )

    @Argument(help: ArgumentHelp("An envelope or ledger file.", valueName: "FILE"))
    var file: String

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    struct LedgerReport: Encodable {
        var ledger: LedgerSummary
        var refused: [String]
    }

    func run() async throws {
        switch try RecordFile.read(file) {
        case .envelope(let envelope):
            let summary = EnvelopeSummary(envelope)
            if json { try printJSON(summary) } else { print(summary.lines.joined(separator: "\n")) }
            if !summary.signatureValid { throw ExitCode.failure }
        case .ledger(let snapshot):
            let (ledger, report) = try Ledger.load(snapshot, nowMs: Date().unixMilliseconds)
            let refused = report.refused.map(\.description)
            if json {
                try printJSON(LedgerReport(ledger: LedgerSummary(ledger), refused: refused))
            } else {
                print((LedgerSummary(ledger).lines + refused.map { "refused   \($0)" }).joined(separator: "\n"))
            }
            if !refused.isEmpty { throw ExitCode.failure }
        }
    }
}
