import Dispatch
import Foundation
import VantageIdentity
import VantageLedger
import VantageSimulation
import VantageStore
import VantageWire

/// Signs the benches' batches origin by origin and stores them through a disk-backed ledger, block
/// by block (signing and verifying on every core, inserting on one): the campaign's raw rounds, or
/// one window summary per origin and window into the origins' summary logs.
struct Filler {
    let store: LedgerStore
    var ledger: Ledger
    let workload: BenchWorkload
    let numbering: CampaignNumbering
    let campaignName: Data
    let firstRoundMs: Int64
    let roundMs: Int64
    let roundsPerBatch: Int
    let nowMs: Int64
    var heads: [ChainHead]
    /// Raw rounds, or summarised windows, signed per origin so far.
    var round = 0
    private(set) var measurements = 0
    private(set) var summaryBatches = 0
    private(set) var payloadBytes = 0
    private(set) var peakDiskBytes = 0

    /// A filler whose rounds (or windows) spread evenly over the `days` before `nowMs`.
    init(path: String, root: PublicKey, facts: [Envelope], campaign: Envelope, workload: BenchWorkload, roundsPerOrigin: Int, nowMs: Int64,
         roundsPerBatch: Int = 1, days: Int = LedgerBench.days) throws {
        store = try LedgerStore(path: path)
        (ledger, _) = try store.loadLedger(root: root)
        for fact in facts { _ = try ledger.insert(envelope: fact, nowMs: nowMs) }
        self.workload = workload
        numbering = CampaignNumbering(try Campaign(serializedBytes: campaign.payload))
        campaignName = CampaignName.of(campaign.recordID!)
        let span = Int64(days) * 86_400_000 - 3_600_000
        firstRoundMs = nowMs - span
        // A batch of several rounds spans at most a day (its measurements must not be older than
        // max_measurement_age before it).
        roundMs = min(span / Int64(max(1, roundsPerOrigin)), 86_400_000 / Int64(roundsPerBatch))
        self.roundsPerBatch = roundsPerBatch
        self.nowMs = nowMs
        heads = Array(repeating: .genesis, count: workload.keys.count)
    }

    /// Adds raw rounds of every origin until the ledger holds at least `target` measurements.
    mutating func fill(upTo target: Int) throws {
        let perBlock = 200
        while measurements < target {
            let batchesPerOrigin = min(perBlock, (target - measurements + 35 * roundsPerBatch * heads.count - 1) / (35 * roundsPerBatch * heads.count))
            let (numbering, campaignName, firstRoundMs, roundMs, roundsPerBatch, first) = (numbering, campaignName, firstRoundMs, roundMs, roundsPerBatch, round)
            try store(sign(batchesPerOrigin: batchesPerOrigin) { o, b, head, origin in
                let rounds = (first + b * roundsPerBatch)..<(first + (b + 1) * roundsPerBatch)
                // Origins start their rounds a few seconds apart, inside each round's 300 s.
                let startMs = rounds.map { firstRoundMs + Int64($0) * roundMs + Int64(o) * 3_000 }
                let measurements = startMs.flatMap { CampaignRound.measurements(origin: o, startMs: $0) }.map(numbering.numbered)
                var batch = head.nextBatch(origin: origin, createdMs: startMs.last! + 60_000, measurements: measurements)
                batch.campaign = campaignName
                return batch
            })
            round += batchesPerOrigin * roundsPerBatch
            measurements = ledger.measurementCount
        }
    }

    /// Adds, for every origin, one summary batch per window (as an agent signs them when each window
    /// closes) until each has summarised `windows` windows, the first starting at the filler's start.
    mutating func fillSummaries(windows: Int) throws {
        let windowMs = Int64(CampaignRound.windowSeconds) * 1000
        let firstWindowMs = (firstRoundMs / windowMs + 1) * windowMs
        while round < windows {
            let perOrigin = min(200, windows - round)
            let (first, workload, numbering, campaignName) = (round, workload, numbering, campaignName)
            try store(sign(batchesPerOrigin: perOrigin) { o, b, head, origin in
                let window = Int64(first + b)
                let startMs = firstWindowMs + window * windowMs
                // Signed when the window closes (plus a minute's grace), origins a second apart.
                var batch = head.nextBatch(origin: origin, createdMs: startMs + windowMs + 60_000 + Int64(o % 60) * 1_000, measurements: [])
                batch.tier = .summary
                batch.campaign = campaignName
                batch.summaries = [numbering.numbered(CampaignRound.summary(origin: o, asn: workload.asn(of: o), windowStartMs: startMs,
                                                                            rawSeqs: [2 * UInt64(window) + 1, 2 * UInt64(window) + 2]))]
                return batch
            })
            round += perOrigin
            summaryBatches += perOrigin * heads.count
        }
    }

    /// The next `batchesPerOrigin` batches of every origin, interleaved by time: `make(origin index,
    /// batch index, head, origin id)` builds each, chained to the origin's head in its tier.
    private mutating func sign(batchesPerOrigin: Int, _ make: @escaping @Sendable (Int, Int, ChainHead, NodeID) -> Batch) -> [Envelope] {
        let chains = SignedBlock<(ChainHead, [Envelope])>(count: heads.count)
        let (heads, keys) = (self.heads, workload.keys)
        DispatchQueue.concurrentPerform(iterations: heads.count) { o in
            var head = heads[o]
            var envelopes: [Envelope] = []
            for b in 0..<batchesPerOrigin {
                let batch = make(o, b, head, keys[o].publicKey.id)
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

    /// Verifies `signed` on every core and inserts it, in order, into the ledger and its store.
    private mutating func store(_ signed: [Envelope]) throws {
        let verified = SignedBlock<SignedFact>(count: signed.count)
        DispatchQueue.concurrentPerform(iterations: signed.count) { verified.put($0, try? SignedFact(verifying: signed[$0])) }
        for fact in verified.facts {
            guard let fact else { throw BenchError("a bench batch did not verify") }
            guard case .added = try ledger.insert(fact, nowMs: nowMs) else {
                throw BenchError("a bench batch was not admitted")
            }
        }
        try ledger.commit()
        payloadBytes += signed.reduce(0) { $0 + $1.payload.count }
        peakDiskBytes = max(peakDiskBytes, LedgerBench.fileSize(store.path) + LedgerBench.fileSize(store.path + "-wal"))
    }

    mutating func close() throws {
        try ledger.commit()
        try store.checkpoint()
    }
}

