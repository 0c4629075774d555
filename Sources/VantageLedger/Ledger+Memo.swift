import Synchronization
import VantageIdentity

/// Memoised digest and version vector. Every mutating entry point takes a fresh stamp from a
/// process-wide counter, so two ledgers (or two copies of one) share a memo entry only when they
/// hold the same state; reading the digest of an unchanged ledger is then free.
final class LedgerMemo: Sendable {
    private static let stamps = Atomic<UInt64>(1)
    private let entry = Mutex<(stamp: UInt64, digest: Hash256?, vector: VersionVector?)>((0, nil, nil))

    /// A stamp no other state has had.
    static func freshStamp() -> UInt64 {
        stamps.add(1, ordering: .relaxed).newValue
    }

    /// The memoised digest for `stamp`, computing it with `make` when missing.
    func digest(stamp: UInt64, _ make: () -> Hash256) -> Hash256 {
        if let cached = entry.withLock({ $0.stamp == stamp ? $0.digest : nil }) { return cached }
        let value = make()
        entry.withLock { if $0.stamp != stamp { $0 = (stamp, nil, nil) }; $0.digest = value }
        return value
    }

    private let smallEntry = Mutex<(stamp: UInt64, digest: Hash256?)>((0, nil))

    /// The memoised small-facts digest for `stamp`, computing it with `make` when missing.
    func small(stamp: UInt64, _ make: () -> Hash256) -> Hash256 {
        if let cached = smallEntry.withLock({ $0.stamp == stamp ? $0.digest : nil }) { return cached }
        let value = make()
        smallEntry.withLock { $0 = (stamp, value) }
        return value
    }

    private let bucketEntry = Mutex<(stamp: UInt64, buckets: [UInt64]?)>((0, nil))

    /// The memoised small-fact bucket fingerprints for `stamp`, computing them with `make` when missing.
    func buckets(stamp: UInt64, _ make: () -> [UInt64]) -> [UInt64] {
        if let cached = bucketEntry.withLock({ $0.stamp == stamp ? $0.buckets : nil }) { return cached }
        let value = make()
        bucketEntry.withLock { $0 = (stamp, value) }
        return value
    }

    /// The memoised version vector for `stamp`, computing it with `make` when missing.
    func vector(stamp: UInt64, _ make: () -> VersionVector) -> VersionVector {
        if let cached = entry.withLock({ $0.stamp == stamp ? $0.vector : nil }) { return cached }
        let value = make()
        entry.withLock { if $0.stamp != stamp { $0 = (stamp, nil, nil) }; $0.vector = value }
        return value
    }

    private let scopedEntries = Mutex<(stamp: UInt64, values: [LogScope: (vector: VersionVector, digest: Hash256)])>((0, [:]))

    /// The memoised vector and digest of one scope for `stamp`, computing them with `make` when missing.
    func scoped(stamp: UInt64, _ scope: LogScope, _ make: () -> (vector: VersionVector, digest: Hash256)) -> (vector: VersionVector, digest: Hash256) {
        if let cached = scopedEntries.withLock({ $0.stamp == stamp ? $0.values[scope] : nil }) { return cached }
        let value = make()
        scopedEntries.withLock {
            if $0.stamp != stamp { $0 = (stamp, [:]) }
            $0.values[scope] = value
        }
        return value
    }
}
