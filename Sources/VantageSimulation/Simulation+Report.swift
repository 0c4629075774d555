import Foundation
import VantageIdentity
import VantageLedger

/// The checkers, Jepsen style, and the figures of a run.
extension Simulation {
    func report() -> SimulationReport {
        let batches = tracked.values.flatMap(\.values)
        let summaries = batches.filter(\.summary)
        let lost = batches.filter { $0.heldBy < $0.keptBy }.count
        let unverified = nodes.reduce(0) { sum, node in
            sum + node.ledger.snapshot.facts.filter { !cache.passed($0) }.count
        } + cache.reverifyAll()
        let groups = digestGroups()
        let archiving = Set(settings.archivers > 0 ? archiverIndices : [])
        let ordinaryTraffic = traffic.indices.filter { !archiving.contains($0) }.map { traffic[$0] }
        func median(_ figure: (NodeTraffic) -> Int) -> Int { ordinaryTraffic.map(figure).sorted()[ordinaryTraffic.count / 2] }
        let ordinary = ordinaryTraffic.map(\.bytesIn).sorted()
        let archived = archiving.sorted().map { traffic[$0].bytesIn }.sorted()
        let checks: [SimulationReport.Check] = [
            .init(name: "only verified facts", passed: unverified == 0,
                  detail: "\(unverified) facts held without passing Ed25519 verification"),
            .init(name: "no acknowledged batch lost", passed: restartLosses == 0 && lost == 0,
                  detail: "\(restartLosses) lost across restarts, \(lost) of \(batches.count) never reached every node"),
            .init(name: "one digest after heal", passed: convergedAtMs != nil && groups.allSatisfy { $0.count == 1 },
                  detail: convergedAtMs.map { "converged \($0 - settings.faultMs) ms after heal" }
                      ?? "\(groups[0].count) different summary-tier digests, \(groups[1].count) over the archivers, \(settings.healBoundMs) ms after heal"),
            .init(name: "no protocol errors", passed: protocolErrors.isEmpty,
                  detail: protocolErrors.isEmpty ? "none" : protocolErrors.prefix(3).joined(separator: "; ")),
        ]
        return SimulationReport(
            nodes: settings.nodes, seed: settings.seed, scenario: settings.scenario, batches: batches.count,
            converged: convergedAtMs != nil, healToConvergenceMs: convergedAtMs.map { $0 - settings.faultMs },
            delivery: delivery(of: batches), summaryDelivery: summaries.isEmpty ? nil : delivery(of: summaries), bytesSent: bytesSent, deliveries: deliveries,
            bytesPerDeliveredBatch: deliveries == 0 ? 0 : Double(bytesSent) / Double(deliveries),
            bytesReceivedMedian: ordinary[ordinary.count / 2], bytesReceivedMax: ordinary.last ?? 0,
            bytesReceivedArchiverMedian: archived.isEmpty ? 0 : archived[archived.count / 2],
            bytesSentMedian: median(\.bytesOut), bytesSentMax: ordinaryTraffic.map(\.bytesOut).max() ?? 0,
            wireBytesReceivedMedian: median(\.wireBytesIn), wireBytesSentMedian: median(\.wireBytesOut),
            bytesReceivedByKind: bytesReceivedByKind, archiverBytesByKind: archiverBytesByKind,
            measurements: batches.count * settings.measurementsPerBatch, signedBatchBytes: signedBatchBytes,
            lostBatches: lost, realVerifications: cache.verifications, virtualMs: nowMs, checks: checks,
            reproduce: settings.reproduce)
    }

    /// How long `batches` took from being signed until every node that keeps their log held them.
    func delivery(of batches: [Tracked]) -> SimulationReport.Delivery {
        let times = batches.compactMap { batch in batch.allByMs.map { $0 - batch.createdMs } }.sorted()
        func quantile(_ q: Double) -> Int64 { times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count - 1) * q))] }
        let interval = Double(settings.gossip.intervalMs)
        return SimulationReport.Delivery(
            medianMs: quantile(0.5), p99Ms: quantile(0.99), maxMs: times.last ?? 0,
            medianRounds: Double(quantile(0.5)) / interval, p99Rounds: Double(quantile(0.99)) / interval,
            maxRounds: Double(times.last ?? 0) / interval)
    }
}
