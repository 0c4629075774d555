import Foundation
import Testing
import VantageWire

/// A `WantRange` of one seq leaves out `to_seq` (protocol/SPEC.md §7.3).
@Suite struct WantRangeTests {
    @Test func oneSeqLeavesOutItsEndAndReadsBack() throws {
        let single = WantRange(log: Data([1, 2, 3, 4]), seqs: 7...7)
        #expect(single.fromSeq == 7 && single.toSeq == 0 && single.seqs == 7...7)
        let range = WantRange(log: Data([1, 2, 3, 4]), seqs: 7...9)
        #expect(range.toSeq == 9 && range.seqs == 7...9)
        let (short, long): ([UInt8], [UInt8]) = (try single.serializedBytes(), try range.serializedBytes())
        #expect(short.count == long.count - 2, "the single seq's range is its end's field shorter")
    }

    @Test func anEndBelowTheStartNamesNothing() {
        #expect(WantRange.with { $0.fromSeq = 9; $0.toSeq = 7 }.seqs == nil)
        #expect(WantRange.with { $0.fromSeq = 0; $0.toSeq = 0 }.seqs == 0...0, "seq 0 names no batch; the ledger answers nothing for it")
    }
}
