import ArgumentParser
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// `vantage ledger inspect FILE [--json]`.
struct LedgerInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what an envelope, ledger or vector file holds, and whether its signatures verify.",
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

    struct VectorRow: Encodable {
        var origin: String
        var floorSeq: UInt64
        var headSeq: UInt64
        var headHash: String
    }

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
        case .vector(let message):
            let vector = try VersionVector(message: message)
            let rows = vector.entries.map { VectorRow(origin: $0.0.hex, floorSeq: $0.1.floorSeq, headSeq: $0.1.headSeq, headHash: $0.1.headHash.hex) }
            if json { return try printJSON(rows) }
            print("version vector: \(rows.count) origins, small facts \(vector.smallFactsDigest.short)")
            for row in rows { print("  \(row.origin.prefix(12))  seq \(row.floorSeq + 1)–\(row.headSeq)  head \(row.headHash.prefix(12))") }
        }
    }
}
