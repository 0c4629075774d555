import ArgumentParser
import Foundation
import VantageIdentity

/// `vantage node wipe --node NODE --yes`: removes a node's keys and store at once.
struct NodeWipe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wipe",
        abstract: "Remove a node's keys and store at once (the whole node folder).",
        discussion: """
            For a volunteer who must stop at once: overwrites the node's private key and API token \
            with zeros, then deletes the node folder — key, certificate, enrollment, ledger store \
            and logs. Stop the agent first. The node can still be revoked by the coordinator; \
            nothing in the mesh points back at this machine.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The node folder to remove.", valueName: "NODE"))
    var node: String

    @Flag(name: .long, help: "Confirm: without it nothing is removed.")
    var yes = false

    func validate() throws {
        let directory = NodeDirectory(path: node)
        guard FileManager.default.fileExists(atPath: directory.keyPath) else {
            throw ValidationError("--node: \(node) holds no node.key; not a node folder")
        }
        guard yes else { throw ValidationError("add --yes to remove \(node) and everything in it") }
    }

    func run() async throws {
        let directory = NodeDirectory(path: node)
        for secret in [directory.keyPath, directory.apiTokenPath] { try? Self.overwrite(secret) }
        do {
            try FileManager.default.removeItem(atPath: node)
        } catch {
            throw CommandFailure("cannot remove \(node): \(error.localizedDescription)")
        }
        print("removed \(node): the node's key, certificate, enrollment and ledger store are gone")
    }

    /// Writes zeros over a file's bytes and syncs them, so the key does not linger in the blocks
    /// the file used (as far as the file system rewrites in place).
    static func overwrite(_ path: String) throws {
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(count: size))
        try handle.synchronize()
    }
}
