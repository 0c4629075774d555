import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageTestKit
import VantageWire

/// Each measurement is placed by the enrollment covering its own time: a node enrolled today does
/// not vote in last month's windows, and a renewal in another ASN is another vantage point.
@Suite struct PlacementTests {
    let mesh = TestMesh(name: "placement")
    let t0: Int64 = 1_705_755_600_000
    let hour: Int64 = 3_600_000

    func measurements(from start: Int64, count: Int, target: String = "x") -> [VantageWire.Measurement] {
        (0..<count).map { i in
            Measurement.with {
                $0.target = target
                $0.input = "https://x.com/"
                $0.probe = .tls
                $0.startTimeMs = start + Int64(i) * 60_000
                $0.outcome = .tlsReset
            }
        }
    }

    @Test func measurementsBeforeTheEnrollmentCountForNothing() throws {
        var a = mesh.node("a", asn: 100)
        var ledger = Ledger(root: mesh.root)
        // Enrolled from t0; a batch created after it holds measurements of the day before (within
        // max_measurement_age) and of after.
        try ledger.insert(envelope: mesh.enroll(a, notBeforeMs: t0, notAfterMs: t0 + 10 * hour), nowMs: t0 + 10 * hour)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 + hour, measurements: measurements(from: t0 - 20 * hour, count: 5)
                                                    + measurements(from: t0 + 10 * 60_000, count: 3)), nowMs: t0 + 10 * hour)
        let observations = ledger.observations(in: Int64.min..<Int64.max)
        #expect(observations.count == 3)
        #expect(observations.allSatisfy { $0.timeMs >= t0 })
        #expect(ledger.tallies.series.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.measurements } } == 3, "the tallies count the same")
    }

    @Test func aRenewalInAnotherASNIsAnotherVantagePointFromItsStart() throws {
        var a = mesh.node("a", asn: 100)
        let moved = TestNode.renewed(a, asn: 200)
        var ledger = Ledger(root: mesh.root)
        try ledger.insert(envelope: mesh.enroll(a, notBeforeMs: t0, notAfterMs: t0 + 2 * hour), nowMs: t0 + 10 * hour)
        try ledger.insert(envelope: mesh.enroll(moved, notBeforeMs: t0 + 2 * hour, notAfterMs: t0 + 10 * hour), nowMs: t0 + 10 * hour)
        try ledger.insert(envelope: a.nextBatch(createdMs: t0 + 4 * hour, measurements: measurements(from: t0 + hour, count: 2)
                                                    + measurements(from: t0 + 3 * hour, count: 2)), nowMs: t0 + 10 * hour)
        let observations = ledger.observations(in: Int64.min..<Int64.max)
        #expect(Set(ledger.tallies.places.values.map(\.asn)) == [100, 200])
        #expect(Set(observations.filter { $0.timeMs < t0 + 2 * hour }.map(\.asn)) == [100])
        #expect(Set(observations.filter { $0.timeMs >= t0 + 2 * hour }.map(\.asn)) == [200])
        #expect(Set(observations.map(\.vantage)).count == 2, "one node, two vantage points")
    }
}
