import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// The push-pull exchange (protocol/SPEC.md §7.3). The responder keeps no state: every frame it
/// gets says what to answer.
extension GossipNode {
    /// A frame from a connected peer (after Hello). Unknown frame types end the connection; stale
    /// replies to exchanges that already ended are ignored.
    public mutating func onFrame<G: RandomNumberGenerator>(
        _ frame: Frame, from peer: NodeID, ledger: Ledger, nowMs: Int64, using rng: inout G
    ) -> [GossipDirective] {
        let frame = frame.restoringSigners(in: ledger)
        peers[peer]?.lastContactMs = nowMs
        let scope = ledger.scope(between: id, and: peer)
        var sameDigest = false
        if case .summary(let summary) = frame.body {
            let digest = DigestPrefix(wire: summary.ledgerDigest)
            peers[peer]?.lastDigest = digest
            peers[peer]?.lastDigestAtMs = nowMs
            sameDigest = digest?.matches(ledger.digest(scope: scope)) == true
            if sameDigest, ledger.covers(scope, log: id) {
                peers[peer]?.holdsOwnRawUpTo = ledger.span(of: id).head.seq
            }
        }
        switch frame.body {
        case .summary(let summary) where !summary.reply:
            // Equal digests, or equal settled digests (the two differ only by batches that
            // pushes and announcements are still carrying): the exchange ends here.
            if sameDigest {
                return [.send(.summary(ledger, scope: scope, reply: true), to: peer)]
            }
            guard let settled = DigestPrefix(wire: summary.settledDigest) else {
                return [.send(.versionVector(ledger.versionVector(scope: scope).fingerprintsOnly, reply: true, ledger), to: peer)]
            }
            // Settled digests: equal, the two differ only by batches pushes and announcements
            // are carrying; else the fingerprints of the settled entries, so that only the
            // buckets with a settled difference are exchanged.
            if settled.matches(ledger.settledDigest(scope: scope, horizonMs: summary.settledBeforeMs)) {
                return [.send(.summary(ledger, scope: scope, reply: true), to: peer)]
            }
            let fingerprints = ledger.settledVector(scope: scope, horizonMs: summary.settledBeforeMs).withFingerprints.fingerprintsOnly
            return [.send(.versionVector(fingerprints, reply: true, ledger), to: peer)]
        case .summary:
            // A reply to an exchange that already ended (timed out, or a duplicate) is stale: ignore it.
            guard case .awaitingSummaryReply = peers[peer]?.exchange else { return [] }
            return succeed(peer, .inSync, nowMs: nowMs)
        case .versionVector(let message):
            let ours = ledger.versionVector(scope: scope)
            guard let vector = try? VersionVector(message: message, logNamed: ledger.log(named:), sameSmallFacts: ours) else {
                return [.disconnect(peer, reason: .malformedVector)]
            }
            if message.reply, vector.includedBuckets == 0, case .awaitingSummaryReply(let since, let settled) = peers[peer]?.exchange {
                // Step 3: the responder's fingerprints (of its settled entries when we sent a
                // settled digest); send our entries of the buckets that differ.
                peers[peer]?.exchange = .awaitingDelta(sinceMs: since)
                let compared = settled.map { ledger.settledVector(scope: scope, horizonMs: $0).withFingerprints } ?? ours
                return [.send(.versionVector(ours.restricted(to: compared.differingBuckets(from: vector)), reply: false, ledger,
                                             peerSmallFacts: vector.smallFactsDigest), to: peer)]
            }
            guard takeVectorAnswer(for: peer, nowMs: nowMs) else { return [.rateLimited(peer)] }
            let start = Int.random(in: 0..<Ledger.smallFactBucketCount, using: &rng)
            let since = peers[peer]?.inFlight.assumingReceived(vector, nowMs: nowMs, withinMs: settings.exchangeTimeoutMs) ?? vector
            let built = ledger.delta(since: since, scope: scope, maxBytes: settings.maxDeltaBytes, startBucket: start)
            peers[peer]?.inFlight.note(built.batches, nowMs: nowMs)
            let delta = Frame.delta(built, reply: !message.reply)
            // Step 4: the responder answers the initiator's entries with a delta and its own
            // entries of the same buckets; step 5: the initiator answers those with a delta.
            guard !message.reply, let included = vector.includedBuckets else { return [.send(delta, to: peer)] }
            return [.send(.versionVector(ours.restricted(to: included), reply: true, ledger, peerSmallFacts: vector.smallFactsDigest), to: peer),
                    .send(delta, to: peer)]
        case .delta(var delta):
            var directives = keepingOwnTier(&delta.batches, from: peer, ledger: ledger)
            directives.append(.apply(delta, from: peer))
            if delta.reply, case .awaitingDelta = peers[peer]?.exchange {
                directives += succeed(peer, .synced, nowMs: nowMs)
            }
            return directives
        case .push(let envelope):
            var delta = Delta()
            delta.batches = [envelope]
            return keepingOwnTier(&delta.batches, from: peer, ledger: ledger) + (delta.batches.isEmpty ? [] : [.apply(delta, from: peer)])
        case .announce(let announce):
            return pull(announce.heads, from: peer, scope: scope, ledger: ledger, nowMs: nowMs)
        case .want(let want):
            guard let budget = wantBudget(for: peer, nowMs: nowMs) else { return [.rateLimited(peer)] }
            let maxBytes = min(budget, settings.maxDeltaBytes)
            if want.evidence {
                guard want.ranges.count <= settings.maxEvidenceRanges else { return [.rateLimited(peer)] }
                let batches = charging(ledger.delta(for: want.ranges, maxBytes: maxBytes), to: peer).batches
                let (lacking, refused) = forwarding(rangesToForward(want.ranges, from: peer, ledger: ledger), for: peer)
                return [.send(.evidence(batches), to: peer)]
                    + (lacking.isEmpty ? [] : [.forwardEvidence(lacking, for: peer)]) + (refused ? [.rateLimited(peer)] : [])
            }
            let built = charging(ledger.delta(for: want.ranges, scope: scope, maxBytes: maxBytes), to: peer)
            peers[peer]?.inFlight.note(built.batches, nowMs: nowMs)
            return [.send(.delta(built, reply: true), to: peer)]
        case .evidence(let evidence):
            return [.evidence(evidence.batches, from: peer)]
        case .error(let error):
            return fail(peer, reason: "peer sent error \(error.code): \(LogText.bounded(error.message))", nowMs: nowMs, using: &rng)
                + [.disconnect(peer, reason: .peerError("\(error.code)"))]
        case .hello:
            return [.disconnect(peer, reason: .secondHello)]
        case nil:
            return [.disconnect(peer, reason: .unknownFrame)]
        }
    }

