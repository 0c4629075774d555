import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity
import VantageScoring

/// `vantage report verify FILE [--mesh-key FILE] [--json]`.
struct ReportVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a report offline: every signature, the verdict recomputed from its evidence, the attestations.",
        discussion: "Exit code 0 when every check holds, 1 when any does not (each failing part is named).")

    @Argument(help: ArgumentHelp("The report file.", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("mesh-key"), help: ArgumentHelp("The mesh's mesh.json (or its root key in hex) that you trust.", valueName: "FILE"))
    var meshKey: String?

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file) does not exist or cannot be read") }
        let report: Report
        do {
            report = try JSONDecoder().decode(Report.self, from: data)
        } catch {
            throw CommandFailure("\(file) is not a Vantage report: \(error)")
        }
        let verification = ReportVerifier.verify(report, trustedRoot: try meshKey.map(trustedKey))
        if json {
            try printJSON(verification)
        } else {
            for check in verification.checks { print("\(check.holds ? "ok  " : "FAIL") \(check.part): \(check.detail)") }
            let failed = verification.checks.filter { !$0.holds }.map(\.part)
            print(verification.verified ? "VERIFIED: \(report.verdict.sentence)" : "NOT VERIFIED: \(failed.joined(separator: ", ")) did not hold")
        }
        if !verification.verified { throw ExitCode.failure }
    }

    /// The trusted root key from a mesh.json file, or from a file or argument holding it in hex.
    func trustedKey(_ path: String) throws -> PublicKey {
        if let description = try? MeshDescription.read(path) { return try description.rootKey(path: path) }
        let text = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? path).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Hex.decode(text), let key = try? PublicKey(raw: raw) else {
            throw CommandFailure("--mesh-key: \(path) is neither a mesh.json nor a 32-byte hex Ed25519 key")
        }
        return key
    }
}
