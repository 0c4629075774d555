import Crypto
import VantageIdentity
import VantageWire

/// The small facts — enrollments, revocations, the campaign, equivocation proofs —
/// spread over `smallFactBucketCount` buckets by the first 4 bits of their id (a proof's id here is
/// its origin, as in the digest), so two replicas exchange only the buckets in which they differ
/// (protocol/SPEC.md §7.1, §7.2).
extension Ledger {
    /// Buckets of small facts in a version vector.
    public static let smallFactBucketCount = 16

    /// One small fact: its key in the digest and buckets, the order in which deltas send it
    /// (so that enrollments come before what they admit), and its wire form.
    struct SmallFact {
        enum Body { case envelope(Envelope), proof(EquivocationProof) }
        var key: Hash256
        var order: Int
        var body: Body

        var wireSize: Int {
            switch body {
            case .envelope(let envelope): return envelope.wireSize
            case .proof(let proof): return proof.first.wireSize + proof.second.wireSize + 8
            }
        }
    }

    /// The bucket of a small fact's key.
    static func bucket(of key: Hash256) -> Int { Int(key.leadingByte >> 4) }

    /// Every small fact, in sending order: by kind, then by bucket, then by key.
    var smallFacts: [SmallFact] {
        var facts: [SmallFact] = []
        facts += enrollments.map { SmallFact(key: $0.key, order: 0, body: .envelope($0.value.envelope)) }
        facts += revocations.map { SmallFact(key: $0.key, order: 1, body: .envelope($0.value.envelope)) }
        facts += campaigns.map { SmallFact(key: $0.key, order: 2, body: .envelope($0.value.envelope)) }
        facts += proofs.map { SmallFact(key: $0.key, order: 3, body: .proof($0.value.message)) }
        return facts.sorted { ($0.order, Self.bucket(of: $0.key), $0.key) < ($1.order, Self.bucket(of: $1.key), $1.key) }
    }

    /// A fingerprint per bucket: the first 8 bytes of SHA-256 over the bucket's sorted keys.
    public var smallFactBuckets: [UInt64] {
        memo.buckets(stamp: smallStamp) {
            var keys = Array(repeating: [Hash256](), count: Self.smallFactBucketCount)
            for key in enrollments.keys { keys[Self.bucket(of: key)].append(key) }
            for key in revocations.keys { keys[Self.bucket(of: key)].append(key) }
            for key in campaigns.keys { keys[Self.bucket(of: key)].append(key) }
            for key in excluded { keys[Self.bucket(of: key)].append(key) }
            return keys.map { bucket in
                var hasher = SHA256()
                hasher.update(data: Domain.tag("small-fact-bucket"))
                for key in bucket.sorted() { hasher.update(data: key.bytes) }
                return Hash256(digest: hasher.finalize()).leadingWord
            }
        }
    }

    /// Appends the small facts a replica with `peer`'s buckets may lack — those in buckets whose
    /// fingerprints differ (all, when it sent none) — while the budget lasts. Buckets are taken
    /// from `startBucket` on, so that successive exchanges begin at different buckets and a bucket
    /// too large for one delta does not hide the others. A fact larger than the whole budget (a
    /// proof of two large batches) goes alone when `startBucket` is even, and is skipped when it is
    /// odd, so neither it nor the facts beside it are ever stuck.
    func appendSmallFacts(for peer: VersionVector, startBucket: Int, to delta: inout Delta, budget: inout Int) {
        let mine = smallFactBuckets
        let differing = Set((0..<Self.smallFactBucketCount).filter {
            peer.smallFactBuckets.count != Self.smallFactBucketCount || peer.smallFactBuckets[$0] != mine[$0]
        })
        let count = Self.smallFactBucketCount
        let rotated = smallFacts.filter { differing.contains(Self.bucket(of: $0.key)) }
            .sorted { a, b in
                let (ra, rb) = ((Self.bucket(of: a.key) - startBucket + count) % count, (Self.bucket(of: b.key) - startBucket + count) % count)
                return (a.order, ra, a.key) < (b.order, rb, b.key)
            }
        let whole = budget
        let oversized = rotated.filter { $0.wireSize > whole }
        if startBucket % 2 == 0, !oversized.isEmpty {
            // A frame holds two batches of `max_batch_bytes` (AgentLimit.validate), so it fits one.
            Self.append(oversized[(startBucket / 2) % oversized.count], to: &delta)
            budget = 0
            delta.truncated = true
            return
        }
        for fact in rotated where fact.wireSize <= whole {
            guard fact.wireSize <= budget else {
                delta.truncated = true
                return
            }
            budget -= fact.wireSize
            Self.append(fact, to: &delta)
        }
        if !oversized.isEmpty { delta.truncated = true }
    }

    private static func append(_ fact: SmallFact, to delta: inout Delta) {
        switch fact.body {
        case .envelope(let envelope): delta.facts.append(envelope)
        case .proof(let proof): delta.proofs.append(proof)
        }
    }

    /// True when the ledger holds the fact of `envelope` already (admitted, held, superseded by
    /// retention): found by its id and, for a batch, its origin and seq read without decoding it,
    /// so a duplicate costs a hash, not a signature verification.
    public func holds(_ envelope: Envelope) -> Bool {
        guard let id = envelope.recordID else { return false }
        switch envelope.kind {
        case .batch:
            guard let (origin, seq) = envelope.batchPosition else { return false }
            guard let log = logs[origin] else { return false }
            if seq <= log.floorSeq || log.isHolding(id: id, seq: seq) { return true }
            if seq == log.headSeq { return log.headHash == id }
            return seq < log.headSeq && store.batch(of: origin, seq: seq)?.id == id
        case .enrollment: return enrollments[id] != nil
        case .revocation: return revocations[id] != nil
        case .campaign: return campaigns[id] != nil
        case .enrollmentRequest, .unspecified, .UNRECOGNIZED: return false
        }
    }
}
