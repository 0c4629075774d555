import ArgumentParser
import Foundation
import VantageIdentity

/// `vantage node init --dir NODE --country CC --asn N [--isp NAME]`.
struct NodeInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node's key and enrollment request in a folder.",
        discussion: """
            Writes NODE/node.key (the node's Ed25519 identity, secret, mode 0600), NODE/api.token \
            (the bearer token for the node's local API, secret) and NODE/enrollment-request.envelope, \
            which the coordinator signs with `vantage admin enroll`. Refuses a folder that already \
            holds a node key.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Folder to create the node in.", valueName: "NODE"))
    var dir: String

    @Option(name: .long, help: ArgumentHelp("Country the node measures from: ISO 3166 alpha-2, e.g. PK.", valueName: "CC"))
    var country: String

    @Option(name: .long, help: ArgumentHelp("Autonomous system number of the node's ISP, e.g. 17557.", valueName: "N"))
    var asn: UInt32

    @Option(name: .long, help: ArgumentHelp("The ISP's name, e.g. PTCL.", valueName: "NAME"))
    var isp: String = ""

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    var profile: NodeProfile { NodeProfile(country: country, asn: asn, isp: isp) }

    func validate() throws {
        let problems = profile.problems()
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() async throws {
        let request = try NodeDirectory.create(at: dir, profile: profile, now: Date())
        let summary = EnvelopeSummary(request)
        let files = NodeDirectory(path: dir)
        if json {
            try printJSON(summary)
            return
        }
        print("""
            created node in \(dir)
              node id    \(summary.signerID)
              where      \(country), AS\(asn)\(isp.isEmpty ? "" : " (\(isp))")
              key        \(files.keyPath)  (secret, mode 0600)
              API token  \(files.apiTokenPath)  (secret, mode 0600)
              request    \(files.requestPath)
            next: the coordinator runs `vantage admin enroll --mesh MESH --node \(dir)`
            """)
    }
}
