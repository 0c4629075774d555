import Foundation
import VantageAgent
import VantageDemo
import VantageIdentity
import VantageLedger
import VantageSimulation
import VantageWire

/// Throwaway node folders for the benchmarks that run real agents, and signed chains imported into
/// a stopped node's store.
struct BenchMesh {
    let base: String
    let mesh: MeshDirectory
    let nodes: [NodeDirectory]
    let executable: URL

    init(_ label: String, nodes count: Int) throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-bench-\(label)-\(UUID().uuidString.prefix(8))").path
        (mesh, nodes) = try LocalMesh.create(at: base, name: label, nodes: (1...count).map { ("n\($0)", NodeProfile(country: "PK", asn: 64_500 + UInt32($0), isp: "isp\($0)")) },
                                             now: Date())
        executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// Signs `batches` batches of `measurements` each with `node`'s own key, numbered by a campaign
    /// whose daily quota allows them all, writes them into its store (the agent must not run), and
    /// returns the bytes of the signed batches.
    @discardableResult
    func fill(_ node: NodeDirectory, batches: Int, measurements: Int) throws -> Int {
        let key = try KeyFile.read(node.keyPath)
        let admin = try mesh.loadAdmin()
        var record = CampaignRound.campaign()
        record.maxBatchesPerDay = UInt32(batches)
        let campaign = admin.sign(record)
        let numbering = CampaignNumbering(record)
        var head = ChainHead.genesis
        var facts: [Envelope] = []
        // After the enrollment (not before now − 60 s) and before now, a millisecond apart.
        let start = Date().unixMilliseconds - 50_000
        for seq in 1...batches {
            let createdMs = start + Int64(seq)
            var batch = head.nextBatch(origin: key.publicKey.id, createdMs: createdMs,
                                       measurements: BenchWorkload.measurements(createdMs: createdMs, count: measurements).map(numbering.numbered))
            batch.campaign = CampaignName.of(campaign.recordID!)
            let envelope = key.sign(batch)
            facts.append(envelope)
            head = head.advanced(by: batch, id: envelope.recordID!)
        }
        var snapshot = LedgerSnapshot()
        snapshot.meshRoot = Data(admin.rootKey.publicKey.raw)
        snapshot.facts = [try RecordFile.readEnvelope(node.enrollmentPath), campaign] + facts
        let report = try LedgerTransfer.importOffline(node: node.path, snapshot: snapshot)
        precondition(report.added >= batches, "the benchmark's batches must all be admitted")
        return facts.reduce(0) { $0 + ((try? $1.serializedData().count) ?? 0) }
    }

    /// Starts an agent for `node`.
    func start(_ node: NodeDirectory, _ arguments: [String]) throws -> AgentProcess {
        try AgentProcess(executable: executable, node: node.path, arguments: arguments + ["--no-probes", "--log-level", "warning"])
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }
}
