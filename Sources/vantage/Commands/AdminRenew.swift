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

    @OptionGroup var validity: ValidityOption

    @Flag(name: .long, help: "Print the enrollment as JSON.")
    var json = false

    func run() async throws {
        let admin = try MeshDirectory(path: mesh.mesh).loadAdmin()
        let directory = NodeDirectory(path: node)
        let renewed = try admin.renew(node: directory, now: Date(), validity: validity.seconds)
        try AdminEnroll.report(renewed, json: json, verb: "renewed", place: " — the same vantage point",
                               wrote: [directory.enrollmentPath, directory.certificatePath])
    }
}
