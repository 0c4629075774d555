import ArgumentParser
import Foundation
import VantageIdentity
import VantageWire

/// `vantage admin revoke --mesh MESH --node-id ID --reason TEXT --out FILE`.
struct AdminRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Write a signed revocation of a node.",
        discussion: """
            The revocation refuses the node's batches created at or after --effective (default: now). \
            A compromised node can backdate its batches; when you know the last batch you trust, give \
            --last-seq and the cut is made by sequence number instead. Spread the file to the mesh \
            (a later release adds `vantage admin publish`).
            """
    )

    @OptionGroup var mesh: MeshOption

    @Option(name: .customLong("node-id"), help: ArgumentHelp("The node id to revoke (64 hex digits).", valueName: "ID"))
    var nodeID: String

    @Option(name: .long, help: "Why, for the record.")
    var reason: String

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
        if let effective, ISO8601DateFormatter().date(from: effective) == nil {
            throw ValidationError("--effective: '\(effective)' is not an RFC 3339 time such as 2024-01-20T13:00:00Z")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason: must not be empty") }
    }

    func run() async throws {
        let admin = try MeshDirectory(path: mesh.mesh).loadAdmin()
        let now = Date()
        let when = effective.flatMap { ISO8601DateFormatter().date(from: $0) } ?? now
        let envelope = admin.revoke(nodeID: Hash256(hex: nodeID)!, effective: when, lastAcceptedSeq: lastSeq, reason: reason, now: now)
        try RecordFile.write(envelope, to: out)
        if json {
            try printJSON(EnvelopeSummary(envelope))
            return
        }
        print("""
            revoked node \(nodeID.lowercased())
              effective   \(when.rfc3339)\(lastSeq.map { ", batches after seq \($0) refused" } ?? "")
              reason      \(reason)
              wrote       \(out)
            """)
    }
}
