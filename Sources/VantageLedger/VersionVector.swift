import Crypto
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

        /// An entry.
        public init(floorSeq: UInt64, headSeq: UInt64, headHash: Hash256) {
            self.floorSeq = floorSeq
            self.headSeq = headSeq
            self.headHash = headHash
        }
    }

    /// Entries sorted by origin.
    public var entries: [(NodeID, Entry)]
    /// Digest of roster, revocations, campaign and proofs.
    public var smallFactsDigest: Hash256
    /// Fingerprints of the small facts by bucket (`Ledger.smallFactBucketCount` of them, or none).
    public var smallFactBuckets: [UInt64]
    /// Fingerprints of the entries by origin bucket (`originBucketCount` of them, or none).
    public var originBuckets: [UInt64]
    /// Nil for a whole vector; else the origin buckets whose entries it holds (bit b for bucket b;
    /// 0: fingerprints only). What it does not include says nothing of the replica's logs there.
    public var includedBuckets: UInt64?

    /// Origin buckets: the first 6 bits of the origin's id.
    public static let originBucketCount = 64

    /// The origin bucket of `origin`.
    public static func bucket(of origin: NodeID) -> Int { Int(origin.leadingByte >> 2) }

    /// The entry of one origin, if any (binary search: entries are sorted).
    public subscript(origin: NodeID) -> Entry? {
        var (low, high) = (0, entries.count)
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].0 < origin { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].0 == origin ? entries[low].1 : nil
    }

    /// True when this vector says what the replica holds of `origin` (an absent entry then means
    /// nothing held).
    public func covers(_ origin: NodeID) -> Bool {
        includedBuckets.map { $0 & (1 << UInt64(Self.bucket(of: origin))) != 0 } ?? true
    }

    /// The vector with its origin fingerprints computed (a settled vector is made without them).
    public var withFingerprints: VersionVector {
        guard originBuckets.isEmpty else { return self }
        return VersionVector(entries: entries, smallFactsDigest: smallFactsDigest, smallFactBuckets: smallFactBuckets, includedBuckets: includedBuckets)
    }

    /// The vector reduced to its fingerprints: what a responder answers first (SPEC §7.3).
    public var fingerprintsOnly: VersionVector { restricted(to: 0) }

    /// The vector with the entries of the buckets in `mask` only (and without the origin
    /// fingerprints, which only the fingerprints-only vector needs to carry).
    public func restricted(to mask: UInt64) -> VersionVector {
        var vector = self
        vector.entries = entries.filter { mask & (1 << UInt64(Self.bucket(of: $0.0))) != 0 }
        vector.includedBuckets = mask
        if mask != 0 { vector.originBuckets = [] }
        return vector
    }

    /// The origin buckets whose fingerprints differ from `other`'s (all of them when either has
    /// none).
    public func differingBuckets(from other: VersionVector) -> UInt64 {
        guard originBuckets.count == Self.originBucketCount, other.originBuckets.count == Self.originBucketCount else { return .max }
        var mask: UInt64 = 0
        for b in 0..<Self.originBucketCount where originBuckets[b] != other.originBuckets[b] { mask |= 1 << UInt64(b) }
        return mask
    }

    /// The fingerprint of each origin bucket: the first 8 bytes of SHA-256 over its entries
    /// (origin, floor, head seq, head hash) in origin order.
    static func fingerprints(of entries: [(NodeID, Entry)]) -> [UInt64] {
        var hashers = Array(repeating: SHA256(), count: originBucketCount)
        for index in hashers.indices { hashers[index].update(data: Domain.tag("origin-bucket")) }
        for (origin, entry) in entries {
            let b = bucket(of: origin)
            hashers[b].update(data: origin.bytes)
            withUnsafeBytes(of: (entry.floorSeq.bigEndian, entry.headSeq.bigEndian)) { hashers[b].update(bufferPointer: $0) }
            hashers[b].update(data: entry.headHash.bytes)
        }
        return hashers.map { Hash256(digest: $0.finalize()).leadingWord }
    }

    public static func == (lhs: VersionVector, rhs: VersionVector) -> Bool {
        lhs.smallFactsDigest == rhs.smallFactsDigest && lhs.smallFactBuckets == rhs.smallFactBuckets
            && lhs.originBuckets == rhs.originBuckets && lhs.includedBuckets == rhs.includedBuckets
            && lhs.entries.elementsEqual(rhs.entries) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// The wire form, with whole log ids (files).
    public var message: VersionVectorMessage { message(naming: { Data($0.bytes) }) }

    /// The wire form, each log named by `name` (in exchanges, as `Ledger.name(ofLog:)` does). A
    /// vector of entries sent to a peer whose small facts are `peerSmallFacts`, the same as these,
    /// leaves them out (SPEC §7.3).
    public func message(naming name: (NodeID) -> Data, peerSmallFacts: Hash256? = nil) -> VersionVectorMessage {
        var message = VersionVectorMessage()
        if includedBuckets == nil || includedBuckets == 0 || peerSmallFacts != smallFactsDigest {
            message.smallFactsDigest = Data(smallFactsDigest.bytes)
            message.smallFactBuckets = smallFactBuckets
        }
        message.originBuckets = originBuckets
        if let includedBuckets {
            message.partial = true
            message.includedBuckets = includedBuckets
        }
        message.entries = entries.map { origin, entry in
            var wire = VersionEntry()
            wire.origin = name(origin)
            wire.floorSeq = entry.floorSeq
            wire.headSeq = entry.headSeq
            wire.headHash = entry.headSeq == 0 ? Data() : Data(entry.headHash.bytes)
            return wire
        }
        return message
    }

    /// Reads the wire form; throws naming the first bad entry. An entry's log is named by its whole
    /// id or, in exchanges, by a prefix `logNamed` resolves (as `Ledger.log(named:)` does): an
    /// entry whose prefix names no single log here is left out, as if the sender lacked the log.
    /// A vector of entries that leaves out its small facts ("the same as yours", SPEC §7.3) takes
    /// those of `sameSmallFacts` when given.
    public init(message: VersionVectorMessage, logNamed: (Data) -> NodeID? = { $0.count == 32 ? Hash256(bytes: $0) : nil },
                sameSmallFacts: VersionVector? = nil) throws {
        var message = message
        if let same = sameSmallFacts, message.partial, message.includedBuckets != 0, message.smallFactsDigest.isEmpty, message.smallFactBuckets.isEmpty {
            message.smallFactsDigest = Data(same.smallFactsDigest.bytes)
            message.smallFactBuckets = same.smallFactBuckets
        }
        guard let small = Hash256(bytes: message.smallFactsDigest) else {
            throw LedgerError.malformed(kind: "version vector", reason: "small_facts_digest is not 32 bytes")
        }
        var entries: [(NodeID, Entry)] = []
        for (index, wire) in message.entries.enumerated() {
            guard wire.origin.count == 32 || wire.origin.count == Ledger.logPrefixBytes else {
                throw LedgerError.malformed(kind: "version vector", reason: "entry \(index): origin is neither 32 bytes nor a \(Ledger.logPrefixBytes)-byte prefix")
            }
            guard let origin = logNamed(wire.origin) else { continue }
            let hash = wire.headSeq == 0 ? Hash256.zero : Hash256(bytes: wire.headHash)
            guard let hash, wire.floorSeq <= wire.headSeq else {
                throw LedgerError.malformed(kind: "version vector", reason: "entry \(index): bad head hash or floor above head")
            }
            entries.append((origin, Entry(floorSeq: wire.floorSeq, headSeq: wire.headSeq, headHash: hash)))
        }
        guard message.smallFactBuckets.isEmpty || message.smallFactBuckets.count == Ledger.smallFactBucketCount else {
            throw LedgerError.malformed(kind: "version vector", reason: "\(message.smallFactBuckets.count) small-fact buckets, not \(Ledger.smallFactBucketCount)")
        }
        guard message.originBuckets.isEmpty || message.originBuckets.count == Self.originBucketCount else {
            throw LedgerError.malformed(kind: "version vector", reason: "\(message.originBuckets.count) origin buckets, not \(Self.originBucketCount)")
        }
        let included: UInt64? = message.partial ? message.includedBuckets : nil
        if let included, let outside = entries.firstIndex(where: { included & (1 << UInt64(Self.bucket(of: $0.0))) == 0 }) {
            throw LedgerError.malformed(kind: "version vector", reason: "entry \(outside): its origin bucket is not among the included buckets")
        }
        self.init(entries: entries.sorted { $0.0 < $1.0 }, smallFactsDigest: small, smallFactBuckets: message.smallFactBuckets,
                  originBuckets: message.originBuckets, includedBuckets: included)
    }

    /// A vector from sorted entries; the origin fingerprints are computed when not given.
    public init(entries: [(NodeID, Entry)], smallFactsDigest: Hash256, smallFactBuckets: [UInt64] = [],
                originBuckets: [UInt64]? = nil, includedBuckets: UInt64? = nil) {
        self.entries = entries
        self.smallFactsDigest = smallFactsDigest
        self.smallFactBuckets = smallFactBuckets
        self.originBuckets = originBuckets ?? Self.fingerprints(of: entries)
        self.includedBuckets = includedBuckets
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
