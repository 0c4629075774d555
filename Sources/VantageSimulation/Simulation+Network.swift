import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// The simulated network and the shell that performs each node's directives.
extension Simulation {
    mutating func perform(_ directives: [GossipDirective], at i: Int) {
        for directive in directives {
            switch directive {
            case .send(let frame, let peer):
                if let to = index(of: peer) { send(frame, from: i, to: to) }
            case .apply(let delta, let peer):
                let report = apply(delta, at: i)
                perform(nodes[i].gossip.onApplied(report, from: peer, ledger: nodes[i].ledger, using: &rng), at: i)
            case .dial:
                break
            case .disconnect(let peer, let reason):
                protocolErrors.append("node \(i) disconnected \(peer.short): \(reason)")
            case .outOfTier(let peer, let count):
                protocolErrors.append("node \(i) got \(count) batches of raw logs it does not keep from \(peer.short)")
            case .exchangeEnded, .rateLimited, .evidence, .forwardEvidence:
                break
            }
        }
    }

    func index(of id: NodeID) -> Int? { nodeIndex[id] }

    /// Sends a frame: counted, then lost, duplicated, delayed or cut as the plan says.
    mutating func send(_ frame: Frame, from: Int, to: Int) {
        let bytes = (try? FrameEncoder.encode(frame).count) ?? 0
        bytesSent += bytes
        traffic[from].sent(bytes)
        guard nodes[to].up, plan.allows(from: from, to: to, nowMs: nowMs) else { return }
        let faulty = nowMs < plan.lossUntilMs
        if faulty && Double.random(in: 0..<1, using: &rng) < plan.loss { return }
        let copies = faulty && Double.random(in: 0..<1, using: &rng) < plan.duplication ? 2 : 1
        for _ in 0..<copies {
            let latency = settings.latencyMs + Int64.random(in: 0...settings.jitterMs, using: &rng)
            schedule(.deliver(from: from, to: to, frame: frame, bytes: bytes), atMs: nowMs + latency)
        }
    }

    mutating func deliver(_ frame: Frame, from: Int, to: Int, bytes: Int) {
        guard nodes[to].up, plan.allows(from: from, to: to, nowMs: nowMs) else { return }
        traffic[to].received(bytes)
        if settings.archivers > 0 && to < settings.archivers {
            archiverBytesByKind[frame.kindName, default: 0] += bytes
        } else {
            bytesReceivedByKind[frame.kindName, default: 0] += bytes
        }
        let directives = nodes[to].gossip.onFrame(frame, from: nodes[from].id, ledger: nodes[to].ledger, nowMs: localNow(to), using: &rng)
        perform(directives, at: to)
    }

    /// Verifies and inserts a delta at node `i`, makes it durable, and records new deliveries.
    @discardableResult
    mutating func apply(_ delta: Delta, at i: Int) -> ApplyReport {
        var origins: [NodeID: UInt64] = [:]
        for envelope in delta.batches {
            guard let log = envelope.batchPosition?.log else { continue }
            origins[log] = nodes[i].ledger.span(of: log).head.seq
        }
        let report = nodes[i].ledger.apply(delta, nowMs: localNow(i), verify: cache.verify)
        refusals += report.refused.count
        nodes[i].commit()
        for (origin, before) in origins { recordDeliveries(of: origin, at: i, after: before) }
        return report
    }

    /// Marks batches of log `origin` above `before` that node `i` now holds as delivered there.
    mutating func recordDeliveries(of origin: NodeID, at i: Int, after before: UInt64) {
        let head = nodes[i].ledger.span(of: origin).head.seq
        guard head > before else { return }
        for seq in (before + 1)...head {
            guard var batch = tracked[origin]?[seq] else { continue }
            batch.heldBy += 1
            if i != nodeIndex[nodes[i].ledger.owner(ofLog: origin)] { deliveries += 1 }
            if batch.heldBy == batch.keptBy { batch.allByMs = nowMs }
            tracked[origin]![seq] = batch
        }
    }

    /// Node `i` signs a new batch; it is durable before it is pushed.
    mutating func signBatch(at i: Int) {
        let id = nodes[i].id
        var measurements: [VantageWire.Measurement]
        if settings.summaryTier {
            signSummary(at: i)
            return
        }
        if settings.measurementsPerBatch > 1 || settings.archivers > 0 {
            let rounds = (settings.measurementsPerBatch + CampaignRound.targets.count * CampaignRound.probes.count - 1)
                / (CampaignRound.targets.count * CampaignRound.probes.count)
            measurements = (0..<rounds).flatMap { CampaignRound.measurements(origin: i, startMs: localNow(i) - 60_000 - Int64($0) * 300_000) }
            measurements = Array(measurements.prefix(settings.measurementsPerBatch))
        } else {
            var measurement = Measurement()
            measurement.target = "facebook"
            measurement.input = "https://www.facebook.com/"
            measurement.probe = .tls
            measurement.startTimeMs = localNow(i)
            measurement.outcome = .tlsReset
            measurements = [measurement]
        }
        publish(nodes[i].ledger.nextBatch(of: id, createdMs: localNow(i), measurements: measurements), at: i)
        if settings.archivers > 0, nodes[i].ledger.span(of: id).head.seq % 2 == 0 { signSummary(at: i) }
    }

