import Foundation
import Testing
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// The two tiers (protocol/SPEC.md §7.4): summary logs reach every node, raw logs only archivers.
@Suite struct TierTests {
    let mesh = TestMesh(name: "tiers")
    let t0: Int64 = 1_705_755_600_000

    /// Five nodes, the first two named archivers; each signs three raw batches and their summaries.
    func mesh(archiverCount: Int = 2, settings: GossipSettings = GossipSettings()) -> (Harness, [TestNode]) {
        var nodes = (0..<5).map { mesh.node("n\($0)", asn: UInt32(100 + $0)) }
        let small = nodes.map { mesh.enroll($0) } + [mesh.campaign(version: 1, archivers: nodes.prefix(archiverCount).map(\.id))]
        var h = Harness()
        for i in nodes.indices {
            var ledger = Ledger(root: mesh.root)
            for envelope in small { try! ledger.insert(envelope: envelope, nowMs: t0 + 3_600_000) }
            for k in 1...3 {
                let raw = nodes[i].nextBatch(createdMs: t0 + Int64(k) * 1_000)
                let summary = nodes[i].nextSummaryBatch(createdMs: t0 + Int64(k) * 1_000 + 1, summaries: [nodes[i].summary(of: raw)])
                try! ledger.insert(envelope: raw, nowMs: t0 + 3_600_000)
                try! ledger.insert(envelope: summary, nowMs: t0 + 3_600_000)
            }
            h.add(nodes[i].id, asn: nodes[i].asn, ledger: ledger, settings: settings)
        }
        h.nowMs = t0 + 3_600_000
        for i in nodes.indices { for j in nodes.indices where j > i { h.connect(nodes[i].id, nodes[j].id) } }
        return (h, nodes)
    }

    @Test func ordinaryNodesKeepTheirOwnRawLogAndEveryonesSummariesWhileArchiversKeepEverything() {
        var (h, nodes) = mesh()
        for _ in 0..<20 { h.tick(advanceMs: 1_000) }
        let everyone = Set(nodes.map(\.id))
        let summaryDigests = Set(nodes.map { h.ledgers[$0.id]!.digest(scope: .summaryTier) })
        #expect(summaryDigests.count == 1, "every node holds the same summary tier")
        for node in nodes {
            let ledger = h.ledgers[node.id]!
            #expect(Set(ledger.summaryLogs.map { ledger.owner(ofLog: $0) }) == everyone, "\(node.id.short) holds every summary log")
            if ledger.archivers.contains(node.id) {
                #expect(Set(ledger.origins) == everyone && ledger.batchCount == 15 && ledger.summaryBatchCount == 15, "archiver \(node.id.short) holds every raw log")
            } else {
                #expect(ledger.origins == [node.id] && ledger.batchCount == 3 && ledger.summaryBatchCount == 15, "\(node.id.short) holds its own raw log only")
            }
        }
        #expect(h.ledgers[nodes[0].id]!.digest == h.ledgers[nodes[1].id]!.digest, "the archivers agree on everything")
        #expect(h.outOfTier == 0, "no honest node sends a raw batch outside its tier")
    }

    @Test func archiversInSyncConfirmHoldingAnOrdinaryNodesRawLogAgainstTheReplicationGoal() throws {
        var (h, nodes) = mesh()
        // Archivers take part in every 20th round: ten of them.
        for _ in 0..<200 { h.tick(advanceMs: 1_000) }
        let ordinary = nodes[3]
        let peers = h.machines[ordinary.id]!.peers
        #expect(peers[nodes[0].id]?.holdsOwnRawUpTo == 3 && peers[nodes[1].id]?.holdsOwnRawUpTo == 3, "both archivers hold its 3 raw batches")
        #expect(peers[nodes[2].id]?.holdsOwnRawUpTo == nil, "an ordinary peer never holds them")
        var ledger = h.ledgers[ordinary.id]!
        let named = try #require(ledger.replication(nowMs: h.nowMs))
        #expect(named.archivers == 2 && named.countries == ["PK"])
        #expect(named.shortfall == "2 archivers in 1 country where the campaign's goal is 3 in 2")
        #expect(ledger.replication(heldBy: [nodes[0].id, nodes[2].id], nowMs: h.nowMs)?.archivers == 1, "only named archivers count")
        // A campaign whose goal is two archivers in one country: met.
        try ledger.insert(envelope: mesh.campaign(version: 2, archivers: [nodes[0].id, nodes[1].id],
                                                  replication: .with { $0.archivers = 2; $0.countries = 1 }), nowMs: h.nowMs)
        #expect(ledger.replication(nowMs: h.nowMs)?.shortfall == nil)
        #expect(mesh().0.ledgers[nodes[0].id]!.replication(nowMs: h.nowMs) != nil)
        #expect(mesh(archiverCount: 0).0.ledgers[nodes[0].id]!.replication(nowMs: h.nowMs) == nil, "without archivers every node holds every raw log")
    }

