import Foundation
import VantageAgent
import VantageIdentity
import VantageLedger
import VantageSimulation
import VantageStore
import VantageWire

/// The ledger on disk (issue 17): a real agent whose store holds 1 M and then 10 M measurements —
/// its anonymous resident memory, the slope between the two, its time from start to serving, and
/// the store's bytes per measurement; then the bytes per measurement of batches of 1,000.
///
/// The data's shape: 50 origins in 50 ASNs, a campaign of 7 targets × 5 probe kinds every 300 s
/// (a batch of 35 measurements per round), rounds spread evenly over the 30 days before now, one
/// signature per batch, signed and verified on every core. The stores are filled by this process
/// through the ledger and the SQLite store an agent uses, with the agent stopped.
public enum LedgerBench {
    static let origins = 50
    static let days = 30

    public static func run(measurements: Int = 10_000_000) async throws -> BenchReport {
        var report = BenchReport("ledger on disk")
        let mesh = try BenchMesh("ledger", nodes: 1)
        defer { mesh.remove() }
        let node = mesh.nodes[0]
        let admin = try mesh.mesh.loadAdmin()
        let campaign = admin.sign(CampaignRound.campaign(retentionDays: UInt32(days)))
        let workload = BenchWorkload(origins: origins, root: admin.rootKey)
        let nowMs = Date().unixMilliseconds
        var filler = try Filler(path: node.path + "/ledger.sqlite", root: admin.rootKey.publicKey,
                                facts: workload.enrollments + [campaign], campaign: campaign, workload: workload,
                                roundsPerOrigin: measurements / (origins * 35), nowMs: nowMs)
        let small = measurements / 10

        let fillSmall = try seconds { try filler.fill(upTo: small) }
        let atSmall = try await restart(mesh, node)
        let fillLarge = try seconds { try filler.fill(upTo: measurements) }
        let peakDisk = filler.peakDiskBytes
        try filler.close()
        let atLarge = try await restart(mesh, node)

        let held = Double(atLarge.measurements)
        let limit = 200.0 * 1_048_576
        report.add("measurements held, small", Double(atSmall.measurements), "")
        report.add("measurements held, large", held, "")
        report.add("RssAnon, small", Double(atSmall.anonymous) / 1_048_576, "MiB")
        report.add("RssAnon, large", Double(atLarge.anonymous) / 1_048_576, "MiB", target: "≤ 200 MiB",
                   met: Double(atLarge.anonymous) <= limit)
        let growth = Double(atLarge.anonymous) / Double(max(1, atSmall.anonymous))
        report.add("RssAnon large ÷ small", growth, "", target: "≤ 1.2", met: growth <= 1.2)
        let slope = Double(atLarge.anonymous - atSmall.anonymous) / Double(max(1, atLarge.measurements - atSmall.measurements))
        report.add("RssAnon slope per measurement held", slope, "bytes", target: "≤ 10", met: slope <= 10)
        report.add("restart to serving, large", atLarge.serving, "s", target: "≤ 1 s", met: atLarge.serving <= 1)
        report.add("restart to serving, small", atSmall.serving, "s")
        report.add("RssAnon after scoring, small", Double(atSmall.afterScoring) / 1_048_576, "MiB")
        report.add("RssAnon after scoring, large", Double(atLarge.afterScoring) / 1_048_576, "MiB")
        report.add("scoring (GET /v1/verdicts), small", atSmall.scoring, "s")
        report.add("scoring (GET /v1/verdicts), large", atLarge.scoring, "s")
        let perMeasurement = Double(atLarge.diskBytes) / max(1, held)
        report.add("disk per measurement, batches of 35", perMeasurement, "bytes", target: "≤ 40", met: perMeasurement <= 40)
        report.add("payload per measurement, batches of 35", Double(filler.payloadBytes) / max(1, held), "bytes")
        report.add("peak disk use while filling", Double(peakDisk) / 1_048_576, "MiB")
        report.add("fill time (sign, verify, store)", fillSmall + fillLarge, "s")
        let thousand = try diskPerMeasurement(batchSize: 1_000, measurements: small, admin: admin, campaign: campaign, nowMs: nowMs)
        report.add("disk per measurement, batches of 1,000", thousand, "bytes", target: "≤ 40", met: thousand <= 40)
        report.notes.append("\(origins) origins in \(origins) ASNs; \(CampaignRound.targets.count) targets × \(CampaignRound.probes.count) probe kinds every 300 s, one batch of 35 per round; rounds spread over the \(days) days before now (the small ledger is the first tenth of them)")
        report.notes.append("small and large are the same agent restarted on its store; RssAnon is read from /proc 2 s after the agent serves; 'after a full scoring' 1 s after GET /v1/verdicts returned: it scores every tally of the retention period, a day at a time, and keeps the last day of the national view for /v1/view and the dashboard")
        report.notes.append("disk is ledger.sqlite after a WAL checkpoint: batch rows, index rows, tallies, small facts")
        return report
    }

