import ArgumentParser
import Foundation
import VantageIdentity
import VantageWire

/// `vantage admin revoke --mesh MESH --node-id ID --reason CODE [--note TEXT] --out FILE`.
struct AdminRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Write a signed revocation of a node.",
        discussion: """
            The revocation refuses the node's batches created at or after --effective (default: now). \
            A compromised node can backdate its batches; when you know the last batch you trust, give \
            --last-seq and the cut is made by sequence number instead. The signed record carries only \
            a reason code; --note stays in MESH/revocations.jsonl, the coordinator's own file, for no \
            record the mesh gossips holds a sentence about a person. Spread the file with \
            `vantage admin publish`.
            """
    )

    @OptionGroup var mesh: MeshOption

    @Option(name: .customLong("node-id"), help: ArgumentHelp("The node id to revoke (64 hex digits).", valueName: "ID"))
    var nodeID: String

    @Option(name: .long, help: ArgumentHelp("Why: key-compromised, device-lost, left, misbehaved or superseded.", valueName: "CODE"))
    var reason: String

    @Option(name: .long, help: ArgumentHelp("What happened, in words: kept in MESH/revocations.jsonl, never gossiped.", valueName: "TEXT"))
    var note: String?

    @Option(name: .long, help: ArgumentHelp("File to write the signed revocation to.", valueName: "FILE"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("When the revocation takes effect, RFC 3339 (default: now).", valueName: "TIME"))
    var effective: String?

    @Option(name: .customLong("last-seq"), help: ArgumentHelp("Last batch seq of the node still trusted.", valueName: "N"))
    var lastSeq: UInt64?

    @Flag(name: .long, help: "Print the revocation as JSON.")
    var json = false

    func validate() throws {
        guard Hash256(hex: nodeID) != nil else { throw ValidationError("--node-id: '\(nodeID)' is not 64 hex digits") }
        if let effective, RFC3339.milliseconds(effective) == nil {
            throw ValidationError("--effective: '\(effective)' is not an RFC 3339 time such as 2024-01-20T13:00:00Z")
        }
        guard code != nil else {
            throw ValidationError("--reason: '\(reason)' is not one of \(RevocationReason.named.map(\.name).joined(separator: ", ")) (put words in --note)")
        }
    }

    func run() async throws {
        let admin = try MeshDirectory(path: mesh.mesh).loadAdmin()
        let now = Date()
        let when = effective.flatMap(RFC3339.milliseconds).map(Date.init(unixMilliseconds:)) ?? now
        let envelope = admin.revoke(nodeID: Hash256(hex: nodeID)!, effective: when, lastAcceptedSeq: lastSeq, reason: code!, now: now)
        try RecordFile.write(envelope, to: out)
        try appendToLog(envelope, now: now)
        if json {
            try printJSON(EnvelopeSummary(envelope))
            return
        }
        print("""
            revoked node \(nodeID.lowercased())
              effective   \(when.rfc3339)\(lastSeq.map { ", batches after seq \($0) refused" } ?? "")
              reason      \(code!.name)\(note.map { _ in " (note kept in \(logPath))" } ?? "")
              wrote       \(out)
            """)
    }

    /// The reason code `--reason` names.
    var code: RevocationReason? { RevocationReason.named.first { $0.name == reason.lowercased() }?.reason }

    /// The coordinator's log of revocations, in the mesh folder.
    var logPath: String { mesh.mesh + "/revocations.jsonl" }

    /// Appends one JSON line (revocation id, node id, time, code, note) to the coordinator's log.
    func appendToLog(_ envelope: Envelope, now: Date) throws {
        let entry: [String: String] = ["revocation": envelope.recordID?.hex ?? "", "node_id": nodeID.lowercased(), "created": now.rfc3339,
                                       "reason": code!.name, "note": note ?? ""]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = try encoder.encode(entry) + Data("\n".utf8)
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600]) }
        guard let handle = FileHandle(forWritingAtPath: logPath) else { throw CommandFailure("cannot write \(logPath)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }
}
