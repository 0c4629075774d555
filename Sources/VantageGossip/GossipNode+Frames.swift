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
        if case .summary(let summary) = frame.body { peers[peer]?.lastDigest = Hash256(bytes: summary.ledgerDigest) }
        switch frame.body {
        case .summary(let summary) where !summary.reply:
            if Hash256(bytes: summary.ledgerDigest) == ledger.digest {
                return [.send(.summary(ledger, reply: true), to: peer)]
            }
            return [.send(.versionVector(ledger, reply: true), to: peer)]
        case .summary:
            // A reply to an exchange that already ended (timed out, or a duplicate) is stale: ignore it.
            guard case .awaitingSummaryReply = peers[peer]?.exchange else { return [] }
            return succeed(peer, .inSync, nowMs: nowMs)
        case .versionVector(let message):
            guard let vector = try? VersionVector(message: message) else {
                return [.disconnect(peer, reason: .malformedVector)]
            }
            let delta = Frame.delta(ledger.delta(since: vector, maxBytes: settings.maxDeltaBytes), reply: !message.reply)
            guard message.reply else { return [.send(delta, to: peer)] }
            guard case .awaitingSummaryReply(let since) = peers[peer]?.exchange else { return [] }
            peers[peer]?.exchange = .awaitingDelta(sinceMs: since)
            return [.send(delta, to: peer), .send(.versionVector(ledger, reply: false), to: peer)]
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
        case .want(let want):
            return [.send(.delta(ledger.delta(for: want.ranges, maxBytes: settings.maxDeltaBytes), reply: true), to: peer)]
        case .error(let error):
            return fail(peer, reason: "peer sent error \(error.code): \(error.message)", nowMs: nowMs, using: &rng)
                + [.disconnect(peer, reason: .peerError("\(error.code)"))]
        case .hello:
            return [.disconnect(peer, reason: .secondHello)]
        case nil:
            return [.disconnect(peer, reason: .unknownFrame)]
        }
    }

    /// After a pushed batch was applied: ask for the batches between the origin's head and it.
    public func wantAfterPush(_ envelope: Envelope, from peer: NodeID, ledger: Ledger) -> [GossipDirective] {
        guard case .batch(let batch)? = try? SignedFact(verifying: envelope) else { return [] }
        let head = ledger.logs[batch.signer.id]?.headSeq ?? 0
        guard batch.record.seq > head + 1 else { return [] }
        var range = WantRange()
        range.origin = Data(batch.signer.id.bytes)
        range.fromSeq = head + 1
        range.toSeq = batch.record.seq - 1
        var frame = Frame()
        frame.want = Want.with { $0.ranges = [range] }
        return [.send(frame, to: peer)]
    }
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

    /// A VersionVector frame of the ledger.
    static func versionVector(_ ledger: Ledger, reply: Bool) -> Frame {
        var frame = Frame()
        var vector = ledger.versionVector.message
        vector.reply = reply
        frame.versionVector = vector
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
