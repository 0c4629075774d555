import PropertyBased
import Testing
import VantageIdentity
import VantageLedger

/// The CRDT laws over random histories of real signed facts. Each property draws a seed; the
/// history is rebuilt from it, and PropertyBased prints the seed of a failing case.
@Suite struct MergeLawTests {
    let pool = FactPool.shared
    static let histories = 1000

    @Test func mergeIsCommutative() async {
        await propertyCheck(count: Self.histories, input: Gen.uint64()) { seed in
            await Task.yield()  // let other suites' tasks run on the two cooperative threads
            var rng = SplitMix64(seed: seed)
            let x = FactPool.replica(pool.history(using: &rng))
            let y = FactPool.replica(pool.history(using: &rng))
            #expect(x.merged(y).digest == y.merged(x).digest, "seed \(seed)")
        }
    }

    @Test func mergeIsAssociative() async {
        await propertyCheck(count: Self.histories, input: Gen.uint64()) { seed in
            await Task.yield()  // let other suites' tasks run on the two cooperative threads
            var rng = SplitMix64(seed: seed)
            let x = FactPool.replica(pool.history(using: &rng))
            let y = FactPool.replica(pool.history(using: &rng))
            let z = FactPool.replica(pool.history(using: &rng))
            #expect(x.merged(y).merged(z).digest == x.merged(y.merged(z)).digest, "seed \(seed)")
        }
    }

    @Test func mergeIsIdempotent() async {
        await propertyCheck(count: Self.histories, input: Gen.uint64()) { seed in
            await Task.yield()  // let other suites' tasks run on the two cooperative threads
            var rng = SplitMix64(seed: seed)
            let x = FactPool.replica(pool.history(using: &rng))
            let y = FactPool.replica(pool.history(using: &rng))
            #expect(x.merged(x).digest == x.digest, "seed \(seed)")
            let xy = x.merged(y)
            #expect(xy.merged(y).digest == xy.digest, "seed \(seed)")
        }
    }

    @Test func deliveryOrderAndDuplicatesDoNotMatter() async {
        await propertyCheck(count: Self.histories, input: Gen.uint64()) { seed in
            await Task.yield()  // let other suites' tasks run on the two cooperative threads
            var rng = SplitMix64(seed: seed)
            let history = pool.history(using: &rng)
            var reordered = history + history.filter { _ in Bool.random(using: &rng) }
            reordered.shuffle(using: &rng)
            let first = FactPool.replica(history)
            let second = FactPool.replica(reordered)
            #expect(first.digest == second.digest, "seed \(seed)")
            #expect(first.versionVector == second.versionVector, "seed \(seed)")
        }
    }

    @Test func pushPullDeltasReachTheMergedState() async {
        await propertyCheck(count: Self.histories, input: Gen.uint64()) { seed in
            await Task.yield()  // let other suites' tasks run on the two cooperative threads
            var rng = SplitMix64(seed: seed)
            var x = FactPool.replica(pool.history(using: &rng))
            var y = FactPool.replica(pool.history(using: &rng))
            let merged = x.merged(y).merged(y.merged(x))
            for _ in 0..<10 where x.digest != y.digest {
                let toX = y.delta(since: x.versionVector)
                let toY = x.delta(since: y.versionVector)
                _ = x.apply(toX, nowMs: FactPool.nowMs)
                _ = y.apply(toY, nowMs: FactPool.nowMs)
            }
            #expect(x.digest == y.digest, "seed \(seed)")
            #expect(x.digest == merged.digest, "seed \(seed)")
        }
    }

    @Test func aReplicaReopenedFromItsStoreIsTheSame() async throws {
        await propertyCheck(count: Self.histories / 4, input: Gen.uint64()) { seed in
            await Task.yield()
            var rng = SplitMix64(seed: seed)
            var x = Ledger(root: FactPool.mesh.root, store: MemoryFactStore())
            for fact in pool.history(using: &rng) { _ = try? x.insert(fact, nowMs: FactPool.nowMs) }
            try! x.commit()
            let (reopened, report) = try! Ledger.open(root: FactPool.mesh.root, store: x.store!, nowMs: FactPool.nowMs)
            // Held facts are not state and are never stored: the reopened replica holds none.
            #expect(reopened.digest == x.digest && reopened.heldCount == 0, "seed \(seed): \(report.applied.refused.prefix(2))")
        }
    }
}
