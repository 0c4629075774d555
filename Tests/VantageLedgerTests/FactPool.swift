import Foundation
import VantageIdentity
import VantageLedger
import VantageStore
import VantageTestKit
import VantageWire

/// A fixed pool of real signed facts covering every kind and every awkward case: chains,
/// a forked origin, a revoked origin, a node enrolled for a short window, competing campaigns,
/// attestations, a signer who was never enrolled, and summary logs (a window summarised twice, a
/// summary cut by a revocation).
struct FactPool {
    static let mesh = TestMesh(name: "merge-laws")
    static let t0: Int64 = 1_705_700_000_000  // 2024-01-19T21:33:20Z
    static let nowMs: Int64 = t0 + 86_400_000
    static let shared = FactPool()

    let facts: [SignedFact]

    private init() {
        let mesh = Self.mesh
        var envelopes: [Envelope] = []
        var a = mesh.node("a", asn: 17557), b = mesh.node("b", asn: 23674), c = mesh.node("c", asn: 45595)
        var d = mesh.node("d", asn: 9541)
        var e = mesh.node("e", asn: 59257)
        var outsider = mesh.node("outsider", asn: 1)
        envelopes += [mesh.enroll(a), mesh.enroll(b), mesh.enroll(c), mesh.enroll(d)]
        envelopes.append(mesh.enroll(e, notBeforeMs: Self.t0, notAfterMs: Self.t0 + 4 * 60_000))
        var raw: [String: [Envelope]] = [:]
        for i in 1...8 {
            let time = Self.t0 + Int64(i) * 60_000
            let round = [a.nextBatch(createdMs: time, count: i % 3 + 1), b.nextBatch(createdMs: time),
                         c.nextBatch(createdMs: time), e.nextBatch(createdMs: time), outsider.nextBatch(createdMs: time)]
            for (name, batch) in zip(["a", "b", "c"], round) { raw[name, default: []].append(batch) }
            envelopes += round
        }
        // Summary logs: a's first window summarised twice (the second replaces the first) and its
        // second window; b's and c's summaries, c's second one created after its revocation.
        envelopes += [a.nextSummaryBatch(createdMs: Self.t0 + 460_000, summaries: [a.summary(of: raw["a"]![0])]),
                      a.nextSummaryBatch(createdMs: Self.t0 + 470_000, summaries: [a.summary(of: raw["a"]![1])]),
                      a.nextSummaryBatch(createdMs: Self.t0 + 1_060_000, summaries: [a.summary(of: raw["a"]![7])]),
                      b.nextSummaryBatch(createdMs: Self.t0 + 460_000, summaries: [b.summary(of: raw["b"]![0])]),
                      c.nextSummaryBatch(createdMs: Self.t0 + 300_000, summaries: [c.summary(of: raw["c"]![0])]),
                      c.nextSummaryBatch(createdMs: Self.t0 + 500_000, summaries: [c.summary(of: raw["c"]![2])])]
        // d forks at seq 4: two different batches 4, and a 5 on each branch.
        for i in 1...3 { envelopes.append(d.nextBatch(createdMs: Self.t0 + Int64(i) * 60_000)) }
        let fork = d
        envelopes.append(d.nextBatch(createdMs: Self.t0 + 240_000, count: 1))
        envelopes.append(d.nextBatch(createdMs: Self.t0 + 300_000, count: 1))
        var other = fork
        envelopes.append(other.nextBatch(createdMs: Self.t0 + 240_000, count: 2))
        envelopes.append(other.nextBatch(createdMs: Self.t0 + 300_000, count: 2))
        // c is revoked from its sixth batch on; b's seq-based revocation keeps 1...5.
        envelopes.append(mesh.revoke(c, effectiveMs: Self.t0 + 6 * 60_000))
        envelopes.append(mesh.revoke(b, effectiveMs: Self.t0, lastAcceptedSeq: 5))
        envelopes += [mesh.campaign(version: 1), mesh.campaign(version: 2, name: "x"), mesh.campaign(version: 2, name: "y")]
        // Attestations, in the summary logs: c's is cut by its revocation, the outsider's waits.
        envelopes.append(a.nextSummaryBatch(createdMs: Self.t0 + 1_100_000, summaries: [], attestations: [a.attestation(windowEndMs: Self.t0 + 600_000)]))
        envelopes.append(c.nextSummaryBatch(createdMs: Self.t0 + 600_000, summaries: [], attestations: [c.attestation(windowEndMs: Self.t0 + 600_000)]))
        envelopes.append(outsider.nextSummaryBatch(createdMs: Self.t0 + 600_000, summaries: [], attestations: [outsider.attestation(windowEndMs: Self.t0 + 600_000)]))
        facts = envelopes.map(verified)
    }

    /// A random history: a subset of the pool in random order, with some facts delivered twice.
    func history<G: RandomNumberGenerator>(using rng: inout G) -> [SignedFact] {
        var chosen = facts.filter { _ in Double.random(in: 0..<1, using: &rng) < 0.75 }
        let duplicates = chosen.filter { _ in Double.random(in: 0..<1, using: &rng) < 0.2 }
        chosen += duplicates
        chosen.shuffle(using: &rng)
        return chosen
    }

    /// A replica that received `history` fact by fact: in memory, or in a new SQLite file in `folder`.
    static func replica(_ history: [SignedFact], in folder: URL? = nil) -> Ledger {
        let store: any FactStore = folder.map { try! LedgerStore(path: $0.appendingPathComponent(UUID().uuidString).path) } ?? MemoryFactStore()
        var ledger = Ledger(root: mesh.root, store: store)
        for fact in history { _ = try? ledger.insert(fact, nowMs: nowMs) }
        try! ledger.commit()
        return ledger
    }

    /// Runs `body` with a new folder for store files, removed afterwards.
    static func withFolder<T>(_ body: (URL) throws -> T) rethrows -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-laws-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// The tallies of a ledger counted from scratch from its stored batches: what the tallies kept
    /// up to date batch by batch must equal. An origin with a summary log counts the latest summary
    /// of each window and vantage point; one without counts its raw batches (SPEC §13c).
    static func recountedTallies(_ ledger: Ledger) -> Tallies {
        var tallies = Tallies()
        for origin in Set(ledger.origins + ledger.summaryLogs.map(ledger.owner(ofLog:))) {
            if ledger.span(of: origin.summaryLogID).head.seq > 0 {
                var latest: [String: WindowSummaryRecord] = [:]
                for stored in ledger.storedBatches(of: origin.summaryLogID) {
                    for record in stored.decoded!.record.summaries { latest["\(record.windowStartMs)/\(record.country)/\(record.asn)"] = record }
                }
                for record in latest.values {
                    tallies.add(Placement.tallies(of: record, origin: origin, among: ledger.enrollments(of: origin), windowMs: ledger.windowMs))
                }
                continue
            }
            for stored in ledger.storedBatches(of: origin) {
                let batch = stored.decoded!
                tallies.add(Placement.tallies(ledger.measurements(of: batch), of: batch.record, origin: origin, among: ledger.enrollments(of: origin),
                                              maxAgeMs: ledger.maxMeasurementAgeMs, windowMs: ledger.windowMs))
            }
        }
        return tallies
    }
}

extension Ledger {
    /// `self` merged with `other`.
    func merged(_ other: Ledger) -> Ledger {
        var copy = self
        copy.merge(other, nowMs: FactPool.nowMs)
        return copy
    }
}
