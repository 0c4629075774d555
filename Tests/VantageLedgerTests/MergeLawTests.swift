import PropertyBased
import Testing
import VantageIdentity
import VantageLedger

/// The CRDT laws over random histories of real signed facts. Each property draws a seed; the
/// history is rebuilt from it, and PropertyBased prints the seed of a failing case.
@Suite struct MergeLawTests {
    let pool = FactPool.shared
    static let histories = 1000

    /// The pool's summary logs are admitted as they should be: a's replaces a window's summary,
    /// c's second summary is cut by its revocation, and a's windows count from its summaries.
    @Test func thePoolsSummaryLogsAreAdmittedAndCount() {
        let all = FactPool.replica(pool.facts)
        let a = FactPool.mesh.node("a", asn: 17557).id, c = FactPool.mesh.node("c", asn: 45595).id
        #expect(all.span(of: a.summaryLogID).head.seq == 4 && all.span(of: c.summaryLogID).head.seq == 1,
                "a's three summary batches and its attestation; c's attestation is cut by its revocation")
        #expect(all.attestationIndex.count == 1 && all.attestationIndex.values.first?.signer == a)
        let aPoints = all.tallies.cells.filter { $0.series.vantage.hasPrefix(a.hex) }
        #expect(aPoints.count == 2, "two windows of a count, from its summaries")
        #expect(aPoints.allSatisfy { $0.tally.measurements == 3 }, "\(aPoints.map(\.tally.measurements)): the replacing summary (batch 2: 3 measurements) and batch 8's")
        #expect(all.tallies == FactPool.recountedTallies(all))
    }

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
            #expect(first.tallies == second.tallies, "seed \(seed)")
            #expect(first.tallies == FactPool.recountedTallies(first), "seed \(seed): tallies kept batch by batch equal a recount")
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
            let x = FactPool.replica(pool.history(using: &rng))
            let (reopened, _) = try! Ledger.open(root: FactPool.mesh.root, store: x.store)
            // Held facts are not state and are never stored: the reopened replica holds none.
            #expect(reopened.digest == x.digest && reopened.heldCount == 0, "seed \(seed)")
            #expect(reopened.tallies == x.tallies, "seed \(seed)")
        }
    }

    /// The laws again with every replica in its own SQLite file: merge reads the other's batches
    /// from its file, and the merged state, tallies included, does not depend on the store.
    @Test func theLawsHoldForReplicasOnDisk() async {
        await propertyCheck(count: Self.histories / 10, input: Gen.uint64()) { seed in
            await Task.yield()
            var rng = SplitMix64(seed: seed)
            let (hx, hy, hz) = (pool.history(using: &rng), pool.history(using: &rng), pool.history(using: &rng))
            FactPool.withFolder { folder in
                func disk(_ history: [SignedFact]) -> Ledger { FactPool.replica(history, in: folder) }
                func merge(_ a: Ledger, _ b: Ledger) -> Ledger {
                    var a = a
                    a.merge(b, nowMs: FactPool.nowMs)
                    try! a.commit()
                    return a
                }
                let xy = merge(disk(hx), disk(hy)), yx = merge(disk(hy), disk(hx))
                let memory = FactPool.replica(hx).merged(FactPool.replica(hy))
                #expect(xy.digest == yx.digest && xy.digest == memory.digest, "seed \(seed): commutative, and as in memory")
                #expect(xy.tallies == yx.tallies && xy.tallies == memory.tallies, "seed \(seed)")
                let left = merge(merge(disk(hx), disk(hy)), disk(hz)), right = merge(disk(hx), merge(disk(hy), disk(hz)))
                #expect(left.digest == right.digest && left.tallies == right.tallies, "seed \(seed): associative")
                let x = disk(hx)
                let xx = merge(disk(hx), x)
                #expect(xx.digest == x.digest && xx.tallies == x.tallies, "seed \(seed): idempotent")
                let (reopened, report) = try! Ledger.open(root: FactPool.mesh.root, store: xy.store)
                #expect(report.repaired.isEmpty && reopened.digest == xy.digest && reopened.tallies == xy.tallies, "seed \(seed): reopened")
                #expect(xy.tallies == FactPool.recountedTallies(xy), "seed \(seed)")
            }
        }
    }
}
