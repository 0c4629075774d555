import ArgumentParser
import Foundation
import VantageIdentity

/// `vantage admin renew --mesh MESH --node NODE [--days 30]`.
struct AdminRenew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Renew a node's enrollment and TLS certificate before they expire.",
        discussion: """
            Reads NODE/enrollment.envelope and writes a new enrollment of the same key, country, ASN \
            and ISP — the same vantage point — valid from now, and a new node.pem for as long. Send \
            both back to the volunteer. Certificates are short-lived on purpose: a revoked node's \
            certificate stops working by itself, even at a relay that has not heard of the \
            revocation. A node offline longer than its certificate carries its facts by \
            `vantage ledger export` and `ledger import`.
            """
    )

    @OptionGroup var mesh: MeshOption

    @Option(name: .long, help: ArgumentHelp("The node folder holding the enrollment to renew.", valueName: "NODE"))
    var node: String

    @Option(name: .long, help: "Days the renewed enrollment and certificate stay valid.")
    var days: Int = AdminEnroll.defaultDays

    @Flag(name: .long, help: "Print the enrollment as JSON.")
    var json = false

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days: \(days) is not between 1 and 3650") }
    }

    func run() async throws {
        let admin = try MeshDirectory(path: mesh.mesh).loadAdmin()
        let directory = NodeDirectory(path: node)
        let renewed = try admin.renew(node: directory, now: Date(), validity: Double(days) * 86_400)
        if json { return try printJSON(EnvelopeSummary(renewed.envelope)) }
        let e = renewed.record
        print("""
            renewed node \(Hash256.of(Array(e.nodePublicKey)).hex)
              where       \(e.country), AS\(e.asn)\(e.isp.isEmpty ? "" : " (\(e.isp))") — the same vantage point
              valid       \(Date(unixMilliseconds: e.notBeforeMs).rfc3339) to \(Date(unixMilliseconds: e.notAfterMs).rfc3339)
              wrote       \(directory.enrollmentPath), \(directory.certificatePath)
            """)
    }
}
