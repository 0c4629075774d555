import Foundation
import Testing
import VantageIdentity
import VantageTestKit
import VantageWire

/// `vantage admin campaign`: the shipped campaign signs; a wrong one is refused naming its field.
@Suite struct CampaignCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theSocialMediaCampaignSignsAndVerifies() throws {
        let folders = try MeshFolders.create("campaign", nodes: [])
        let runner = try CommandRunner(directory: folders.base)
        let file = Self.repository.appendingPathComponent("deploy/campaigns/social-media.json").path
        let result = try runner.run("admin", "campaign", "--mesh", folders.mesh.path, "--file", file, "--out", "c.envelope")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wikipedia (control)"))
        guard case .campaign(let campaign) = try SignedFact(verifying: RecordFile.readEnvelope(folders.base.appendingPathComponent("c.envelope").path)) else {
            Issue.record("not a campaign")
            return
        }
        #expect(try campaign.signer.id == folders.mesh.loadAdmin().meshID)
        #expect(campaign.record.targets.map(\.name) == ["facebook", "instagram", "x", "youtube", "whatsapp", "telegram", "tiktok", "wikipedia"])
        #expect(campaign.record.probes == [.dns, .tcp, .tls, .http, .throughput])
        #expect(campaign.record.policy.nationSharePercent == 67)
    }

    @Test(arguments: [
        (#"{"name":"c","version":1,"interval_seconds":60,"probes":["tls","ping"],"targets":[{"name":"x","inputs":["https://x.com/"]}]}"#, "probes[1]: 'ping'"),
        (#"{"name":"c","version":1,"interval_seconds":60,"probes":["tls"],"targets":[{"name":"x","inputs":["x.com"]}]}"#, "targets[0].inputs[0]: 'x.com' is not an http or https URL"),
        (#"{"name":"c","version":0,"interval_seconds":60,"probes":["tls"],"targets":[{"name":"x","inputs":["https://x.com/"]}]}"#, "version: must be 1 or more"),
        (#"{"name":"c","version":1,"probes":["tls"],"targets":[]}"#, "missing field 'interval_seconds'"),
        (#"{"name":"c","version":1,"interval_seconds":60,"probes":["tls"],"targets":[{"name":"x","inputs":["https://x.com/"]}],"policy":{"ok_percent":20,"anomalous_percent":60}}"#, "unknown policy key 'anomalous_percent'"),
        (#"{"name":"c","version":1,"interval_seconds":60,"probes":["tls"],"targets":[{"name":"x","inputs":["https://x.com/"]}],"policy":{"false_discovery_permille":900}}"#, "policy.false_discovery_permille: 900 is above 500"),
        (#"{"name":"c","version":1,"interval_seconds":60,"probes":["tls"],"targets":[{"name":"x","inputs":["https://x.com/"]}],"replication":{"archivers":2,"countries":3}}"#, "replication.countries: more countries than archivers"),
        (#"{"name":"c","version":1,"interval_seconds":60,"probes":["tls"],"targets":[{"name":"x","inputs":["https://x.com/"]}],"cover_name":"203.0.113.7"}"#, "cover_name: '203.0.113.7' is not a DNS host name"),
    ])
    func wrongCampaignsAreRefusedNamingTheField(json: String, message: String) throws {
        let folders = try MeshFolders.create("campaign-bad", nodes: [])
        try json.write(to: folders.base.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        let result = try CommandRunner(directory: folders.base).run("admin", "campaign", "--mesh", folders.mesh.path, "--file", "c.json", "--out", "c.envelope")
        #expect(result.status == 1)
        #expect(result.stderr.contains("c.json") && result.stderr.contains(message), "\(result.stderr)")
    }
}