    /// What a started agent showed.
    struct Sample {
        var measurements: Int
        var serving: Double
        var anonymous: Int
        var afterScoring: Int
        var residentAfterScoring: Int
        var peakResident: Int
        var summaryBatches: Int
        var scoring: Double
        var diskBytes: Int
    }

    /// Starts the agent on its filled store, measures, and stops it.
    static func restart(_ mesh: BenchMesh, _ node: NodeDirectory) async throws -> Sample {
        let diskBytes = fileSize(node.path + "/ledger.sqlite") + fileSize(node.path + "/ledger.sqlite-wal")
        let started = Date()
        let agent = try mesh.start(node, [])
        defer { agent.stop() }
        try await agent.waitUntilReady(timeout: 600)
        var client = try AgentClient(node: node.path)
        let status = try await client.status()
        let serving = Date().timeIntervalSince(started)
        try await Task.sleep(for: .seconds(2))
        let anonymous = anonymousBytes(pid: agent.pid) ?? 0
        let scoringStart = Date()
        // A full scoring of a large store can take minutes: wait for it rather than time out at 60 s.
        client.timeout = .seconds(3_600)
        _ = try await client.verdicts(country: nil)
        let scoring = Date().timeIntervalSince(scoringStart)
        try await Task.sleep(for: .seconds(1))
        let afterScoring = anonymousBytes(pid: agent.pid) ?? 0
        return Sample(measurements: status.ledger.measurements, serving: serving, anonymous: anonymous, afterScoring: afterScoring,
                      residentAfterScoring: residentBytes(pid: agent.pid) ?? 0,
                      peakResident: peakResidentBytes(pid: agent.pid) ?? 0, summaryBatches: status.ledger.summaryBatches,
                      scoring: scoring, diskBytes: diskBytes)
    }

    /// Bytes of store per measurement when `measurements` are held in batches of `batchSize`.
    static func diskPerMeasurement(batchSize: Int, measurements: Int, admin: MeshAdmin, campaign: Envelope, nowMs: Int64) throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-bench-disk-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let workload = BenchWorkload(origins: origins, root: admin.rootKey)
        var filler = try Filler(path: folder + "/ledger.sqlite", root: admin.rootKey.publicKey, facts: workload.enrollments + [campaign],
                                campaign: campaign, workload: workload, roundsPerOrigin: measurements / (origins * 35), nowMs: nowMs,
                                roundsPerBatch: max(1, batchSize / 35))
        try filler.fill(upTo: measurements)
        try filler.close()
        return Double(fileSize(folder + "/ledger.sqlite") + fileSize(folder + "/ledger.sqlite-wal")) / Double(max(1, filler.measurements))
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}

/// Results of parallel work, by index.
final class SignedBlock<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func put(_ index: Int, _ value: Value?) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var facts: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}

/// Anonymous resident memory (RssAnon: the heap, not the mapped files) of a process, in bytes, from /proc.
func anonymousBytes(pid: Int32) -> Int? { statusBytes(pid: pid, field: "RssAnon:") }

/// Resident memory (VmRSS: the heap and the pages of mapped files, the binary's among them) of a process, in bytes.
func residentBytes(pid: Int32) -> Int? { statusBytes(pid: pid, field: "VmRSS:") }

/// The most resident memory a process has had (VmHWM), in bytes.
func peakResidentBytes(pid: Int32) -> Int? { statusBytes(pid: pid, field: "VmHWM:") }

/// A size in kB of /proc/PID/status, in bytes.
private func statusBytes(pid: Int32, field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
          let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kb * 1024
}
