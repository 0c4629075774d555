import Crypto
import VantageIdentity
import VantageWire

/// The rules of a window summary record that several readers share (protocol/SPEC.md §13c): what
/// identifies it in its log, how its counts become a tally, how its throughput median is written,
/// and what commits it to its raw batches.
extension WindowSummaryRecord {
    /// A summary's window and vantage point: a later summary with the same key in the same log
    /// replaces an earlier one.
    public struct Key: Hashable, Comparable, Sendable {
        public var windowStartMs: Int64
        public var country: String
        public var asn: UInt32

        /// A key.
        public init(windowStartMs: Int64, country: String, asn: UInt32) {
            self.windowStartMs = windowStartMs
            self.country = country
            self.asn = asn
        }

        public static func < (a: Key, b: Key) -> Bool { (a.windowStartMs, a.country, a.asn) < (b.windowStartMs, b.country, b.asn) }
    }

    /// This summary's key.
    public var key: Key { Key(windowStartMs: windowStartMs, country: country, asn: asn) }

    /// The hash committing a summary to its raw batches: SHA-256 of the domain
    /// `vantage/window-summary-raw/v2` and their ids, sorted.
    public static func rawHash(of batches: some Sequence<Hash256>) -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Domain.tag("window-summary-raw"))
        for id in batches.sorted() { hasher.update(data: id.bytes) }
        return Hash256(digest: hasher.finalize())
    }
}

extension TargetSummaryRecord {
    /// The summarised throughput (nil without samples).
    public var throughput: ThroughputSummary? {
        throughputSamples == 0 ? nil : ThroughputSummary(medianHalves: throughputMedianHalves, samples: Int(throughputSamples))
    }

    /// Every outcome counted, in ascending outcome order: `ok` (a field of its own) first, then
    /// `outcomes`.
    public var counts: [(outcome: Outcome, count: Int)] {
        (ok > 0 ? [(Outcome.ok, Int(ok))] : []) + outcomes.map { ($0.outcome, Int($0.count)) }
    }

    /// Sets `ok` and `outcomes` to `counts` (ascending outcome order, positive counts).
    public mutating func setCounts<C: Collection>(_ counts: C) where C.Element == (outcome: Outcome, count: Int) {
        ok = UInt32(counts.first { $0.outcome == .ok }?.count ?? 0)
        outcomes = counts.filter { $0.outcome != .ok }.map { o in OutcomeCount.with { $0.outcome = o.outcome; $0.count = UInt32(o.count) } }
    }

    /// The counts as the scorer's tally of one cell.
    public var tally: WindowTally {
        WindowTally(outcomes: counts, throughput: throughput)
    }
}

extension ThroughputSummary {
    /// Twice the median, a whole number (a median of two middle values ends in .5 at most): how
    /// records and the store write it.
    public var medianHalves: UInt64 { UInt64((median * 2).rounded()) }

    /// A summary from twice its median and its sample count.
    public init(medianHalves: UInt64, samples: Int) {
        self.init(median: Double(medianHalves) / 2, samples: samples)
    }
}