    /// Drops the batches of logs this node does not keep (another origin's raw log at an ordinary
    /// node, SPEC §7.4), reporting them: a peer that follows the protocol never sends them.
    private func keepingOwnTier(_ batches: inout [Envelope], from peer: NodeID, ledger: Ledger) -> [GossipDirective] {
        let before = batches.count
        batches.removeAll { !(ledger.keepsBatch($0, at: id) ?? true) }
        return batches.count == before ? [] : [.outOfTier(peer, count: before - batches.count)]
    }

    /// Takes one of the `max_answers_per_interval` deltas `peer`'s version vectors may get in the
    /// current gossip interval; false when it asked for more.
    mutating func takeVectorAnswer(for peer: NodeID, nowMs: Int64) -> Bool {
        guard startAnswerInterval(for: peer, nowMs: nowMs) else { return false }
        peers[peer]?.vectorAnswers += 1
        return peers[peer]!.vectorAnswers <= settings.maxAnswersPerInterval
    }

    /// The batch bytes `peer`'s `Want`s may still get in the current gossip interval (as many as
    /// `max_answers_per_interval` full deltas, however many pulls they take: at 500 nodes a busy
    /// neighbour is asked for dozens of single summaries an interval); nil when spent.
    mutating func wantBudget(for peer: NodeID, nowMs: Int64) -> Int? {
        guard startAnswerInterval(for: peer, nowMs: nowMs) else { return nil }
        let left = settings.maxAnswersPerInterval * settings.maxDeltaBytes - peers[peer]!.wantBytes
        return left > 0 ? left : nil
    }

