import Foundation
import HeapModule
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// A deterministic mesh in one process: real gossip machines and real ledgers over a simulated
/// network with a virtual clock and one seeded generator. Faults come from the scenario; after
/// the fault phase every node must converge within the heal bound.
public struct Simulation {
    enum Event {
        case tick(Int)
        case deliver(from: Int, to: Int, frame: Frame, bytes: Int)
        case newBatch
        case crash(Int)
        case restart(Int)
        case checkConvergence
    }

    struct Scheduled: Comparable {
        let timeMs: Int64
        let order: UInt64
        let event: Event
        static func < (a: Scheduled, b: Scheduled) -> Bool { (a.timeMs, a.order) < (b.timeMs, b.order) }
        static func == (a: Scheduled, b: Scheduled) -> Bool { (a.timeMs, a.order) == (b.timeMs, b.order) }
    }

    /// A batch some node signed and made durable, how many nodes keep its log, and who holds it
    /// since when.
    struct Tracked {
        let createdMs: Int64
        let keptBy: Int
        /// A batch of a summary log (SPEC §5.8), which every node keeps.
        let summary: Bool
        var heldBy = 0
        var allByMs: Int64?
    }

    let settings: SimulationSettings
    var rng: SplitMix64
    var plan: FaultPlan
    var nodes: [SimNode] = []
    var links: [[Int]] = []
    let cache: VerificationCache
    var queue = Heap<Scheduled>()
    var order: UInt64 = 0
    var nowMs: Int64 = 0
    var tracked: [NodeID: [UInt64: Tracked]] = [:]
    var bytesSent = 0
    /// What each node's connections carried; frame bytes delivered by frame type to ordinary
    /// nodes and to archivers.
    var traffic: [NodeTraffic] = []
    var bytesReceivedByKind: [String: Int] = [:]
    var archiverBytesByKind: [String: Int] = [:]
    /// Frame-sized bytes of every batch signed (as a delta counts them).
    var signedBatchBytes = 0
    var deliveries = 0
    var protocolErrors: [String] = []
    var restartLosses = 0
    var refusals = 0
    var convergedAtMs: Int64?
    var nodeIndex: [NodeID: Int] = [:]

    /// Sets up the mesh: keys, roster and connection graph, all drawn from the seed.
    public init(_ settings: SimulationSettings) {
        self.settings = settings
        let cache = VerificationCache()
        self.cache = cache
        var rng = SplitMix64(seed: settings.seed)
        let rootKey = try! SigningKey(seed: (0..<4).flatMap { _ in withUnsafeBytes(of: rng.next()) { Array($0) } })
        var base = Ledger(root: rootKey.publicKey, store: MemoryFactStore())
        plan = FaultPlan.draw(settings.scenario, nodes: settings.nodes, faultMs: settings.faultMs, using: &rng)
        for index in 0..<settings.nodes {
            let key = try! SigningKey(seed: (0..<4).flatMap { _ in withUnsafeBytes(of: rng.next()) { Array($0) } })
            let asn = UInt32(64_512 + index % max(1, settings.nodes / 2))
            var enrollment = Enrollment()
            enrollment.meshID = Data(rootKey.publicKey.id.bytes)
            enrollment.nodePublicKey = Data(key.publicKey.raw)
            enrollment.country = "PK"
            enrollment.asn = asn
            enrollment.notBeforeMs = -86_400_000
            enrollment.notAfterMs = 86_400_000 * 365
            _ = try! base.insert(cache.verify(rootKey.sign(enrollment)), nowMs: 0)
            nodes.append(SimNode(index: index, key: key, asn: asn,
                                 gossip: GossipNode(id: key.publicKey.id, asn: asn, settings: settings.gossip), ledger: base))
        }
        if settings.measurementsPerBatch > 1 || settings.archivers > 0 {
            var campaign = CampaignRound.campaign()
            campaign.meshID = Data(rootKey.publicKey.id.bytes)
            campaign.maxBatchesPerDay = UInt32.max
            campaign.archivers = nodes.prefix(settings.archivers).map { Data($0.id.bytes) }
            _ = try! base.insert(cache.verify(rootKey.sign(campaign)), nowMs: 0)
        }
        try! base.commit()
        traffic = Array(repeating: NodeTraffic(), count: settings.nodes)
        self.rng = rng
        for i in nodes.indices {
            nodes[i].ledger = base
            nodeIndex[nodes[i].id] = i
        }
        links = Self.graph(settings.nodes, links: settings.links, archivers: settings.archivers, using: &self.rng)
        for (a, peers) in links.enumerated() {
            for b in peers { _ = nodes[a].gossip.onConnected(nodes[b].id, asn: nodes[b].asn, address: nil, nowMs: 0) }
        }
    }