    /// Node `i` signs the summary of its last window into its summary log.
    mutating func signSummary(at i: Int) {
        let id = nodes[i].id
        let seq = nodes[i].ledger.head(of: id, tier: .summary).seq
        let windowMs = Int64(CampaignRound.windowSeconds) * 1000
        let summary = CampaignRound.summary(origin: i, asn: nodes[i].asn, windowStartMs: floorDiv(localNow(i), windowMs) * windowMs - windowMs,
                                            rawSeqs: [2 * seq + 1, 2 * seq + 2])
        publish(nodes[i].ledger.nextSummaryBatch(of: id, createdMs: localNow(i), summaries: [summary]), at: i)
    }

    /// Node `i` signs `batch`, makes it durable and pushes it.
    private mutating func publish(_ batch: Batch, at i: Int) {
        let envelope = nodes[i].key.sign(batch)
        signedBatchBytes += envelope.wireSize
        var delta = Delta()
        delta.batches = [envelope]
        let log = nodes[i].id.logID(batch.tier)
        tracked[log, default: [:]][batch.seq] = Tracked(createdMs: nowMs, keptBy: nodes.filter { nodes[i].ledger.keeps(log, at: $0.id) }.count,
                                                             summary: batch.tier == .summary)
        apply(delta, at: i)
        perform(nodes[i].gossip.onLocalBatch(envelope, ledger: nodes[i].ledger, using: &rng), at: i)
    }

    mutating func crash(_ i: Int) {
        guard nodes[i].up else { return }
        nodes[i].up = false
        nodes[i].acknowledgedAtCrash = nodes[i].ledger.versionVector.entries.reduce(into: [:]) { $0[$1.0] = $1.1.headSeq }
        for peer in links[i] where nodes[peer].up {
            perform(nodes[peer].gossip.onDisconnected(nodes[i].id, nowMs: localNow(peer), using: &rng), at: peer)
        }
    }

    mutating func restart(_ i: Int) {
        guard !nodes[i].up else { return }
        nodes[i].restart(settings: settings.gossip)
        for (origin, head) in nodes[i].acknowledgedAtCrash where nodes[i].ledger.span(of: origin).head.seq < head {
            restartLosses += Int(head - nodes[i].ledger.span(of: origin).head.seq)
        }
        for (origin, _) in nodes[i].ledger.versionVector.entries {
            recordDeliveries(of: origin, at: i, after: nodes[i].acknowledgedAtCrash[origin] ?? 0)
        }
        for peer in links[i] where nodes[peer].up {
            perform(nodes[i].gossip.onConnected(nodes[peer].id, asn: nodes[peer].asn, address: nil, nowMs: localNow(i)), at: i)
            perform(nodes[peer].gossip.onConnected(nodes[i].id, asn: nodes[i].asn, address: nil, nowMs: localNow(peer)), at: peer)
        }
    }

    /// All nodes up, one summary-tier digest, one digest over the archivers, and every signed
    /// batch held by every node that keeps its log.
    func isConverged() -> Bool {
        guard nodes.allSatisfy(\.up), digestGroups().allSatisfy({ $0.count == 1 }) else { return false }
        return tracked.values.allSatisfy { $0.values.allSatisfy { $0.heldBy == $0.keptBy } }
    }

    /// The distinct summary-tier digests of all nodes, and the distinct digests of the archivers
    /// (every node when the campaign names none).
    func digestGroups() -> [Set<Hash256>] {
        [Set(nodes.map { $0.ledger.digest(scope: .summaryTier) }), Set(archiverIndices.map { nodes[$0].ledger.digest })]
    }

    /// The nodes that keep every log.
    var archiverIndices: [Int] { nodes.indices.filter { nodes[$0].ledger.isArchiver(nodes[$0].id) } }
}

extension Frame {
    /// The frame's type, for byte counts.
    var kindName: String {
        switch body {
        case .summary: return "summary"
        case .versionVector(let vector): return !vector.partial ? "version_vector (whole)" : vector.includedBuckets == 0 ? "version_vector (fingerprints)" : "version_vector (entries)"
        case .delta: return "delta"
        case .push: return "push"
        case .want: return "want"
        case .announce: return "announce"
        case .evidence: return "evidence"
        case .hello: return "hello"
        case .error: return "error"
        case nil: return "unknown"
        }
    }
}
