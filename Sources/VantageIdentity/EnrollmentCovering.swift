import VantageWire

extension Array where Element == Verified<Enrollment> {
    /// The enrollment whose validity covers `timeMs`; of several, the one with the smallest id, so
    /// every replica (and an offline verifier) picks the same.
    public func covering(_ timeMs: Int64) -> Verified<Enrollment>? {
        filter { $0.record.notBeforeMs <= timeMs && timeMs < $0.record.notAfterMs }.min { $0.id < $1.id }
    }
}