    /// A connected graph: a ring plus random chords until each node has about `links` peers;
    /// with archivers, each other node is linked to archiver `i mod archivers`, and the archivers
    /// to each other.
    static func graph<G: RandomNumberGenerator>(_ n: Int, links: Int, archivers: Int, using rng: inout G) -> [[Int]] {
        var sets = (0..<n).map { i in Set([(i + 1) % n, (i + n - 1) % n]).subtracting([i]) }
        if archivers > 0 {
            for i in 0..<n where i % archivers != i {
                sets[i].insert(i % archivers)
                sets[i % archivers].insert(i)
            }
            for a in 0..<archivers { for b in 0..<archivers where a != b { sets[a].insert(b) } }
        }
        for i in 0..<n {
            while sets[i].count < min(links, n - 1) {
                let j = Int.random(in: 0..<n, using: &rng)
                guard j != i else { continue }
                sets[i].insert(j)
                sets[j].insert(i)
            }
        }
        return sets.map { $0.sorted() }
    }

    mutating func schedule(_ event: Event, atMs: Int64) {
        order += 1
        queue.insert(Scheduled(timeMs: atMs, order: order, event: event))
    }

    /// The node's own clock: virtual time plus its skew.
    func localNow(_ node: Int) -> Int64 { nowMs + plan.skewMs[node] }

    /// Runs the fault phase and the heal phase, then the checkers. `progress` hears the virtual
    /// time reached and its upper bound, once per virtual second.
    public mutating func run(progress: ((Int64, Int64) -> Void)? = nil) -> SimulationReport {
        let tickMs = min(max(settings.gossip.intervalMs / 4, 10), 250)
        for i in nodes.indices { schedule(.tick(i), atMs: Int64.random(in: 0..<tickMs, using: &rng)) }
        let batchCount = Int(settings.batchesPerSecond * Double(settings.faultMs) / 1000)
        for _ in 0..<max(1, batchCount) { schedule(.newBatch, atMs: Int64.random(in: 0..<settings.faultMs, using: &rng)) }
        for crash in plan.crashes {
            schedule(.crash(crash.node), atMs: crash.atMs)
            schedule(.restart(crash.node), atMs: crash.restartMs)
        }
        schedule(.checkConvergence, atMs: settings.faultMs)
        let endMs = settings.faultMs + settings.healBoundMs
        while let next = queue.popMin(), next.timeMs <= endMs, convergedAtMs == nil {
            if let progress, next.timeMs / 1000 != nowMs / 1000 { progress(next.timeMs, endMs) }
            nowMs = next.timeMs
            handle(next.event, tickMs: tickMs)
        }
        return report()
    }

    mutating func handle(_ event: Event, tickMs: Int64) {
        switch event {
        case .tick(let i):
            schedule(.tick(i), atMs: nowMs + tickMs)
            guard nodes[i].up else { return }
            let directives = nodes[i].gossip.onTick(nowMs: localNow(i), ledger: nodes[i].ledger, using: &rng)
            perform(directives, at: i)
        case .deliver(let from, let to, let frame, let bytes):
            deliver(frame, from: from, to: to, bytes: bytes)
        case .newBatch:
            let up = nodes.indices.filter { nodes[$0].up }
            if let i = up.randomElement(using: &rng) { signBatch(at: i) }
        case .crash(let i):
            crash(i)
        case .restart(let i):
            restart(i)
        case .checkConvergence:
            if isConverged() { convergedAtMs = nowMs } else { schedule(.checkConvergence, atMs: nowMs + tickMs) }
        }
    }
}