    /// The ranges of a `Want` of evidence that a relay forwards (SPEC §7.5): one seq of a raw log
    /// named by its whole origin id, not the asker's own, that this node does not hold (outside its
    /// log's span: a log holds every seq above its floor up to its head). Only an ordinary node's
    /// requests are forwarded, so a forwarded request is never forwarded again.
    /// Only ranges of an enrolled, unexcluded origin's raw log at or below the head this node
    /// knows of it (`Ledger.knownRawHead`) are forwarded: a seq nobody signed is asked of nobody.
    private func rangesToForward(_ ranges: [WantRange], from peer: NodeID, ledger: Ledger) -> [WantRange] {
        guard ledger.relays[id] != nil, ledger.relays[peer] == nil, !ledger.archivers.contains(peer) else { return [] }
        var known: [NodeID: UInt64] = [:]
        return ranges.filter { range in
            guard let origin = Hash256(bytes: range.origin), origin != peer, let seqs = range.seqs, seqs.count == 1 else { return false }
            let span = ledger.span(of: origin)
            guard seqs.lowerBound <= span.floor || seqs.lowerBound > span.head.seq else { return false }
            if known[origin] == nil { known[origin] = ledger.knownRawHead(of: origin) }
            return seqs.lowerBound >= 1 && seqs.lowerBound <= known[origin]!
        }
    }

    /// Of `ranges` a relay would forward for `peer`, those it does (SPEC §7.5): none while the
    /// peer has `max_forwards_in_flight` forwarded `Want`s in flight (`refused`), none it is
    /// already fetching for the peer; each charged `forward_charge_bytes` to the peer's Want budget.
    private mutating func forwarding(_ ranges: [WantRange], for peer: NodeID) -> (ranges: [WantRange], refused: Bool) {
        guard !ranges.isEmpty, var state = peers[peer] else { return ([], false) }
        guard state.forwardsInFlight < settings.maxForwardsInFlight else { return ([], true) }
        let fresh = ranges.filter { range in
            guard let origin = Hash256(bytes: range.origin) else { return false }
            return state.forwarding.insert(EvidencePlace(origin: origin, seq: range.fromSeq)).inserted
        }
        guard !fresh.isEmpty else { return ([], false) }
        state.forwardsInFlight += 1
        state.wantBytes += fresh.count * settings.forwardChargeBytes
        peers[peer] = state
        return (fresh, false)
    }

    /// The shell has sent `peer` what arrived for a `forwardEvidence` of `ranges`: they may be
    /// forwarded again.
    public mutating func onEvidenceForwarded(_ ranges: [WantRange], for peer: NodeID) {
        guard var state = peers[peer] else { return }
        for range in ranges { if let origin = Hash256(bytes: range.origin) { state.forwarding.remove(EvidencePlace(origin: origin, seq: range.fromSeq)) } }
        state.forwardsInFlight = max(0, state.forwardsInFlight - 1)
        peers[peer] = state
    }

    /// `answer` to `peer`'s `Want`, its batch bytes charged to the peer's budget of the interval.
    private mutating func charging(_ answer: Delta, to peer: NodeID) -> Delta {
        peers[peer]?.wantBytes += answer.batches.reduce(0) { $0 + $1.wireSize }
        return answer
    }

    /// Starts a new rate-limit interval for `peer` when the last one is over; false for an unknown peer.
    private mutating func startAnswerInterval(for peer: NodeID, nowMs: Int64) -> Bool {
        guard var state = peers[peer] else { return false }
        if nowMs - state.answersSinceMs >= settings.intervalMs {
            state.answersSinceMs = nowMs
            state.vectorAnswers = 0
            state.wantBytes = 0
        }
        peers[peer] = state
        return true
    }

