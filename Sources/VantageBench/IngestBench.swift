import Dispatch
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// Verify-and-merge of signed batches, next to the raw Ed25519 verification rate of the same
/// library measured in the same run (issue: ≥ 0.8 × raw on one core for small batches, ≥ 1.5 × raw
/// with both cores, ≥ 500,000 measurements/s for 100-measurement batches).
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

    static func freshLedger(_ workload: BenchWorkload) -> Ledger {
        var ledger = Ledger(root: workload.root.publicKey)
        for e in workload.enrollments { _ = try? ledger.insert(envelope: e, nowMs: 1_800_000_000_000) }
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

    /// Verify and merge on one thread.
    static func oneCore(_ workload: BenchWorkload) -> Double {
        let batches = workload.batches
        var ledger = freshLedger(workload)
        let time = seconds { for b in batches { _ = try? ledger.insert(envelope: b, nowMs: 1_800_000_000_000) } }
        precondition(ledger.batchCount == batches.count)
        return Double(batches.count) / time
    }

    /// Verification on every core, off the merge path: workers verify chunks while this thread
    /// merges the chunks already verified, in order.
    static func allCores(_ workload: BenchWorkload) -> Double {
        let batches = workload.batches
        var ledger = freshLedger(workload)
        let chunk = 256
        let chunks = (batches.count + chunk - 1) / chunk
        let verified = VerifiedChunks(count: chunks)
        let time = seconds {
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let slice = batches[(c * chunk)..<min(batches.count, (c + 1) * chunk)]
                    verified.put(c, slice.compactMap { try? SignedFact(verifying: $0) })
                }
            }
            for c in 0..<chunks {
                for fact in verified.take(c) { _ = try? ledger.insert(fact, nowMs: 1_800_000_000_000) }
            }
        }
        precondition(ledger.batchCount == batches.count)
        return Double(batches.count) / time
    }

    public static func run() -> BenchReport {
        var report = BenchReport("ingest")
        let small = workload(batches: 20_000, measurements: 1)
        let raw = rawVerifyRate(small.batches)
        let one = oneCore(small)
        let all = allCores(small)
        report.add("raw Ed25519 verify, one core", raw, "signatures/s")
        report.add("small batches (1 measurement), one core", one, "batches/s", target: "≥ 0.8 × raw", met: one >= 0.8 * raw)
        report.add("small batches, verification on all cores", all, "batches/s", target: "≥ 1.5 × raw", met: all >= 1.5 * raw)
        let large = workload(batches: 2_000, measurements: 100)
        let largeRate = oneCore(large) * 100
        report.add("large batches (100 measurements), one core", largeRate, "measurements/s", target: "≥ 500,000", met: largeRate >= 500_000)
        report.add("ratio one core ÷ raw", one / raw, "")
        report.add("ratio all cores ÷ raw", all / raw, "")
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
