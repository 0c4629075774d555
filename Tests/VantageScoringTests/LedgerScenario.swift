import Foundation
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageTestKit
import VantageWire

/// A scenario's observations signed into a real ledger: each vantage point is an enrolled node that
/// signs one batch per window, so live scoring, attestations and reports run on real signed facts.
struct LedgerScenario {
    let mesh = TestMesh(name: "scoring")
    var ledger: Ledger
    var nodes: [String: TestNode] = [:]
    /// The nodes that attest beside vantage points, by name.
    var attesters: [String: TestNode] = [:]
    /// Every batch envelope, in signing order.
    var batches: [Envelope] = []
    static let nowMs: Int64 = 4_000_000_000_000 - 1

    init(_ observations: [Observation], withCampaign: Bool = false) throws {
        ledger = Ledger(root: mesh.root)
        if withCampaign {
            let targets = ["facebook"] + Set(observations.map(\.target)).subtracting(["facebook"]).sorted()
            try ledger.insert(envelope: mesh.campaign(version: 1, targets: targets), nowMs: Self.nowMs)
        }
        for o in observations where nodes[o.vantage] == nil {
            let node = mesh.node(o.vantage, country: o.country, asn: o.asn)
            nodes[o.vantage] = node
            try ledger.insert(envelope: mesh.enroll(node), nowMs: Self.nowMs)
        }
        let byPoint = Dictionary(grouping: observations, by: \.vantage)
        for vantage in byPoint.keys.sorted() {
            let windows = Dictionary(grouping: byPoint[vantage]!) { $0.timeMs / ScenarioData.window }
            for window in windows.keys.sorted() {
                let measurements = windows[window]!.sorted { $0.timeMs < $1.timeMs }.map { o in
                    VantageWire.Measurement.with {
                        $0.target = o.target
                        $0.input = "https://\(o.target).example/"
                        $0.probe = .tls
                        $0.startTimeMs = o.timeMs
                        $0.outcome = o.outcome
                        if let kbps = o.throughputKbps { $0.throughputKbps = kbps }
                    }
                }
                let envelope = nodes[vantage]!.nextBatch(createdMs: (window + 1) * ScenarioData.window, measurements: measurements)
                batches.append(envelope)
            }
        }
        for envelope in batches { try ledger.insert(envelope: envelope, nowMs: Self.nowMs) }
    }

    /// Signs an attestation of `result` into the summary log of a node beside vantage point
    /// `vantage` (same country and ASN; enrolled on first use), and inserts it. Not the vantage
    /// point's own node: a summary log would make its raw batches stop counting (SPEC §13c),
    /// which an agent avoids by attesting only after its first window summary.
    mutating func attest(_ result: ScoreResult, by vantage: String) throws {
        let evidence = VerdictEvidenceSet.digests(of: result.verdicts, in: ledger)
        // Signed when the data ends: a summary batch moves the ledger's retention clock.
        let createdMs = ledger.newestBatchMs ?? ScenarioData.t0
        let record = Attestations.record(result: result, evidence: evidence, windowStartMs: ScenarioData.t0, windowEndMs: createdMs)
        let name = vantage + "-attester"
        if attesters[name] == nil {
            let measuring = nodes[vantage]!
            attesters[name] = mesh.node(name, country: measuring.country, asn: measuring.asn)
            try ledger.insert(envelope: mesh.enroll(attesters[name]!), nowMs: Self.nowMs)
        }
        try ledger.insert(envelope: attesters[name]!.nextSummaryBatch(createdMs: createdMs, summaries: [], attestations: [record]), nowMs: Self.nowMs)
    }
}
