import Foundation
import Testing
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// Two or three gossip machines wired together in memory, frames delivered in order.
struct Harness {
    var machines: [NodeID: GossipNode] = [:]
    var ledgers: [NodeID: Ledger] = [:]
    var rng = SplitMix64(seed: 1)
    var nowMs: Int64 = 1_705_755_600_000
    var sent: [NodeID: Int] = [:]
    /// Version-vector entries sent, and frames of each kind.
    var vectorEntries = 0
    var vectorFrames = 0
    /// Vectors of entries sent with their small facts, and without ("the same as yours").
    var entryVectorsWithSmallFacts = 0
    var entryVectorsWithoutSmallFacts = 0
    var outcomes: [ExchangeOutcome] = []
    /// Batches dropped for being outside the receiver's tier, and evidence frames received.
    var outOfTier = 0
    var evidence: [NodeID: [Envelope]] = [:]
    /// Ranges of evidence a relay was asked to forward, by relay.
    var forwarded: [NodeID: [WantRange]] = [:]
    /// Announce frames received, by receiver.
    var announced: [NodeID: Int] = [:]

    mutating func add(_ id: NodeID, asn: UInt32, ledger: Ledger, settings: GossipSettings = GossipSettings()) {
        machines[id] = GossipNode(id: id, asn: asn, settings: settings)
        ledgers[id] = ledger
    }

    mutating func connect(_ a: NodeID, _ b: NodeID) {
        run(machines[a]!.onConnected(b, asn: machines[b]!.asn, address: nil, nowMs: nowMs), at: a)
        run(machines[b]!.onConnected(a, asn: machines[a]!.asn, address: nil, nowMs: nowMs), at: b)
    }

    mutating func run(_ directives: [GossipDirective], at node: NodeID) {
        var queue = directives.map { (node, $0) }
        while !queue.isEmpty {
            let (at, directive) = queue.removeFirst()
            switch directive {
            case .send(let frame, let to):
                sent[at, default: 0] += 1
                if case .announce = frame.body { announced[to, default: 0] += 1 }
                if case .versionVector(let vector) = frame.body {
                    vectorFrames += 1
                    vectorEntries += vector.entries.count
                    if vector.partial && vector.includedBuckets != 0 {
                        if vector.smallFactsDigest.isEmpty { entryVectorsWithoutSmallFacts += 1 } else { entryVectorsWithSmallFacts += 1 }
                    }
                }
                queue += machines[to]!.onFrame(frame, from: at, ledger: ledgers[to]!, nowMs: nowMs, using: &rng).map { (to, $0) }
            case .apply(let delta, let from):
                let report = ledgers[at]!.apply(delta, nowMs: nowMs)
                queue += machines[at]!.onApplied(report, from: from, ledger: ledgers[at]!, using: &rng).map { (at, $0) }
            case .exchangeEnded(_, let outcome):
                outcomes.append(outcome)
            case .outOfTier(_, let count):
                outOfTier += count
            case .evidence(let batches, _):
                evidence[at, default: []] += batches
            case .forwardEvidence(let ranges, _):
                forwarded[at, default: []] += ranges
            case .dial, .disconnect, .rateLimited:
                break
            }
        }
    }

    mutating func tick(advanceMs: Int64) {
        nowMs += advanceMs
        for id in machines.keys.sorted() {
            let directives = machines[id]!.onTick(nowMs: nowMs, ledger: ledgers[id]!, using: &rng)
            run(directives, at: id)
        }
    }
}

@Suite struct GossipNodeTests {
    let mesh = TestMesh(name: "gossip")
    let t0: Int64 = 1_705_755_600_000

    func ledger(with envelopes: [Envelope]) -> Ledger { mesh.ledger(with: envelopes, nowMs: t0 + 3_600_000) }

