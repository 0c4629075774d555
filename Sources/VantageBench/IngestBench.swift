import Dispatch
import Foundation
import VantageIdentity
import VantageLedger
import VantageStore
import VantageWire

/// Verify-and-merge of signed batches into a ledger kept in a real SQLite store (its writes and
/// commits, one per delta's worth of batches, inside the timing), next to the raw Ed25519
/// verification rate of the same library measured in the same run (targets: ≥ 0.8 × raw on one
/// core for small batches, ≥ 1.5 × raw with both cores, ≥ 500,000 measurements/s for
/// 100-measurement batches).
public enum IngestBench {
    /// Signed chains of `batches` batches with `measurements` each, spread over 50 origins.
    static func workload(batches: Int, measurements: Int) -> BenchWorkload {
        let workload = BenchWorkload(origins: 50)
        var heads = Array(repeating: ChainHead.genesis, count: workload.keys.count)
        var envelopes: [Envelope] = []
        envelopes.reserveCapacity(batches)
        for i in 0..<batches {
            let o = i % heads.count
            let createdMs = 1_700_000_000_000 + Int64(i)
            let batch = heads[o].nextBatch(origin: workload.keys[o].publicKey.id, createdMs: createdMs,
                                           measurements: BenchWorkload.measurements(createdMs: createdMs, count: measurements))
            let envelope = workload.keys[o].sign(batch)
            heads[o] = heads[o].advanced(by: batch, id: envelope.recordID!)
            envelopes.append(envelope)
        }
        return BenchWorkload(keys: workload.keys, root: workload.root, batches: envelopes)
    }

    /// Bytes of batches a commit follows: a full delta (the default `max_delta_bytes`), as when a
    /// node catches up through anti-entropy and commits after each delta it applies.
    static let deltaBytes = 1 << 20

    /// The batches in consecutive deltas of at most `deltaBytes`, counted as §7.2 counts them.
    static func deltas(_ batches: [Envelope]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var (start, bytes) = (0, 0)
        for (i, batch) in batches.enumerated() {
            if bytes + batch.wireSize > deltaBytes, i > start {
                ranges.append(start..<i)
                (start, bytes) = (i, 0)
            }
            bytes += batch.wireSize
        }
        if start < batches.count { ranges.append(start..<batches.count) }
        return ranges
    }

    /// A ledger with the workload's enrollments, in a new store in `folder`.
    static func freshLedger(_ workload: BenchWorkload, in folder: String) throws -> Ledger {
        let store = try LedgerStore(path: folder + "/ingest-\(UUID().uuidString.prefix(8)).sqlite")
        var (ledger, _) = try store.loadLedger(root: workload.root.publicKey)
        for e in workload.enrollments { _ = try? ledger.insert(envelope: e, nowMs: 1_800_000_000_000) }
        try ledger.commit()
        return ledger
    }

    /// Raw verifications per second of the batches' signatures (swift-crypto Ed25519).
    static func rawVerifyRate(_ batches: [Envelope]) -> Double {
        let signers = batches.map { try! PublicKey(raw: Array($0.signer)) }
        let domain = batches[0].kind.signatureDomain!
        var valid = 0
        let time = seconds {
            for (envelope, signer) in zip(batches, signers) where signer.isValidSignature(envelope.signature, domain: domain, payload: envelope.payload) {
                valid += 1
            }
        }
        precondition(valid == batches.count, "every benchmark signature must verify")
        return Double(batches.count) / time
    }

    /// Verify, merge and store on one thread.
    static func oneCore(_ workload: BenchWorkload, in folder: String) throws -> Double {
        let batches = workload.batches
        var ledger = try freshLedger(workload, in: folder)
        let deltas = deltas(batches)
        let time = try seconds {
            for delta in deltas {
                for b in batches[delta] { _ = try? ledger.insert(envelope: b, nowMs: 1_800_000_000_000) }
                try ledger.commit()
            }
        }
        precondition(ledger.batchCount == batches.count)
        return Double(batches.count) / time
    }

