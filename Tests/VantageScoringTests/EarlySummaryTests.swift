import Testing
import VantageScoring
import VantageWire

/// When a node signs the open window's summary early: a target that starts to fail at one of its
/// vantage points, not one that keeps failing, not noise below half.
@Suite struct EarlySummaryTests {
    /// A summary of one window at AS `asn` with `failing` TLS resets of `total` measurements of each target.
    func record(asn: UInt32 = 17557, _ counts: [String: (failing: Int, total: Int)]) -> WindowSummaryRecord {
        WindowSummaryRecord.with { record in
            record.country = "PK"
            record.asn = asn
            record.targets = counts.keys.sorted().map { name in
                TargetSummaryRecord.with {
                    $0.target = name
                    let (failing, total) = counts[name]!
                    $0.setCounts([(Outcome.ok, total - failing), (.tlsReset, failing)].filter { $0.1 > 0 }.map { (outcome: $0.0, count: $0.1) })
                }
            }
        }
    }

    @Test func aTargetThatStartsToFailIsDue() {
        let before = [record(["facebook": (1, 10), "x": (0, 10)])]
        #expect(EarlySummary.isDue(open: [record(["facebook": (3, 5), "x": (0, 5)])], previous: before), "facebook: 10 % then 60 %")
        #expect(EarlySummary.isDue(open: [record(["facebook": (3, 5)])], previous: []), "no window before: a start")
    }

    @Test func noiseBelowHalfOrAFailureThatContinuesIsNotDue() {
        #expect(!EarlySummary.isDue(open: [record(["facebook": (2, 5), "x": (1, 5)])], previous: [record(["facebook": (0, 10)])]), "40 % is below half")
        #expect(!EarlySummary.isDue(open: [record(["facebook": (5, 5)])], previous: [record(["facebook": (6, 10)])]), "failing in the window before too")
        #expect(!EarlySummary.isDue(open: [], previous: []))
    }

    @Test func eachVantagePointIsJudgedOnItsOwn() {
        // After a renewal into another ASN, the new vantage point's failures are a start even if
        // the old one failed in the window before.
        #expect(EarlySummary.isDue(open: [record(asn: 45669, ["facebook": (3, 5)])], previous: [record(asn: 17557, ["facebook": (10, 10)])]))
    }
}