    @Test func pushPullBringsBothSidesToOneDigest() {
        var a = mesh.node("a", asn: 1), b = mesh.node("b", asn: 2)
        let roster = [mesh.enroll(a), mesh.enroll(b)]
        let onlyA = (1...20).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        let onlyB = (1...5).map { b.nextBatch(createdMs: t0 + Int64($0)) }
        var h = Harness()
        h.add(a.id, asn: 1, ledger: ledger(with: roster + onlyA))
        h.add(b.id, asn: 2, ledger: ledger(with: roster + onlyB))
        h.connect(a.id, b.id)
        #expect(h.ledgers[a.id]!.digest != h.ledgers[b.id]!.digest)
        h.tick(advanceMs: 0)
        #expect(h.ledgers[a.id]!.digest == h.ledgers[b.id]!.digest)
        #expect(h.ledgers[b.id]!.batchCount == 25)
        #expect(h.outcomes.contains(.synced))
    }

    @Test func anExchangeSendsOnlyTheEntriesOfTheOriginBucketsThatDiffer() {
        var origins = (0..<40).map { mesh.node("origin-\($0)", asn: UInt32(100 + $0)) }
        var envelopes = origins.map { mesh.enroll($0) }
        for i in origins.indices { envelopes += (1...3).map { origins[i].nextBatch(createdMs: t0 + Int64($0)) } }
        let shared = ledger(with: envelopes)
        var ahead = shared
        try! ahead.insert(envelope: origins[7].nextBatch(createdMs: t0 + 10), nowMs: t0 + 3_600_000)
        var h = Harness()
        h.add(origins[0].id, asn: 100, ledger: ahead, settings: GossipSettings(fanout: 1))
        h.add(origins[1].id, asn: 101, ledger: shared, settings: GossipSettings(fanout: 1))
        h.connect(origins[0].id, origins[1].id)
        h.tick(advanceMs: 0)
        #expect(h.ledgers[origins[0].id]!.digest == h.ledgers[origins[1].id]!.digest)
        let bucket = VersionVector.bucket(of: origins[7].id)
        let inBucket = shared.versionVector.entries.filter { VersionVector.bucket(of: $0.0) == bucket }.count
        // Each exchange: fingerprints (no entries), the initiator's entries of the differing bucket,
        // the responder's of the same bucket — not 40 entries each way.
        #expect(h.vectorEntries <= 2 * 2 * inBucket, "\(h.vectorEntries) entries sent in \(h.vectorFrames) vectors; \(inBucket) origins share the bucket")
        #expect(h.outcomes.contains(.synced))
    }

    @Test func onlySmallFactsDifferingStillReachBothSides() {
        let a = mesh.node("a", asn: 1), b = mesh.node("b", asn: 2)
        var h = Harness()
        h.add(a.id, asn: 1, ledger: ledger(with: [mesh.enroll(a), mesh.enroll(b), mesh.campaign(version: 1)]), settings: GossipSettings(fanout: 1))
        h.add(b.id, asn: 2, ledger: ledger(with: [mesh.enroll(a), mesh.enroll(b), mesh.campaign(version: 2)]), settings: GossipSettings(fanout: 1))
        h.connect(a.id, b.id)
        h.run(h.machines[a.id]!.onTick(nowMs: h.nowMs, ledger: h.ledgers[a.id]!, using: &h.rng), at: a.id)
        #expect(h.ledgers[a.id]!.digest == h.ledgers[b.id]!.digest, "one exchange started by one side brings both campaigns to both")
        #expect(h.ledgers[a.id]!.campaigns.count == 2 && h.vectorEntries == 0)
    }