    /// Microseconds per batch of the two halves of ingest on one core: verifying and decoding an
    /// envelope, and merging and storing the verified fact.
    static func halves(_ workload: BenchWorkload, in folder: String) throws -> (verify: Double, merge: Double) {
        let batches = workload.batches
        var facts: [SignedFact] = []
        facts.reserveCapacity(batches.count)
        let verify = seconds { for b in batches { if let fact = try? SignedFact(verifying: b) { facts.append(fact) } } }
        var ledger = try freshLedger(workload, in: folder)
        let deltas = deltas(batches)
        let merge = try seconds {
            for delta in deltas {
                for fact in facts[delta] { _ = try? ledger.insert(fact, nowMs: 1_800_000_000_000) }
                try ledger.commit()
            }
        }
        precondition(ledger.batchCount == batches.count)
        return (verify / Double(batches.count) * 1e6, merge / Double(batches.count) * 1e6)
    }

    /// Verification on every core, off the merge path: workers verify chunks while this thread
    /// merges the chunks already verified, in order.
    static func allCores(_ workload: BenchWorkload, in folder: String) throws -> Double {
        let batches = workload.batches
        var ledger = try freshLedger(workload, in: folder)
        let chunks = deltas(batches)
        let verified = VerifiedChunks(count: chunks.count)
        let time = try seconds {
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: chunks.count) { c in
                    verified.put(c, batches[chunks[c]].compactMap { try? SignedFact(verifying: $0) })
                }
            }
            for c in chunks.indices {
                for fact in verified.take(c) { _ = try? ledger.insert(fact, nowMs: 1_800_000_000_000) }
                try ledger.commit()
            }
        }
        precondition(ledger.batchCount == batches.count)
        return Double(batches.count) / time
    }

    public static func run() throws -> BenchReport {
        var report = BenchReport("ingest")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-bench-ingest-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let small = workload(batches: 20_000, measurements: 1)
        var (raw, one, all) = (0.0, 0.0, 0.0)
        for _ in 0..<3 {
            raw = max(raw, rawVerifyRate(small.batches))
            one = max(one, try oneCore(small, in: folder))
            all = max(all, try allCores(small, in: folder))
        }
        report.add("raw Ed25519 verify, one core", raw, "signatures/s")
        report.add("small batches (1 measurement), one core", one, "batches/s", target: "≥ 0.8 × raw", met: one >= 0.8 * raw)
        report.add("small batches, verification on all cores", all, "batches/s", target: "≥ 1.5 × raw", met: all >= 1.5 * raw)
        let large = workload(batches: 2_000, measurements: 100)
        var largeRate = 0.0
        for _ in 0..<3 { largeRate = max(largeRate, try oneCore(large, in: folder) * 100) }
        report.add("large batches (100 measurements), one core", largeRate, "measurements/s", target: "≥ 500,000", met: largeRate >= 500_000)
        let (verifyMicros, mergeMicros) = try halves(small, in: folder)
        report.add("small batches: verify and decode, one core", verifyMicros, "µs/batch")
        report.add("small batches: merge and store, one core", mergeMicros, "µs/batch")
        report.add("raw Ed25519 verify, one core", 1e6 / raw, "µs/signature")
        report.add("ratio one core ÷ raw", one / raw, "")
        report.add("ratio all cores ÷ raw", all / raw, "")
        report.notes.append("into a SQLite store (WAL, synchronous=NORMAL), committed after each delta's worth of batches (1 MiB, \(deltas(small.batches).count) commits for the small batches), inside the timing")
        report.notes.append("the machine's speed drifts: raw, one core and all cores are measured in turn three times (large batches three times too); the best of each")
        return report
    }
}

/// Verified chunks handed from the verifying workers to the merging thread, in order.
final class VerifiedChunks: @unchecked Sendable {
    private var slots: [[SignedFact]?]
    private let condition = NSCondition()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func put(_ index: Int, _ facts: [SignedFact]) {
        condition.lock()
        slots[index] = facts
        condition.broadcast()
        condition.unlock()
    }

    func take(_ index: Int) -> [SignedFact] {
        condition.lock()
        defer { condition.unlock() }
        while slots[index] == nil { condition.wait() }
        let facts = slots[index]!
        slots[index] = []
        return facts
    }
}
