import VantageIdentity
import VantageWire

/// Which logs an exchange between two nodes covers (protocol/SPEC.md §7.4). Summary logs go to
/// every node; raw logs go between archivers, and an origin's own raw log between it and an
/// archiver. Both ends compute the scope from the campaign, so their vectors, fingerprints and
/// digests cover the same logs.
public enum LogScope: Hashable, Sendable {
    /// Every log: both ends are archivers (or the campaign names none).
    case all
    /// Summary logs, and the raw log of `rawOf` when set (the ordinary end of an exchange with an
    /// archiver).
    case summaries(rawOf: NodeID?)

    /// The summary tier alone: what every node holds alike.
    public static let summaryTier = LogScope.summaries(rawOf: nil)
}

extension Ledger {
    /// True when `node` keeps every raw log: it is a named archiver, or the campaign names none.
    public func isArchiver(_ node: NodeID) -> Bool { archivers.isEmpty || archivers.contains(node) }

    /// True when node `node` keeps log `log`: every summary log, its own raw log, and every raw log
    /// when it is an archiver.
    public func keeps(_ log: NodeID, at node: NodeID) -> Bool {
        log == node || isArchiver(node) || tier(ofLog: log) == .summary
    }

    /// True when node `node` keeps the log of the batch `envelope`, read from the envelope itself
    /// (its tier and signer), so a summary batch of a node whose enrollment arrives in the same
    /// delta is kept; nil when the payload is not a batch's.
    public func keepsBatch(_ envelope: Envelope, at node: NodeID) -> Bool? {
        guard let tier = BatchPeek.tier(envelope.payload), envelope.signer.count == 32 else { return nil }
        return tier == .summary || isArchiver(node) || Hash256.of(envelope.signer) == node
    }

    /// The logs an exchange between `a` and `b` covers: those both keep.
    public func scope(between a: NodeID, and b: NodeID) -> LogScope {
        switch (isArchiver(a), isArchiver(b)) {
        case (true, true): .all
        case (true, false): .summaries(rawOf: b)
        case (false, true): .summaries(rawOf: a)
        case (false, false): .summaryTier
        }
    }

    /// True when `scope` covers log `log`.
    public func covers(_ scope: LogScope, log: NodeID) -> Bool {
        switch scope {
        case .all: true
        case .summaries(let rawOf): log == rawOf || tier(ofLog: log) == .summary
        }
    }

    /// The version vector of the logs in `scope` (fingerprints over those alone).
    public func versionVector(scope: LogScope) -> VersionVector {
        scope == .all ? versionVector : scoped(scope).vector
    }

    /// The digest of the small facts and the logs in `scope`: equal on two nodes iff they hold the
    /// same there.
    public func digest(scope: LogScope) -> Hash256 {
        scope == .all ? digest : scoped(scope).digest
    }

    private func scoped(_ scope: LogScope) -> (vector: VersionVector, digest: Hash256) {
        memo.scoped(stamp: stamp, scope) {
            let whole = versionVector
            let vector = VersionVector(entries: whole.entries.filter { covers(scope, log: $0.0) },
                                       smallFactsDigest: whole.smallFactsDigest, smallFactBuckets: whole.smallFactBuckets)
            return (vector, Self.digest(of: vector))
        }
    }
}

extension Ledger {
    /// The version vector of `scope` settled at `horizonMs` (SPEC §7.3): each log whose head batch
    /// was created after the horizon, while the batch before it was not, listed at that batch, as
    /// a replica still lacking the head lists it. Two nodes whose settled vectors are equal differ
    /// at most by batches created after the horizon, which pushes and announcements are still
    /// carrying. The ordinary end's raw log in a scope with an archiver is listed at its head: those
    /// rounds are where raw batches pushes missed reach the archivers. Made without origin
    /// fingerprints (`withFingerprints` adds them) unless no log was settled back, when it is
    /// `versionVector(scope:)` itself.
    public func settledVector(scope: LogScope, horizonMs: Int64) -> VersionVector {
        let vector = versionVector(scope: scope)
        var changed = false
        var entries: [(NodeID, VersionVector.Entry)] = []
        entries.reserveCapacity(vector.entries.count)
        for (log, entry) in vector.entries {
            guard scope != .summaries(rawOf: log), let settled = logs[log]?.settledHead(horizonMs: horizonMs), settled.seq != entry.headSeq else {
                entries.append((log, entry))
                continue
            }
            changed = true
            // A log whose only batch is recent is listed as a replica that lacks it would list it: not at all.
            if settled.seq == 0, entry.floorSeq == 0 { continue }
            entries.append((log, VersionVector.Entry(floorSeq: entry.floorSeq, headSeq: settled.seq, headHash: settled.hash)))
        }
        guard changed else { return vector }
        return VersionVector(entries: entries, smallFactsDigest: vector.smallFactsDigest, smallFactBuckets: vector.smallFactBuckets, originBuckets: [])
    }

    /// The digest of the settled vector (SPEC §7.3): `digest(scope:)` when no log was settled back.
    public func settledDigest(scope: LogScope, horizonMs: Int64) -> Hash256 {
        let vector = settledVector(scope: scope, horizonMs: horizonMs)
        return vector.originBuckets.isEmpty ? Self.digest(of: vector) : digest(scope: scope)
    }
}
