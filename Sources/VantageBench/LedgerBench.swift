import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
        report.notes.append("small and large are the same agent restarted on its store; RssAnon is read from /proc 2 s after the agent serves; 'after a full scoring' 1 s after GET /v1/verdicts returned: it scores every tally of the retention period and keeps the national view (a cell per ASN, target and window) for /v1/view")
        report.notes.append("disk is ledger.sqlite after a WAL checkpoint: batch rows, index rows, tallies, small facts")
        return report
    }

    /// What a started agent showed.
    struct Sample {
        var measurements: Int
        var serving: Double
        var anonymous: Int
        var afterScoring: Int
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
        let client = try AgentClient(node: node.path)
        let status = try await client.status()
        let serving = Date().timeIntervalSince(started)
        try await Task.sleep(for: .seconds(2))
        let anonymous = anonymousBytes(pid: agent.pid) ?? 0
        let scoringStart = Date()
        _ = try await URLSession.shared.data(from: client.baseURL.appendingPathComponent("v1/verdicts"))
        let scoring = Date().timeIntervalSince(scoringStart)
        try await Task.sleep(for: .seconds(1))
        let afterScoring = anonymousBytes(pid: agent.pid) ?? 0
        return Sample(measurements: status.ledger.measurements, serving: serving, anonymous: anonymous, afterScoring: afterScoring,
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

/// Signs the bench's rounds origin by origin and stores them through a disk-backed ledger, block
/// by block (signing and verifying on every core, inserting on one).
struct Filler {
    let store: LedgerStore
    var ledger: Ledger
    let workload: BenchWorkload
    let numbering: CampaignNumbering
    let campaignID: Data
    let firstRoundMs: Int64
    let roundMs: Int64
    let roundsPerBatch: Int
    let nowMs: Int64
    var heads: [ChainHead]
    var round = 0
    private(set) var measurements = 0
    private(set) var payloadBytes = 0
    private(set) var peakDiskBytes = 0

    init(path: String, root: PublicKey, facts: [Envelope], campaign: Envelope, workload: BenchWorkload, roundsPerOrigin: Int, nowMs: Int64,
         roundsPerBatch: Int = 1) throws {
        store = try LedgerStore(path: path)
        (ledger, _) = try store.loadLedger(root: root)
        for fact in facts { _ = try ledger.insert(envelope: fact, nowMs: nowMs) }
        self.workload = workload
        numbering = CampaignNumbering(try Campaign(serializedBytes: campaign.payload))
        campaignID = Data(campaign.recordID!.bytes)
        let span = Int64(LedgerBench.days) * 86_400_000 - 3_600_000
        firstRoundMs = nowMs - span
        // A batch of several rounds spans at most a day (its measurements must not be older than
        // max_measurement_age before it).
        roundMs = min(span / Int64(max(1, roundsPerOrigin)), 86_400_000 / Int64(roundsPerBatch))
        self.roundsPerBatch = roundsPerBatch
        self.nowMs = nowMs
        heads = Array(repeating: .genesis, count: workload.keys.count)
    }

    /// Adds rounds of every origin until the ledger holds at least `target` measurements.
    mutating func fill(upTo target: Int) throws {
        let perBlock = 200
        while measurements < target {
            let batchesPerOrigin = min(perBlock, (target - measurements + 35 * roundsPerBatch * heads.count - 1) / (35 * roundsPerBatch * heads.count))
            let signed = sign(batchesPerOrigin: batchesPerOrigin)
            let verified = SignedBlock<SignedFact>(count: signed.count)
            DispatchQueue.concurrentPerform(iterations: signed.count) { verified.put($0, try? SignedFact(verifying: signed[$0])) }
            for fact in verified.facts {
                guard let fact else { throw BenchError("a bench batch did not verify") }
                guard case .added = try ledger.insert(fact, nowMs: nowMs) else {
                    throw BenchError("a bench batch was not admitted")
                }
            }
            try ledger.commit()
            round += batchesPerOrigin * roundsPerBatch
            measurements = ledger.measurementCount
            payloadBytes += signed.reduce(0) { $0 + $1.payload.count }
            peakDiskBytes = max(peakDiskBytes, LedgerBench.fileSize(store.path) + LedgerBench.fileSize(store.path + "-wal"))
        }
    }

    /// The next `batchesPerOrigin` batches of every origin, interleaved by time.
    mutating func sign(batchesPerOrigin: Int) -> [Envelope] {
        let chains = SignedBlock<(ChainHead, [Envelope])>(count: heads.count)
        let (heads, first, keys) = (self.heads, round, workload.keys)
        let (numbering, campaignID, firstRoundMs, roundMs, roundsPerBatch) = (self.numbering, self.campaignID, self.firstRoundMs, self.roundMs, self.roundsPerBatch)
        DispatchQueue.concurrentPerform(iterations: heads.count) { o in
            var head = heads[o]
            var envelopes: [Envelope] = []
            for b in 0..<batchesPerOrigin {
                let rounds = (first + b * roundsPerBatch)..<(first + (b + 1) * roundsPerBatch)
                // Origins start their rounds a few seconds apart, inside each round's 300 s.
                let startMs = rounds.map { firstRoundMs + Int64($0) * roundMs + Int64(o) * 3_000 }
                let measurements = startMs.flatMap { CampaignRound.measurements(origin: o, startMs: $0) }.map(numbering.numbered)
                var batch = head.nextBatch(origin: keys[o].publicKey.id, createdMs: startMs.last! + 60_000, measurements: measurements)
                batch.campaign = campaignID
                let envelope = keys[o].sign(batch)
                head = head.advanced(by: batch, id: envelope.recordID!)
                envelopes.append(envelope)
            }
            chains.put(o, (head, envelopes))
        }
        let signed = chains.facts.map { $0! }
        self.heads = signed.map { $0.0 }
        return (0..<batchesPerOrigin).flatMap { b in signed.map { $0.1[b] } }
    }

    mutating func close() throws {
        try ledger.commit()
        try store.checkpoint()
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
func anonymousBytes(pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
          let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kb * 1024
}
