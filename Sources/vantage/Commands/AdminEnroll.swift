import ArgumentParser
import Foundation
import VantageIdentity
import VantageWire

/// `vantage admin enroll --mesh MESH --node NODE`.
struct AdminEnroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Sign a node's enrollment request and issue its TLS certificate.",
        discussion: """
            Reads NODE/enrollment-request.envelope, checks that the node signed it with the key it \
            asks to enroll, and writes into NODE: enrollment.envelope (signed by the mesh root), \
            node.pem (its TLS certificate from the mesh CA), ca.pem and mesh.json; with --campaign also \
            campaign.envelope, whose relays tell the new node where to dial.
            """
    )

    @OptionGroup var mesh: MeshOption

    @Option(name: .long, help: ArgumentHelp("The node folder made by `vantage node init`.", valueName: "NODE"))
    var node: String

    @OptionGroup var validity: ValidityOption

    @Option(name: .long, help: ArgumentHelp("A signed campaign (from `admin campaign`) to send with the enrollment.", valueName: "FILE"))
    var campaign: String?

    @Flag(name: .long, help: "Print the enrollment as JSON.")
    var json = false

    func run() async throws {
        let admin = try MeshDirectory(path: mesh.mesh).loadAdmin()
        let directory = NodeDirectory(path: node)
        if let campaign {
            let envelope = try RecordFile.readEnvelope(campaign)
            guard envelope.kind == .campaign else {
                throw CommandFailure("\(campaign): holds a \(envelope.kind.displayName), not a signed campaign")
            }
            try RecordFile.write(envelope, to: directory.campaignPath)
        }
        let enrollment = try admin.enroll(node: directory, now: Date(), validity: validity.seconds)
        try Self.report(enrollment, json: json, verb: "enrolled", place: "",
                        wrote: [directory.enrollmentPath, directory.certificatePath, directory.caCertificatePath, directory.meshDescriptionPath]
                            + (campaign == nil ? [] : [directory.campaignPath]))
    }

    /// Prints a signed enrollment for the coordinator: JSON, or who, where, how long, which files.
    static func report(_ enrollment: Verified<Enrollment>, json: Bool, verb: String, place: String, wrote: [String]) throws {
        if json { return try printJSON(EnvelopeSummary(enrollment.envelope)) }
        let e = enrollment.record
        print("""
            \(verb) node \(Hash256.of(Array(e.nodePublicKey)).hex)
              where       \(e.country), AS\(e.asn)\(e.isp.isEmpty ? "" : " (\(e.isp))")\(place)
              valid       \(Date(unixMilliseconds: e.notBeforeMs).rfc3339) to \(Date(unixMilliseconds: e.notAfterMs).rfc3339)
              wrote       \(wrote.joined(separator: ", "))
            """)
    }
}

/// `--days`, for `admin enroll` and `admin renew`: enrollments and certificates are short-lived
/// (DESIGN.md, "Volunteer safety"), 30 days unless the coordinator says otherwise.
struct ValidityOption: ParsableArguments {
    @Option(name: .long, help: "Days the enrollment and certificate stay valid (renew them with `admin renew`).")
    var days: Int = 30

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days: \(days) is not between 1 and 3650") }
    }

    var seconds: TimeInterval { Double(days) * 86_400 }
}
