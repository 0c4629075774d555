import ArgumentParser
import Foundation
import VantageIdentity
import VantageWire

/// `vantage admin campaign --mesh MESH --file campaign.json --out FILE`.
struct AdminCampaign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Sign a campaign: what every node measures, how often, and the scoring policy.",
        discussion: """
            The file names the targets with their URLs, the probe kinds, the interval, block-page \
            fingerprints and the scoring policy; deploy/campaigns/social-media.json is a ready one. \
            Spread the signed file with `vantage admin publish`; nodes run the highest version.
            """
    )

    @OptionGroup var mesh: MeshOption

    @Option(name: .long, help: ArgumentHelp("The campaign JSON file.", valueName: "FILE"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("File to write the signed campaign to.", valueName: "FILE"))
    var out: String

    @Flag(name: .long, help: "Print the signed campaign as JSON.")
    var json = false

    func run() async throws {
        let campaign = try CampaignFile.read(file)
        let admin = try MeshDirectory(path: mesh.mesh).loadAdmin()
        let envelope = admin.sign(campaign)
        try RecordFile.write(envelope, to: out)
        if json { return try printJSON(EnvelopeSummary(envelope)) }
        let inputs = campaign.targets.reduce(0) { $0 + $1.inputs.count }
        print("""
            signed campaign "\(campaign.name)" version \(campaign.version)
              targets     \(campaign.targets.map { $0.control ? "\($0.name) (control)" : $0.name }.joined(separator: ", ")) — \(inputs) inputs
              probes      \(campaign.probes.map(\.name).joined(separator: ", ")) every \(campaign.intervalSeconds) s
              wrote       \(out)
            spread it with: vantage admin publish --node NODE \(out)
            """)
    }
}
