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
        discussion: """
            Give the mesh key you trust (the coordinator's mesh.json, or the root key in hex) with \
            --mesh-key: without it the report's own key is taken, and anyone can make a mesh whose \
            signatures agree, so the result is at most CONSISTENT. Exit codes: 0 VERIFIED (every \
            check holds and the mesh key matches the trusted one); 1 NOT VERIFIED (each failing part \
            is named); 3 CONSISTENT but the mesh was not checked.
            """)

    /// The exit code of a report whose checks all hold but whose mesh key was not checked.
    static let meshNotChecked: Int32 = 3

    @Argument(help: ArgumentHelp("The report file.", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("mesh-key"), help: ArgumentHelp("The mesh's mesh.json (or its root key in hex) that you trust.", valueName: "FILE"))
    var meshKey: String?

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        let report = try Self.read(file)
        let verification = ReportVerifier.verify(report, trustedRoot: try meshKey.map(Self.trustedKey))
        if json {
            try printJSON(verification)
        } else {
            for check in verification.checks { print("\(check.holds ? "ok  " : "FAIL") \(check.part): \(check.detail)") }
            let failed = verification.checks.filter { !$0.holds }.map(\.part)
            if verification.verified {
                print("VERIFIED: \(report.verdict.sentence)")
            } else if verification.consistent {
                print("CONSISTENT, MESH NOT CHECKED: the signatures agree with the report's own mesh key; verify with --mesh-key MESH.json to know it is the mesh you trust")
            } else {
                print("NOT VERIFIED: \(failed.joined(separator: ", ")) did not hold")
            }
        }
        if !verification.consistent { throw ExitCode.failure }
        if !verification.meshChecked { throw ExitCode(Self.meshNotChecked) }
    }

    /// Reads a report file; the error names it.
    static func read(_ file: String) throws -> Report {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file) does not exist or cannot be read") }
        do {
            return try JSONDecoder().decode(Report.self, from: data)
        } catch {
            throw CommandFailure("\(file) is not a Vantage report: \(error)")
        }
    }

    /// The trusted root key from a mesh.json file, or from a file or argument holding it in hex.
    static func trustedKey(_ path: String) throws -> PublicKey {
        if let description = try? MeshDescription.read(path) { return try description.rootKey(path: path) }
        let text = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? path).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Hex.decode(text), let key = try? PublicKey(raw: raw) else {
            throw CommandFailure("--mesh-key: \(path) is neither a mesh.json nor a 32-byte hex Ed25519 key")
        }
        return key
    }
}