    /// The shell applied a delta from `peer` (the `apply` directive): ask it for the seqs missing
    /// below batches that arrived ahead of their predecessors, as after an eager push; and tell a
    /// few other peers what was admitted (lazy push), so they pull it now rather than at their
    /// next exchange.
    /// Each peer is told only of the logs it keeps (SPEC §7.4).
    public func onApplied<G: RandomNumberGenerator>(_ report: ApplyReport, from peer: NodeID, ledger: Ledger, using rng: inout G) -> [GossipDirective] {
        var directives: [GossipDirective] = []
        if !report.gaps.isEmpty {
            directives.append(.send(Frame.with { $0.want = Want.with { $0.ranges = report.gaps.map { $0.range(in: ledger) } } }, to: peer))
        }
        directives += forwardToArchivers(report, from: peer, ledger: ledger)
        if !report.advanced.isEmpty, settings.announcePeers > 0 {
            // With archivers named, no announcement goes to or from one: origins push their
            // batches to the archivers they are connected to, archivers forward them to each
            // other, and nodes pull from archivers in their rounds.
            let connected = peers.values.filter { $0.connected && $0.id != peer }
            let others = ledger.archivers.isEmpty ? connected : ledger.isArchiver(id) ? [] : connected.filter { !ledger.isArchiver($0.id) }
            for other in choosePeers(others, count: settings.announcePeers, ownASN: asn, using: &rng) {
                let heads = report.advanced.filter { ledger.keeps($0.origin, at: other) }
                guard !heads.isEmpty else { continue }
                directives.append(.send(Frame.with { $0.announce = Announce.with { $0.heads = heads.map { $0.range(in: ledger) } } }, to: other))
            }
        }
        return directives
    }

    /// At an archiver: batches their origin `peer` just brought (its pushes) go on at once to the
    /// other archivers this node is connected to, so the raw tier fills by pushes, not rounds
    /// (SPEC §7.4); at most `maxForwarded` a time, anti-entropy brings the rest.
    func forwardToArchivers(_ report: ApplyReport, from peer: NodeID, ledger: Ledger) -> [GossipDirective] {
        guard !ledger.archivers.isEmpty, ledger.isArchiver(id), !ledger.isArchiver(peer) else { return [] }
        let archivers = peers.values.filter { $0.connected && $0.id != peer && ledger.archivers.contains($0.id) }.map(\.id).sorted()
        guard !archivers.isEmpty else { return [] }
        let brought = report.advanced.filter { ledger.owner(ofLog: $0.origin) == peer }
        let envelopes = brought.flatMap { gap in (gap.fromSeq...gap.toSeq).lazy.compactMap { ledger.batch(of: gap.origin, seq: $0)?.envelope } }
        return envelopes.prefix(Self.maxForwarded).flatMap { envelope in archivers.map { GossipDirective.send(.push(envelope), to: $0) } }
    }

    /// Batches an archiver forwards from one application.
    static let maxForwarded = 16

    /// An announcement from `peer`: ask it for the announced seqs this ledger lacks, unless they
    /// were asked of someone within an exchange timeout. Logs of nodes this ledger has no
    /// enrollment of (or that are excluded) are not asked for, so an announcement of made-up logs
    /// costs nothing; nor are logs outside the exchange's `scope`.
    mutating func pull(_ heads: [WantRange], from peer: NodeID, scope: LogScope, ledger: Ledger, nowMs: Int64) -> [GossipDirective] {
        var ranges: [WantRange] = []
        for head in heads.prefix(Self.maxAnnouncedHeads) {
            guard let log = ledger.log(named: head.origin), let seqs = head.seqs, ledger.covers(scope, log: log) else { continue }
            let owner = ledger.owner(ofLog: log)
            guard !ledger.excluded.contains(owner), !ledger.enrollments(of: owner).isEmpty else { continue }
            let have = ledger.span(of: log).head.seq
            let pending = wanted[log].flatMap { nowMs - $0.atMs <= settings.exchangeTimeoutMs ? $0 : nil }
            guard seqs.upperBound > max(have, pending?.seq ?? 0) else {
                if seqs.upperBound > have, var entry = pending, entry.askedOf != peer, entry.alternates.count < Self.maxAlternates,
                   !entry.alternates.contains(where: { $0.peer == peer }) {
                    entry.alternates.append((peer, head.origin))
                    wanted[log] = entry
                }
                continue
            }
            ranges.append(WantRange(log: head.origin, seqs: max(seqs.lowerBound, have + 1)...seqs.upperBound))
            wanted[log] = WantedLog(seq: seqs.upperBound, atMs: nowMs, askedOf: peer)
        }
        guard !ranges.isEmpty else { return [] }
        return [.send(Frame.with { $0.want = Want.with { $0.ranges = ranges } }, to: peer)]
    }

