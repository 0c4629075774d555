import Crypto
import Foundation
import VantageIdentity
import VantageWire

/// The ledger digest: two replicas hold the same state iff their digests are equal (SPEC.md §6).
extension Ledger {
    /// SHA-256 over the small sets in canonical order: enrollment ids, revocation ids, campaign
    /// ids, the ids of origins excluded for equivocation; each set as a count then its sorted
    /// 32-byte ids.
    public var smallFactsDigest: Hash256 {
        memo.small(stamp: smallStamp) { computeSmallFactsDigest() }
    }

    private func computeSmallFactsDigest() -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Domain.tag("small-facts"))
        Self.addSet(enrollments.keys, to: &hasher)
        Self.addSet(revocations.keys, to: &hasher)
        Self.addSet(campaigns.keys, to: &hasher)
        Self.addSet(excluded, to: &hasher)
        return Hash256(digest: hasher.finalize())
    }

    /// SHA-256 over the small-facts digest and the sorted version vector. Each origin's log is
    /// hash-chained, so its (floor, head seq, head hash) commits to every batch in it.
    public var digest: Hash256 {
        memo.digest(stamp: stamp) { computeDigest() }
    }

    private func computeDigest() -> Hash256 { Self.digest(of: versionVector) }

    /// The digest of a whole vector (or of one scope's, SPEC §7.4, or a settled one, §7.3).
    static func digest(of vector: VersionVector) -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Domain.tag("ledger-digest"))
        hasher.update(data: vector.smallFactsDigest.bytes)
        let entries = vector.entries
        hasher.update(data: Self.bigEndian(UInt64(entries.count)))
        for (origin, entry) in entries {
            hasher.update(data: origin.bytes)
            hasher.update(data: Self.bigEndian(entry.floorSeq))
            hasher.update(data: Self.bigEndian(entry.headSeq))
            hasher.update(data: entry.headHash.bytes)
        }
        return Hash256(digest: hasher.finalize())
    }

    private static func addSet<S: Sequence>(_ ids: S, to hasher: inout SHA256) where S.Element == Hash256 {
        let sorted = ids.sorted()
        hasher.update(data: bigEndian(UInt64(sorted.count)))
        for id in sorted { hasher.update(data: id.bytes) }
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8((value >> UInt64(56 - 8 * $0)) & 0xff) }
    }
}