    /// Lazy push (SPEC §7.3): a batch pushed to b is announced to c, which pulls it at once, with
    /// no exchange; a node that already holds an announced batch asks for nothing.
    @Test func anAdmittedBatchIsAnnouncedAndPulledWithoutAnExchange() {
        var a = mesh.node("a", asn: 1)
        let b = mesh.node("b", asn: 2), c = mesh.node("c", asn: 3)
        let roster = ledger(with: [mesh.enroll(a), mesh.enroll(b), mesh.enroll(c)])
        var h = Harness()
        for (node, asn) in [(a, UInt32(1)), (b, 2), (c, 3)] { h.add(node.id, asn: asn, ledger: roster) }
        h.connect(a.id, b.id)
        h.connect(b.id, c.id)
        let batch = a.nextBatch(createdMs: t0)
        try! h.ledgers[a.id]!.insert(envelope: batch, nowMs: t0)
        h.run(h.machines[a.id]!.onLocalBatch(batch, ledger: h.ledgers[a.id]!, using: &h.rng), at: a.id)
        #expect(h.ledgers[c.id]!.head(of: a.id).seq == 1, "c pulled the batch b announced")
        #expect(h.outcomes.isEmpty && h.vectorFrames == 0, "no exchange was needed")
        #expect(h.sent[c.id] == 1, "c sent one frame: its Want")

        // With a linked to c as well, c gets a's push directly; b's announcement then asks for nothing.
        h.connect(a.id, c.id)
        let second = a.nextBatch(createdMs: t0 + 1)
        try! h.ledgers[a.id]!.insert(envelope: second, nowMs: t0)
        h.sent = [:]
        h.run(h.machines[a.id]!.onLocalBatch(second, ledger: h.ledgers[a.id]!, using: &h.rng), at: a.id)
        #expect(h.ledgers[b.id]!.head(of: a.id).seq == 2 && h.ledgers[c.id]!.head(of: a.id).seq == 2)
        #expect(h.sent[c.id, default: 0] + h.sent[b.id, default: 0] <= 2, "announcements only, no Want: \(h.sent)")
    }