    /// Pulls whose answer has not brought the seqs within an exchange timeout (the `Want` was lost,
    /// rate-limited or answered short): the next peer that announced them is asked for what is
    /// still missing, or, when none is left, the pull is forgotten (anti-entropy repairs it).
    mutating func retryPulls(nowMs: Int64, ledger: Ledger) -> [GossipDirective] {
        var ranges: [NodeID: [WantRange]] = [:]
        let expired = wanted.filter { nowMs - $0.value.atMs > settings.exchangeTimeoutMs }
        for (log, entry) in expired.sorted(by: { $0.key < $1.key }) {
            wanted[log] = nil
            let have = ledger.span(of: log).head.seq
            guard have < entry.seq, let next = entry.alternates.firstIndex(where: { peers[$0.peer]?.connected == true }) else { continue }
            let (peer, name) = entry.alternates[next]
            ranges[peer, default: []].append(WantRange(log: name, seqs: (have + 1)...entry.seq))
            wanted[log] = WantedLog(seq: entry.seq, atMs: nowMs, askedOf: peer, alternates: Array(entry.alternates[(next + 1)...]))
        }
        return ranges.sorted { $0.key < $1.key }.map { peer, ranges in .send(Frame.with { $0.want = Want.with { $0.ranges = ranges } }, to: peer) }
    }

    /// Heads of one announcement looked at; the rest are ignored (anti-entropy brings them).
    static let maxAnnouncedHeads = 1_024
}

extension Frame {
    /// A Summary frame with the ledger's digest of the logs in `scope`, and its digest settled at
    /// `settledBeforeMs` when given, each as its `DigestPrefix`.
    static func summary(_ ledger: Ledger, scope: LogScope, reply: Bool, settledBeforeMs: Int64? = nil) -> Frame {
        var frame = Frame()
        frame.summary = Summary.with {
            $0.ledgerDigest = DigestPrefix(ledger.digest(scope: scope)).bytes
            $0.reply = reply
            if let settledBeforeMs {
                $0.settledBeforeMs = settledBeforeMs
                $0.settledDigest = DigestPrefix(ledger.settledDigest(scope: scope, horizonMs: settledBeforeMs)).bytes
            }
        }
        return frame
    }

    /// A VersionVector frame, its logs named as `ledger` names them, without its small facts when
    /// it holds entries and the peer's small facts are `peerSmallFacts`, the same (SPEC §7.3).
    static func versionVector(_ vector: VersionVector, reply: Bool, _ ledger: Ledger, peerSmallFacts: Hash256? = nil) -> Frame {
        var frame = Frame()
        var message = vector.message(naming: ledger.name(ofLog:), peerSmallFacts: peerSmallFacts)
        message.reply = reply
        frame.versionVector = message
        return frame
    }

    /// A Delta frame, its batches' signers left out.
    static func delta(_ delta: Delta, reply: Bool) -> Frame {
        var frame = Frame()
        var delta = delta
        delta.batches = delta.batches.map(\.withoutBatchSigner)
        delta.reply = reply
        frame.delta = delta
        return frame
    }
}

extension Frame {
    /// A `Want` of evidence: the raw batches of `ranges`, answered from either tier (SPEC §7.4).
    public static func evidenceWant(_ ranges: [WantRange]) -> Frame {
        Frame.with { $0.want = Want.with { $0.ranges = ranges; $0.evidence = true } }
    }

    /// The answer to a `Want` of evidence: raw batches, not for the ledger.
    public static func evidence(_ batches: [Envelope]) -> Frame {
        Frame.with { $0.evidence = EvidenceFrame.with { $0.batches = batches } }
    }
}

extension ApplyReport.Gap {
    /// The seqs as a range of a `Want` or an `Announce`, the log named as `ledger` names it.
    func range(in ledger: Ledger) -> WantRange {
        WantRange(log: ledger.name(ofLog: origin), seqs: fromSeq...toSeq)
    }
}
