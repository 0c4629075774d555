import Foundation

extension WantRange {
    /// The seqs `seqs` of the log named `log`, as a `Want` or an `Announce` carries them: `to_seq`
    /// is left out (0) when the range is a single seq (SPEC §7.3).
    public init(log: Data, seqs: ClosedRange<UInt64>) {
        self.init()
        origin = log
        fromSeq = seqs.lowerBound
        if seqs.upperBound != seqs.lowerBound { toSeq = seqs.upperBound }
    }

    /// The seqs the range names (`from_seq` alone when `to_seq` is 0), or nil when `to_seq` is
    /// below `from_seq`.
    public var seqs: ClosedRange<UInt64>? {
        let last = toSeq == 0 ? fromSeq : toSeq
        return fromSeq <= last ? fromSeq...last : nil
    }
}
