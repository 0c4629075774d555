import ArgumentParser
import Foundation
import VantageAgent
import VantageIdentity
import VantageScoring

/// `vantage report export|verify`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Export a verdict as a signed, self-contained report, or verify one offline.",
        subcommands: [ReportExport.self, ReportVerify.self, ReportRender.self])
}
