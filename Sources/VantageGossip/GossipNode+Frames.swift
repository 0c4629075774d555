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
        peers[peer]?.lastContactMs = nowMs
        if case .summary(let summary) = frame.body {
            peers[peer]?.lastDigest = Hash256(bytes: summary.ledgerDigest)
            peers[peer]?.lastDigestAtMs = nowMs
        }
        switch frame.body {
        case .summary(let summary) where !summary.reply:
            if Hash256(bytes: summary.ledgerDigest) == ledger.digest {
                return [.send(.summary(ledger, reply: true), to: peer)]
            }
            return [.send(.versionVector(ledger.versionVector.fingerprintsOnly, reply: true), to: peer)]
        case .summary:
            // A reply to an exchange that already ended (timed out, or a duplicate) is stale: ignore it.
            guard case .awaitingSummaryReply = peers[peer]?.exchange else { return [] }
            return succeed(peer, .inSync, nowMs: nowMs)
        case .versionVector(let message):
            guard let vector = try? VersionVector(message: message) else {
                return [.disconnect(peer, reason: .malformedVector)]
            }
            if message.reply, vector.includedBuckets == 0, case .awaitingSummaryReply(let since) = peers[peer]?.exchange {
                // Step 3: the responder's fingerprints; send our entries of the buckets that differ.
                peers[peer]?.exchange = .awaitingDelta(sinceMs: since)
                let differing = ledger.versionVector.differingBuckets(from: vector)
                return [.send(.versionVector(ledger.versionVector.restricted(to: differing), reply: false), to: peer)]
            }
            guard takeAnswer(for: peer, want: false, nowMs: nowMs) else { return [.rateLimited(peer)] }
            let start = Int.random(in: 0..<Ledger.smallFactBucketCount, using: &rng)
            let since = peers[peer]?.inFlight.assumingReceived(vector, nowMs: nowMs, withinMs: settings.exchangeTimeoutMs) ?? vector
            let built = ledger.delta(since: since, maxBytes: settings.maxDeltaBytes, startBucket: start)
            peers[peer]?.inFlight.note(built.batches, nowMs: nowMs)
            let delta = Frame.delta(built, reply: !message.reply)
            // Step 4: the responder answers the initiator's entries with a delta and its own
            // entries of the same buckets; step 5: the initiator answers those with a delta.
            guard !message.reply, let included = vector.includedBuckets else { return [.send(delta, to: peer)] }
            return [.send(.versionVector(ledger.versionVector.restricted(to: included), reply: true), to: peer), .send(delta, to: peer)]
        case .delta(let delta):
            var directives: [GossipDirective] = [.apply(delta, from: peer)]
            if delta.reply, case .awaitingDelta = peers[peer]?.exchange {
                directives += succeed(peer, .synced, nowMs: nowMs)
            }
            return directives
        case .push(let envelope):
            var delta = Delta()
            delta.batches = [envelope]
            return [.apply(delta, from: peer)]
        case .announce(let announce):
            return pull(announce.heads, from: peer, ledger: ledger, nowMs: nowMs)
        case .want(let want):
            guard takeAnswer(for: peer, want: true, nowMs: nowMs) else { return [.rateLimited(peer)] }
            let built = ledger.delta(for: want.ranges, maxBytes: settings.maxDeltaBytes)
            peers[peer]?.inFlight.note(built.batches, nowMs: nowMs)
            return [.send(.delta(built, reply: true), to: peer)]
        case .error(let error):
            return fail(peer, reason: "peer sent error \(error.code): \(LogText.bounded(error.message))", nowMs: nowMs, using: &rng)
                + [.disconnect(peer, reason: .peerError("\(error.code)"))]
        case .hello:
            return [.disconnect(peer, reason: .secondHello)]
        case nil:
            return [.disconnect(peer, reason: .unknownFrame)]
        }
    }

    /// Takes one of the deltas `peer` may ask for in the current gossip interval
    /// (`max_answers_per_interval` for version vectors, as many again for `Want`s, so pulls
    /// after announcements never starve an exchange); false when it asked for more.
    mutating func takeAnswer(for peer: NodeID, want: Bool, nowMs: Int64) -> Bool {
        guard var state = peers[peer] else { return false }
        if nowMs - state.answersSinceMs >= settings.intervalMs {
            state.answersSinceMs = nowMs
            state.answers = [0, 0]
        }
        state.answers[want ? 1 : 0] += 1
        peers[peer] = state
        return state.answers[want ? 1 : 0] <= settings.maxAnswersPerInterval
    }

    /// The shell applied a delta from `peer` (the `apply` directive): ask it for the seqs missing
    /// below batches that arrived ahead of their predecessors, as after an eager push; and tell a
    /// few other peers what was admitted (lazy push), so they pull it now rather than at their
    /// next exchange.
    public func onApplied<G: RandomNumberGenerator>(_ report: ApplyReport, from peer: NodeID, using rng: inout G) -> [GossipDirective] {
        var directives: [GossipDirective] = []
        if !report.gaps.isEmpty {
            directives.append(.send(Frame.with { $0.want = Want.with { $0.ranges = report.gaps.map(\.range) } }, to: peer))
        }
        if !report.advanced.isEmpty, settings.announcePeers > 0 {
            let frame = Frame.with { $0.announce = Announce.with { $0.heads = report.advanced.map(\.range) } }
            let others = peers.values.filter { $0.connected && $0.id != peer }
            for other in choosePeers(others, count: settings.announcePeers, ownASN: asn, using: &rng) {
                directives.append(.send(frame, to: other))
            }
        }
        return directives
    }

    /// An announcement from `peer`: ask it for the announced seqs this ledger lacks, unless they
    /// were asked of someone within an exchange timeout. Logs of nodes this ledger has no
    /// enrollment of (or that are excluded) are not asked for, so an announcement of made-up logs
    /// costs nothing.
    mutating func pull(_ heads: [WantRange], from peer: NodeID, ledger: Ledger, nowMs: Int64) -> [GossipDirective] {
        var ranges: [WantRange] = []
        for head in heads.prefix(Self.maxAnnouncedHeads) {
            guard let log = Hash256(bytes: head.origin), head.fromSeq <= head.toSeq else { continue }
            let owner = ledger.owner(ofLog: log)
            guard !ledger.excluded.contains(owner), !ledger.enrollments(of: owner).isEmpty else { continue }
            let have = ledger.span(of: log).head.seq
            let asked = wanted[log].map { nowMs - $0.atMs <= settings.exchangeTimeoutMs ? $0.seq : 0 } ?? 0
            guard head.toSeq > max(have, asked) else { continue }
            ranges.append(WantRange.with {
                $0.origin = head.origin
                $0.fromSeq = max(head.fromSeq, have + 1)
                $0.toSeq = head.toSeq
            })
            wanted[log] = (head.toSeq, nowMs)
        }
        guard !ranges.isEmpty else { return [] }
        return [.send(Frame.with { $0.want = Want.with { $0.ranges = ranges } }, to: peer)]
    }

    /// Heads of one announcement looked at; the rest are ignored (anti-entropy brings them).
    static let maxAnnouncedHeads = 1_024
}

extension Frame {
    /// A Summary frame with the ledger's digest.
    static func summary(_ ledger: Ledger, reply: Bool) -> Frame {
        var frame = Frame()
        frame.summary = Summary.with {
            $0.ledgerDigest = Data(ledger.digest.bytes)
            $0.batches = UInt64(ledger.batchCount)
            $0.reply = reply
        }
        return frame
    }

    /// A VersionVector frame.
    static func versionVector(_ vector: VersionVector, reply: Bool) -> Frame {
        var frame = Frame()
        var message = vector.message
        message.reply = reply
        frame.versionVector = message
        return frame
    }

    /// A Delta frame.
    static func delta(_ delta: Delta, reply: Bool) -> Frame {
        var frame = Frame()
        var delta = delta
        delta.reply = reply
        frame.delta = delta
        return frame
    }
}

extension ApplyReport.Gap {
    /// The seqs as a range of a `Want` or an `Announce`.
    var range: WantRange {
        WantRange.with {
            $0.origin = Data(origin.bytes)
            $0.fromSeq = fromSeq
            $0.toSeq = toSeq
        }
    }
}