    @Test func announcementsOfUnknownLogsAskForNothing() {
        let a = mesh.node("a", asn: 1), b = mesh.node("b", asn: 2)
        var rng = SplitMix64(seed: 5)
        var node = GossipNode(id: b.id, asn: 2)
        let ledgerB = ledger(with: [mesh.enroll(a), mesh.enroll(b)])
        _ = node.onConnected(a.id, asn: 1, address: nil, nowMs: t0)
        let madeUp = (0..<2_000).map { i in WantRange.with { $0.origin = Data(Hash256.of(Array("log-\(i)".utf8)).bytes); $0.fromSeq = 1; $0.toSeq = 9 } }
        let known = WantRange.with { $0.origin = Data(a.id.summaryLogID.bytes); $0.fromSeq = 1; $0.toSeq = 2 }
        let answer = node.onFrame(Frame.with { $0.announce = Announce.with { $0.heads = Array(madeUp.prefix(1_000)) + [known] } }, from: a.id, ledger: ledgerB, nowMs: t0, using: &rng)
        guard case .send(let frame, a.id)? = answer.first, case .want(let want) = frame.body else {
            Issue.record("the enrolled node's summary log is asked for: \(answer)")
            return
        }
        #expect(want.ranges.count == 1 && want.ranges[0].origin == known.origin)
        #expect(node.onFrame(Frame.with { $0.announce = Announce.with { $0.heads = [known] } }, from: a.id, ledger: ledgerB, nowMs: t0 + 1, using: &rng).isEmpty,
                "asked already, within the exchange timeout")
    }

    @Test func aPullLeftUnansweredIsAskedOfTheNextAnnouncerAfterTheTimeout() {
        let a = mesh.node("a", asn: 1), b = mesh.node("b", asn: 2), c = mesh.node("c", asn: 3), d = mesh.node("d", asn: 4)
        var rng = SplitMix64(seed: 6)
        var node = GossipNode(id: b.id, asn: 2)
        let ledgerB = ledger(with: [mesh.enroll(a), mesh.enroll(b), mesh.enroll(c), mesh.enroll(d)])
        for peer in [a, c, d] { _ = node.onConnected(peer.id, asn: peer.asn, address: nil, nowMs: t0) }
        let head = WantRange.with { $0.origin = Data(a.id.summaryLogID.bytes); $0.fromSeq = 1; $0.toSeq = 2 }
        func wants(_ directives: [GossipDirective]) -> [NodeID] {
            directives.compactMap { if case .send(let frame, let to) = $0, case .want = frame.body { to } else { nil } }
        }
        let announce = Frame.with { $0.announce = Announce.with { $0.heads = [head] } }
        #expect(wants(node.onFrame(announce, from: a.id, ledger: ledgerB, nowMs: t0, using: &rng)) == [a.id])
        #expect(wants(node.onFrame(announce, from: c.id, ledger: ledgerB, nowMs: t0 + 10, using: &rng)).isEmpty, "asked of a already")
        #expect(wants(node.onFrame(announce, from: d.id, ledger: ledgerB, nowMs: t0 + 20, using: &rng)).isEmpty)
        let timeout = node.settings.exchangeTimeoutMs
        #expect(wants(node.onTick(nowMs: t0 + timeout, ledger: ledgerB, using: &rng)).isEmpty, "a may still answer")
        // a never answers (its answer lost or rate-limited): c, the next announcer, is asked, then d.
        #expect(wants(node.onTick(nowMs: t0 + timeout + 1, ledger: ledgerB, using: &rng)) == [c.id])
        #expect(wants(node.onTick(nowMs: t0 + 2 * timeout + 2, ledger: ledgerB, using: &rng)) == [d.id])
        #expect(wants(node.onTick(nowMs: t0 + 3 * timeout + 3, ledger: ledgerB, using: &rng)).isEmpty, "no announcer left: anti-entropy repairs it")
    }

    @Test func inSyncRoundIsOneSummaryEachWay() {
        let a = mesh.node("a", asn: 1), b = mesh.node("b", asn: 2)
        let shared = ledger(with: [mesh.enroll(a), mesh.enroll(b)])
        var h = Harness()
        h.add(a.id, asn: 1, ledger: shared, settings: GossipSettings(fanout: 1))
        h.add(b.id, asn: 2, ledger: shared, settings: GossipSettings(fanout: 1))
        h.connect(a.id, b.id)
        h.tick(advanceMs: 0)
        #expect(h.outcomes == [.inSync])
        #expect(h.sent[a.id] == 1 && h.sent[b.id] == 1, "one round: a summary each way; b does not open a second in the same interval")
        h.tick(advanceMs: 1_000)
        #expect(h.outcomes == [.inSync, .inSync], "a round an interval later: the peer announced its digest long enough ago")
        #expect(h.sent[a.id]! + h.sent[b.id]! == 4)
    }

    @Test func peersInOtherASNsArePreferred() {
        var rng = SplitMix64(seed: 7)
        var node = GossipNode(id: Hash256.of([0]), asn: 100, settings: GossipSettings(fanout: 2))
        let same = (1...5).map { Hash256.of([UInt8($0)]) }
        let other = (6...7).map { Hash256.of([UInt8($0)]) }
        for id in same { _ = node.onConnected(id, asn: 100, address: nil, nowMs: 0) }
        for (i, id) in other.enumerated() { _ = node.onConnected(id, asn: 200 + UInt32(i), address: nil, nowMs: 0) }
        let chosen = node.onTick(nowMs: 0, ledger: Ledger(root: mesh.root), using: &rng).compactMap { directive -> NodeID? in
            if case .send(_, let to) = directive { return to }
            return nil
        }
        #expect(Set(chosen) == Set(other))
    }

    @Test func silentPeerTimesOutAndBacksOff() {
        var rng = SplitMix64(seed: 3)
        let settings = GossipSettings(intervalMs: 1000, exchangeTimeoutMs: 5000, backoffBaseMs: 2000)
        var node = GossipNode(id: Hash256.of([0]), asn: 1, settings: settings)
        let peer = Hash256.of([1])
        let ledger = Ledger(root: mesh.root)
        _ = node.onConnected(peer, asn: 2, address: nil, nowMs: 0)
        #expect(node.onTick(nowMs: 0, ledger: ledger, using: &rng).count == 1)
        #expect(node.onTick(nowMs: 1000, ledger: ledger, using: &rng).isEmpty, "one exchange at a time per peer")
        let timedOut = node.onTick(nowMs: 6000, ledger: ledger, using: &rng)
        #expect(timedOut.contains { if case .exchangeEnded(_, .failed) = $0 { return true } else { return false } })
        #expect(node.peers[peer]!.failures == 1)
        #expect(node.peers[peer]!.backoffUntilMs >= 8000)
        #expect(node.onTick(nowMs: 7000, ledger: ledger, using: &rng).isEmpty, "backing off")
    }

    @Test func unknownFrameDisconnectsAndErrorFails() {
        var rng = SplitMix64(seed: 3)
        var node = GossipNode(id: Hash256.of([0]), asn: 1)
        let peer = Hash256.of([1])
        _ = node.onConnected(peer, asn: 2, address: nil, nowMs: 0)
        let directives = node.onFrame(Frame(), from: peer, ledger: Ledger(root: mesh.root), nowMs: 0, using: &rng)
        guard case .disconnect(_, let reason) = directives.first else {
            Issue.record("no disconnect")
            return
        }
        #expect(reason == .unknownFrame && "\(reason)" == "frame of unknown type")
    }

    @Test func summariesCarryTheFirst16BytesOfEachDigest() throws {
        var rng = SplitMix64(seed: 3)
        var node = GossipNode(id: Hash256.of([0]), asn: 1)
        let peer = Hash256.of([1])
        _ = node.onConnected(peer, asn: 2, address: nil, nowMs: 0)
        let ledger = Ledger(root: mesh.root)
        func answer(_ digest: Data) -> Frame? {
            let directives = node.onFrame(Frame.with { $0.summary = Summary.with { $0.ledgerDigest = digest } }, from: peer, ledger: ledger, nowMs: 0, using: &rng)
            guard case .send(let frame, _) = directives.first else { return nil }
            return frame
        }
        let equal = try #require(answer(Data(ledger.digest.bytes.prefix(16))))
        #expect(equal.summary.reply && equal.summary.ledgerDigest == Data(ledger.digest.bytes.prefix(16)), "16 bytes of the digest: equal")
        #expect(node.peers[peer]?.lastDigest?.matches(ledger.digest) == true)
        let whole = try #require(answer(Data(ledger.digest.bytes)))
        guard case .versionVector(let fingerprints) = whole.body else {
            Issue.record("a digest of another length differs: fingerprints should follow, not \(whole)")
            return
        }
        #expect(fingerprints.reply && fingerprints.entries.isEmpty)
        #expect(node.peers[peer]?.lastDigest == nil)
    }

    @Test func dialsJoinAddressesAndBacksOffAfterFailure() {
        var rng = SplitMix64(seed: 3)
        var node = GossipNode(id: Hash256.of([0]), asn: 1, join: ["127.0.0.1:7101"])
        let ledger = Ledger(root: mesh.root)
        let first = node.onTick(nowMs: 0, ledger: ledger, using: &rng)
        #expect(first.contains { if case .dial("127.0.0.1:7101") = $0 { return true } else { return false } })
        #expect(node.onTick(nowMs: 10, ledger: ledger, using: &rng).isEmpty, "one dial in flight")
        #expect(node.onDialFailed("127.0.0.1:7101", nowMs: 20, using: &rng).isEmpty)
        #expect(node.addresses["127.0.0.1:7101"]!.backoffUntilMs >= 520)
        #expect(node.onTick(nowMs: 30, ledger: ledger, using: &rng).isEmpty)
    }

    @Test func pushedBatchWithAGapAsksForTheMissingSeqs() {
        var rng = SplitMix64(seed: 4)
        var a = mesh.node("a", asn: 1)
        let b = mesh.node("b", asn: 2)
        let batches = (1...4).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        var ledgerB = ledger(with: [mesh.enroll(a), mesh.enroll(b), batches[0]])
        var node = GossipNode(id: b.id, asn: 2)
        // The push is an apply directive; what the ledger reports back is the machine's next event.
        let pushed = node.onFrame(Frame.with { $0.push = batches[3] }, from: a.id, ledger: ledgerB, nowMs: t0, using: &rng)
        guard case .apply(let delta, let from)? = pushed.first, from == a.id else {
            Issue.record("a push is applied: \(pushed)")
            return
        }
        let report = ledgerB.apply(delta, nowMs: t0)
        #expect(report.held == 1 && report.gaps == [ApplyReport.Gap(origin: a.id, fromSeq: 2, toSeq: 3)])
        let want = node.onApplied(report, from: a.id, ledger: ledgerB, using: &rng)
        guard case .send(let frame, a.id)? = want.first, case .want(let w) = frame.body else {
            Issue.record("no Want")
            return
        }
        #expect(w.ranges.first?.fromSeq == 2 && w.ranges.first?.toSeq == 3)
        let served = ledger(with: [mesh.enroll(a)] + batches).delta(for: w.ranges, maxBytes: 1 << 20)
        #expect(served.batches.count == 2)
        // Once the gap is filled, nothing more is asked.
        let filled = ledgerB.apply(served, nowMs: t0)
        #expect(filled.gaps.isEmpty && node.onApplied(filled, from: a.id, ledger: ledgerB, using: &rng).isEmpty)
        #expect(ledgerB.head(of: a.id).seq == 4)
    }

    @Test func aPeersVectorsGetAtMostTheDeltasOfItsIntervalAndThenMoreNextInterval() {
        var rng = SplitMix64(seed: 6)
        let settings = GossipSettings(intervalMs: 1000, maxAnswersPerInterval: 3)
        var node = GossipNode(id: Hash256.of([0]), asn: 1, settings: settings)
        let peer = Hash256.of([1])
        _ = node.onConnected(peer, asn: 2, address: nil, nowMs: 0)
        let ledger = Ledger(root: mesh.root)
        let vector = Frame.with { $0.versionVector = VersionVector.empty.message }
        let answers = (0..<5).map { i in node.onFrame(vector, from: peer, ledger: ledger, nowMs: Int64(i) * 10, using: &rng) }
        let sent = answers.filter { if case .send? = $0.first { true } else { false } }.count
        let limited = answers.filter { if case .rateLimited(peer)? = $0.first { true } else { false } }.count
        #expect(sent == 3 && limited == 2, "a 50-byte request cannot buy deltas without limit")
        let later = node.onFrame(vector, from: peer, ledger: ledger, nowMs: 1_100, using: &rng)
        guard case .send? = later.first else {
            Issue.record("the next interval answers again: \(later)")
            return
        }
    }

    /// Pulls of single batches are limited by the bytes they get, not by their number: a busy
    /// neighbour answers many an interval, and never more than the interval's budget.
    @Test func aPeersWantsGetAtMostTheBytesOfItsIntervalInAnyNumberOfPulls() {
        var rng = SplitMix64(seed: 7)
        var a = mesh.node("a", asn: 1)
        let b = mesh.node("b", asn: 2)
        let batches = (1...40).map { a.nextBatch(createdMs: t0 + Int64($0)) }
        let ledgerA = ledger(with: [mesh.enroll(a), mesh.enroll(b)] + batches)
        let settings = GossipSettings(intervalMs: 1000, maxDeltaBytes: 1_000, maxAnswersPerInterval: 3)
        var node = GossipNode(id: a.id, asn: 1, settings: settings)
        _ = node.onConnected(b.id, asn: 2, address: nil, nowMs: t0)
        var answered = 0, bytes = 0, limited = 0
        for seq in UInt64(1)...40 {
            let want = Frame.with { $0.want = Want.with { $0.ranges = [WantRange(log: Data(a.id.bytes), seqs: seq...seq)] } }
            for directive in node.onFrame(want, from: b.id, ledger: ledgerA, nowMs: t0 + Int64(seq), using: &rng) {
                if case .send(let frame, b.id) = directive, case .delta(let delta) = frame.body {
                    answered += 1
                    // Counted as stored, signer included (the wire leaves it out).
                    bytes += delta.batches.reduce(0) { $0 + $1.wireSize + 32 }
                }
                if case .rateLimited(b.id) = directive { limited += 1 }
            }
        }
        let size = batches[0].wireSize
        #expect(answered > 3, "more pulls than the vectors' deltas: \(answered)")
        #expect(bytes >= 3_000 && bytes < 3_000 + size && answered + limited == 40, "\(bytes) bytes in \(answered) answers, \(limited) limited")
        let later = node.onFrame(Frame.with { $0.want = Want.with { $0.ranges = [WantRange(log: Data(a.id.bytes), seqs: 1...1)] } },
                                 from: b.id, ledger: ledgerA, nowMs: t0 + 1_100, using: &rng)
        guard case .send? = later.first else {
            Issue.record("the next interval answers again: \(later)")
            return
        }
    }
}