    @Test func anOrdinaryNodesBatchReachesEveryArchiverByOnePushAndForwardsWithoutAnnouncements() throws {
        var (h, nodes) = mesh()
        for _ in 0..<200 { h.tick(advanceMs: 1_000) }
        let (archivers, ordinary) = ([nodes[0].id, nodes[1].id], nodes[3].id)
        let raw = nodes[3].nextBatch(createdMs: t0 + 10_000)
        let summary = nodes[3].nextSummaryBatch(createdMs: t0 + 10_001, summaries: [nodes[3].summary(of: raw)])
        h.announced = [:]
        for envelope in [raw, summary] {
            try h.ledgers[ordinary]!.insert(envelope: envelope, nowMs: h.nowMs)
            let directives = h.machines[ordinary]!.onLocalBatch(envelope, ledger: h.ledgers[ordinary]!, using: &h.rng)
            let receivers = directives.compactMap { directive -> NodeID? in if case .send(_, let to) = directive { to } else { nil } }
            #expect(receivers.filter(archivers.contains).count == 1, "one archiver gets it from its origin, the other by forwarding")
            h.run(directives, at: ordinary)
        }
        for archiver in archivers {
            #expect(h.ledgers[archiver]!.span(of: ordinary).head.seq == 4, "\(archiver.short) holds the new raw batch before any round")
            #expect(h.announced[archiver] == nil, "no announcement reaches an archiver")
        }
        #expect(h.ledgers[nodes[2].id]!.span(of: ordinary).head.seq == 0, "an ordinary node never gets another's raw batch")
        #expect(h.outOfTier == 0)
    }

    @Test func withoutArchiversNamedEveryNodeKeepsEveryLog() {
        var (h, nodes) = mesh(archiverCount: 0)
        for _ in 0..<20 { h.tick(advanceMs: 1_000) }
        #expect(Set(nodes.map { h.ledgers[$0.id]!.digest }).count == 1)
        #expect(nodes.allSatisfy { h.ledgers[$0.id]!.batchCount == 15 })
    }

    @Test func aRawBatchPushedToAnOrdinaryNodeIsDroppedAndEvidenceIsAnsweredFromEitherTier() {
        var (h, nodes) = mesh()
        for _ in 0..<20 { h.tick(advanceMs: 1_000) }
        let ordinary = nodes[4].id, archiver = nodes[0].id, other = nodes[3]
        // A peer that ignores the tiers pushes another origin's raw batch: it is dropped, named.
        let stray = h.ledgers[archiver]!.batch(of: other.id, seq: 1)!.envelope
        let directives = h.machines[ordinary]!.onFrame(Frame.with { $0.push = stray }, from: archiver, ledger: h.ledgers[ordinary]!,
                                                       nowMs: h.nowMs, using: &h.rng)
        guard case .outOfTier(archiver, 1)? = directives.first else {
            Issue.record("expected the stray batch to be refused as out of tier: \(directives)")
            return
        }
        #expect(directives.count == 1)
        // A Want of evidence is answered with the raw batches, and is not applied to the ledger.
        let ranges = [WantRange.with { $0.origin = Data(other.id.bytes); $0.fromSeq = 1; $0.toSeq = 3 }]
        h.run([.send(.evidenceWant(ranges), to: archiver)], at: ordinary)
        #expect(h.evidence[ordinary]?.count == 3)
        #expect(h.ledgers[ordinary]!.origins == [ordinary])
        // An ordinary node answers evidence of what it holds: its own raw log.
        h.run([.send(.evidenceWant([WantRange.with { $0.origin = Data(other.id.bytes); $0.fromSeq = 1; $0.toSeq = 3 }]), to: nodes[2].id)], at: ordinary)
        #expect(h.evidence[ordinary]?.count == 3, "another ordinary node holds none of it")
        h.run([.send(.evidenceWant(ranges), to: other.id)], at: ordinary)
        #expect(h.evidence[ordinary]?.count == 6, "the origin answers with its own")
    }

