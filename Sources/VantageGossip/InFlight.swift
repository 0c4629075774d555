import VantageIdentity
import VantageLedger
import VantageWire

/// Batches sent to a peer that its vectors may not show yet: when this node and the peer run
/// exchanges at the same time (each started one), the second delta would otherwise carry the
/// batches the first is still delivering. Remembered per origin for an exchange timeout, after
/// which they are sent again if the peer still lacks them.
struct InFlight: Sendable {
    struct Head: Sendable {
        var seq: UInt64
        var hash: Hash256
        var atMs: Int64
    }

    private(set) var heads: [NodeID: Head] = [:]

    /// Notes the batches of a delta just sent.
    mutating func note(_ batches: [Envelope], nowMs: Int64) {
        for envelope in batches {
            guard let (origin, seq) = envelope.batchPosition, let id = envelope.recordID else { continue }
            if seq >= (heads[origin]?.seq ?? 0) { heads[origin] = Head(seq: seq, hash: id, atMs: nowMs) }
        }
    }

    /// `vector` with the batches sent within `withinMs` counted as held by the peer; older notes
    /// are forgotten.
    mutating func assumingReceived(_ vector: VersionVector, nowMs: Int64, withinMs: Int64) -> VersionVector {
        heads = heads.filter { nowMs - $0.value.atMs <= withinMs }
        var entries = Dictionary(vector.entries, uniquingKeysWith: { first, _ in first })
        var changed = false
        for (origin, head) in heads where vector.covers(origin) && (entries[origin]?.headSeq ?? 0) < head.seq {
            entries[origin] = VersionVector.Entry(floorSeq: entries[origin]?.floorSeq ?? 0, headSeq: head.seq, headHash: head.hash)
            changed = true
        }
        guard changed else { return vector }
        return VersionVector(entries: entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, smallFactsDigest: vector.smallFactsDigest,
                             smallFactBuckets: vector.smallFactBuckets, originBuckets: vector.originBuckets, includedBuckets: vector.includedBuckets)
    }
}
