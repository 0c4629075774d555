import Foundation
import VantageIdentity
import VantageSimulation

/// An ordinary node of a national mesh (issue 18): a real agent whose store holds every origin's
/// window summaries — N origins in fewer ASNs, one summary batch per origin per 600 s window, as
/// agents sign them when a window closes — for 3 and then 30 days; its resident memory, its time
/// from start to serving and to a full scoring, and the store's bytes per summary batch.
public enum SummaryLedgerBench {
    public static func run(nodes: Int = 500, asns: Int = 50, days: Int = 30) async throws -> BenchReport {
        var report = BenchReport("an ordinary node's summaries on disk")
        let mesh = try BenchMesh("summaries", nodes: 1)
        defer { mesh.remove() }
        let node = mesh.nodes[0]
        let admin = try mesh.mesh.loadAdmin()
        let campaign = admin.sign(CampaignRound.campaign(retentionDays: UInt32(days)))
        let workload = BenchWorkload(origins: nodes, asns: min(asns, nodes), root: admin.rootKey)
        let windowsPerDay = 86_400 / Int(CampaignRound.windowSeconds)
        // The windows start within ten minutes after the filler's start (30 days less an hour
        // before now) and end an hour before now: the newest closed, every summary signed in the
        // past whatever the time within its window the bench starts at.
        let windows = days * windowsPerDay - 13
        var filler = try Filler(path: node.path + "/ledger.sqlite", root: admin.rootKey.publicKey,
                                facts: workload.enrollments + [campaign], campaign: campaign, workload: workload,
                                roundsPerOrigin: windows, nowMs: Date().unixMilliseconds, days: days)
        let smallDays = max(1, days / 10)
        let fillSmall = try seconds { try filler.fillSummaries(windows: smallDays * windowsPerDay) }
        let atSmall = try await LedgerBench.restart(mesh, node)
        let fillLarge = try seconds { try filler.fillSummaries(windows: windows) }
        try filler.close()
        let atLarge = try await LedgerBench.restart(mesh, node)

        let mib = 1_048_576.0
        report.add("summary batches held, \(smallDays) days", Double(atSmall.summaryBatches), "")
        report.add("summary batches held, \(days) days", Double(atLarge.summaryBatches), "")
        report.add("VmRSS after a full scoring, \(smallDays) days", Double(atSmall.residentAfterScoring) / mib, "MiB")
        report.add("VmRSS after a full scoring, \(days) days", Double(atLarge.residentAfterScoring) / mib, "MiB",
                   target: "≤ 150 MB", met: Double(atLarge.residentAfterScoring) <= 150_000_000)
        report.add("VmHWM (peak, during the scoring), \(smallDays) days", Double(atSmall.peakResident) / mib, "MiB")
        report.add("VmHWM (peak, during the scoring), \(days) days", Double(atLarge.peakResident) / mib, "MiB",
                   target: "≤ 150 MB", met: Double(atLarge.peakResident) <= 150_000_000)
        report.add("RssAnon when serving, \(smallDays) days", Double(atSmall.anonymous) / mib, "MiB")
        report.add("RssAnon when serving, \(days) days", Double(atLarge.anonymous) / mib, "MiB")
        report.add("RssAnon after a full scoring, \(smallDays) days", Double(atSmall.afterScoring) / mib, "MiB")
        report.add("RssAnon after a full scoring, \(days) days", Double(atLarge.afterScoring) / mib, "MiB")
        report.add("restart to serving, \(days) days", atLarge.serving, "s", target: "≤ 1 s", met: atLarge.serving <= 1)
        report.add("full scoring (GET /v1/verdicts), \(smallDays) days", atSmall.scoring, "s")
        report.add("full scoring (GET /v1/verdicts), \(days) days", atLarge.scoring, "s")
        report.add("disk, \(days) days", Double(atLarge.diskBytes) / mib, "MiB")
        report.add("disk per summary batch", Double(atLarge.diskBytes) / Double(max(1, atLarge.summaryBatches)), "bytes")
        report.add("payload per summary batch", Double(filler.payloadBytes) / Double(max(1, filler.summaryBatches)), "bytes")
        report.add("fill time (sign, verify, store)", fillSmall + fillLarge, "s")
        report.notes.append("\(nodes) origins in \(workload.asns) ASNs; one summary batch per origin per \(CampaignRound.windowSeconds) s window (\(CampaignRound.targets.count) targets, two rounds each), spread over the \(days) days before now; no raw batch: an ordinary node holds only its own, and this node has none")
        report.notes.append("the same agent restarted on its store; VmRSS (heap and the touched pages of the binary and libraries) and RssAnon (heap) are read from /proc; 'after a full scoring' is 1 s after GET /v1/verdicts returned: it scores the whole retention period a day at a time and keeps the last day of the national view (a cell per ASN, target and window) for /v1/view and the dashboard")
        return report
    }
}
