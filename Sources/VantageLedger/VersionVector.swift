import Foundation
import VantageIdentity
import VantageWire

/// What a replica holds of each origin's log, plus the digest of its small sets.
public struct VersionVector: Sendable, Equatable {
    /// One origin's position.
    public struct Entry: Sendable, Equatable {
        /// Batches up to here were pruned.
        public var floorSeq: UInt64
        /// Highest contiguous seq held.
        public var headSeq: UInt64
        /// Id of batch `headSeq` (zero when nothing was ever held).
        public var headHash: Hash256
    }

    /// Entries sorted by origin.
    public var entries: [(NodeID, Entry)]
    /// Digest of roster, revocations, campaign, proofs and attestations.
    public var smallFactsDigest: Hash256
    /// Fingerprints of the small facts by bucket (`Ledger.smallFactBucketCount` of them, or none).
    public var smallFactBuckets: [UInt64]

    /// The entry of one origin, if any.
    public subscript(origin: NodeID) -> Entry? {
        entries.first { $0.0 == origin }?.1
    }

    public static func == (lhs: VersionVector, rhs: VersionVector) -> Bool {
        lhs.smallFactsDigest == rhs.smallFactsDigest && lhs.smallFactBuckets == rhs.smallFactBuckets
            && lhs.entries.elementsEqual(rhs.entries) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// The wire form.
    public var message: VersionVectorMessage {
        var message = VersionVectorMessage()
        message.smallFactsDigest = Data(smallFactsDigest.bytes)
        message.smallFactBuckets = smallFactBuckets
        message.entries = entries.map { origin, entry in
            var wire = VersionEntry()
            wire.origin = Data(origin.bytes)
            wire.floorSeq = entry.floorSeq
            wire.headSeq = entry.headSeq
            wire.headHash = entry.headSeq == 0 ? Data() : Data(entry.headHash.bytes)
            return wire
        }
        return message
    }

    /// Reads the wire form; throws naming the first bad entry.
    public init(message: VersionVectorMessage) throws {
        guard let small = Hash256(bytes: message.smallFactsDigest) else {
            throw LedgerError.malformed(kind: "version vector", reason: "small_facts_digest is not 32 bytes")
        }
        var entries: [(NodeID, Entry)] = []
        for (index, wire) in message.entries.enumerated() {
            guard let origin = Hash256(bytes: wire.origin) else {
                throw LedgerError.malformed(kind: "version vector", reason: "entry \(index): origin is not 32 bytes")
            }
            let hash = wire.headSeq == 0 ? Hash256.zero : Hash256(bytes: wire.headHash)
            guard let hash, wire.floorSeq <= wire.headSeq else {
                throw LedgerError.malformed(kind: "version vector", reason: "entry \(index): bad head hash or floor above head")
            }
            entries.append((origin, Entry(floorSeq: wire.floorSeq, headSeq: wire.headSeq, headHash: hash)))
        }
        guard message.smallFactBuckets.isEmpty || message.smallFactBuckets.count == Ledger.smallFactBucketCount else {
            throw LedgerError.malformed(kind: "version vector", reason: "\(message.smallFactBuckets.count) small-fact buckets, not \(Ledger.smallFactBucketCount)")
        }
        self.init(entries: entries.sorted { $0.0 < $1.0 }, smallFactsDigest: small, smallFactBuckets: message.smallFactBuckets)
    }

    /// A vector from sorted entries.
    public init(entries: [(NodeID, Entry)], smallFactsDigest: Hash256, smallFactBuckets: [UInt64] = []) {
        self.entries = entries
        self.smallFactsDigest = smallFactsDigest
        self.smallFactBuckets = smallFactBuckets
    }

    /// The vector of a replica that holds nothing.
    public static let empty = VersionVector(entries: [], smallFactsDigest: .zero)
}

extension Ledger {
    /// This replica's version vector: origins with anything admitted or pruned, sorted by id.
    public var versionVector: VersionVector {
        memo.vector(stamp: stamp) { computeVersionVector() }
    }

    private func computeVersionVector() -> VersionVector {
        let entries = logs.filter { !$0.value.isEmpty }
            .map { ($0.key, VersionVector.Entry(floorSeq: $0.value.floorSeq, headSeq: $0.value.headSeq, headHash: $0.value.headHash)) }
            .sorted { $0.0 < $1.0 }
        return VersionVector(entries: entries, smallFactsDigest: smallFactsDigest, smallFactBuckets: smallFactBuckets)
    }
}
