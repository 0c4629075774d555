import ArgumentParser
import Foundation
import VantageAgent

/// `vantage admin publish --api URL FILE`.
struct AdminPublish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Give a signed revocation, enrollment or campaign to a running node, which spreads it by gossip.",
        discussion: "The node checks the mesh root's signature; no API token is needed."
    )

    @OptionGroup var target: APITarget

    @Argument(help: ArgumentHelp("An envelope file, e.g. from `vantage admin revoke`.", valueName: "FILE"))
    var file: String

    @Flag(name: .long, help: "Print JSON for machines.")
    var json = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file) does not exist or cannot be read") }
        let report = try await target.client().publish(file: data)
        if json { try printJSON(report) } else { printReport(report, noun: "facts") }
        if report.refused > 0 { throw ExitCode.failure }
    }
}
