import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity

/// Which running node to talk to: `--node NODE`, or `--api URL` with `--token-file F` for writes.
struct APITarget: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The node's API, e.g. http://127.0.0.1:7180.", valueName: "URL"))
    var api: String?

    @Option(name: .long, help: ArgumentHelp("The node folder: reads NODE/api.url and NODE/api.token.", valueName: "NODE"))
    var node: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the API token (with --api).", valueName: "F"))
    var tokenFile: String?

    func validate() throws {
        guard (api == nil) != (node == nil) else { throw ValidationError("give either --api URL or --node NODE") }
        if let api, URL(string: api)?.scheme == nil { throw ValidationError("--api: '\(api)' is not a URL such as http://127.0.0.1:7180") }
    }

    func client() throws -> AgentClient {
        if let node { return try AgentClient(node: node) }
        let token = try tokenFile.map { String(decoding: try SecretFile.read($0), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        return AgentClient(baseURL: URL(string: api!)!, token: token)
    }
}