    @Test func aRelayThatIsNoArchiverForwardsAnOrdinaryNodesRequestForEvidenceItLacksAndNothingElse() throws {
        var (h, nodes) = mesh()
        for _ in 0..<20 { h.tick(advanceMs: 1_000) }
        let relay = nodes[2].id, ordinary = nodes[4].id, archiver = nodes[0].id, other = nodes[3].id
        let campaign = mesh.campaign(version: 2, archivers: [archiver, nodes[1].id], relays: [(relay, "relay.example:7400")])
        for node in nodes { try h.ledgers[node.id]!.insert(envelope: campaign, nowMs: h.nowMs) }
        let want = [other, relay].map { origin in WantRange(log: Data(origin.bytes), seqs: 2...2) }
            + [WantRange(log: Data(ordinary.bytes), seqs: 1...1), WantRange(log: Data(other.bytes), seqs: 1...3)]
        h.run([.send(.evidenceWant(want), to: relay)], at: ordinary)
        #expect(h.evidence[ordinary]?.count == 1, "the relay answers its own batch at once")
        #expect(h.forwarded[relay] == [WantRange(log: Data(other.bytes), seqs: 2...2)],
                "and forwards the one-seq range it lacks; not the asker's own log, not a range of three")
        h.run([.send(.evidenceWant(want), to: relay)], at: archiver)
        h.run([.send(.evidenceWant(want), to: other)], at: ordinary)
        #expect(h.forwarded[relay]?.count == 1 && h.forwarded[other] == nil, "an archiver's request is not forwarded, and an ordinary node forwards nothing")
    }

    @Test func aSummaryBatchArrivingWithItsOriginsEnrollmentIsKeptByAnOrdinaryNode() {
        var (h, nodes) = mesh()
        var newcomer = mesh.node("new", asn: 199)
        let raw = newcomer.nextBatch(createdMs: t0 + 1_000)
        var delta = Delta()
        delta.facts = [mesh.enroll(newcomer)]
        delta.batches = [newcomer.nextSummaryBatch(createdMs: t0 + 1_001, summaries: [newcomer.summary(of: raw)]), raw]
        let ordinary = nodes[4].id
        let directives = h.machines[ordinary]!.onFrame(Frame.with { $0.delta = delta }, from: nodes[0].id, ledger: h.ledgers[ordinary]!,
                                                       nowMs: h.nowMs, using: &h.rng)
        // The summary batch stays although its log was unknown until the enrollment in the same
        // delta is applied; the raw batch of another origin is dropped.
        guard case .outOfTier(_, 1)? = directives.first, case .apply(let applied, _)? = directives.last else {
            Issue.record("\(directives)")
            return
        }
        #expect(applied.batches.count == 1 && BatchPeek.tier(applied.batches[0].payload) == .summary)
    }

    /// What a relay does with a peer's `Want` of evidence (SPEC §7.5): the forward directives and
    /// whether the peer was rate-limited.
    static func forwarding(_ ranges: [WantRange], from peer: NodeID, at relay: NodeID, in h: inout Harness) -> (forwarded: [WantRange], limited: Bool) {
        let directives = h.machines[relay]!.onFrame(.evidenceWant(ranges), from: peer, ledger: h.ledgers[relay]!, nowMs: h.nowMs, using: &h.rng)
        var forwarded: [WantRange] = [], limited = false
        for directive in directives {
            if case .forwardEvidence(let ranges, _) = directive { forwarded += ranges }
            if case .rateLimited = directive { limited = true }
        }
        return (forwarded, limited)
    }

    @Test func aRelayForwardsOnlyWhatSummariesVouchForFewAtATimeAndChargesTheAsker() throws {
        var (h, nodes) = mesh(settings: GossipSettings(forwardChargeBytes: 1 << 20))
        for _ in 0..<20 { h.tick(advanceMs: 1_000) }
        let relay = nodes[2].id, ordinary = nodes[4].id, other = nodes[3].id
        let campaign = mesh.campaign(version: 2, archivers: [nodes[0].id, nodes[1].id], relays: [(relay, "relay.example:7400")])
        for node in nodes { try h.ledgers[node.id]!.insert(envelope: campaign, nowMs: h.nowMs) }
        func range(_ origin: NodeID, _ seq: UInt64) -> WantRange { WantRange(log: Data(origin.bytes), seqs: seq...seq) }
        #expect(h.ledgers[relay]!.knownRawHead(of: other) == 3, "the relay knows seqs 1-3 from other's summaries")

        // Seqs no summary names, and a node nobody enrolled, are asked of nobody.
        let stranger = mesh.node("stranger", asn: 999).id
        #expect(Self.forwarding([range(other, 4), range(other, 999_999), range(stranger, 1)], from: ordinary, at: relay, in: &h).forwarded.isEmpty)
        // More ranges than a Want may name: refused whole.
        let tooMany = (1...257).map { range(other, UInt64($0)) }
        #expect(Self.forwarding(tooMany, from: ordinary, at: relay, in: &h) == ([], true))

        // Two forwards in flight per peer; a range already being fetched is not forwarded again.
        #expect(Self.forwarding([range(other, 2)], from: ordinary, at: relay, in: &h) == ([range(other, 2)], false))
        #expect(Self.forwarding([range(other, 2)], from: ordinary, at: relay, in: &h) == ([], false))
        #expect(Self.forwarding([range(other, 3)], from: ordinary, at: relay, in: &h) == ([range(other, 3)], false))
        #expect(Self.forwarding([range(other, 1)], from: ordinary, at: relay, in: &h) == ([], true))
        h.machines[relay]!.onEvidenceForwarded([range(other, 2)], for: ordinary)
        #expect(Self.forwarding([range(other, 1)], from: ordinary, at: relay, in: &h) == ([range(other, 1)], false))
        h.machines[relay]!.onEvidenceForwarded([range(other, 3)], for: ordinary)
        #expect(Self.forwarding([range(other, 2)], from: ordinary, at: relay, in: &h) == ([range(other, 2)], false))
        h.machines[relay]!.onEvidenceForwarded([range(other, 2)], for: ordinary)
        // Each forwarded range was charged as a megabyte answered: four spent the interval's budget.
        #expect(Self.forwarding([range(other, 3)], from: ordinary, at: relay, in: &h) == ([], true), "budget spent")
        h.nowMs += 1_000
        #expect(Self.forwarding([range(other, 3)], from: ordinary, at: relay, in: &h) == ([range(other, 3)], false), "a new interval")
    }
}
