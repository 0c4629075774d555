import VantageIdentity

/// Why the ledger refused a fact. Each case names the fact and what was wrong with it.
public enum LedgerError: Error, Equatable, CustomStringConvertible {
    /// The fact's signature or encoding failed verification.
    case unverified(String)
    /// A root-only record (enrollment, revocation, campaign) was not signed by the mesh root.
    case notSignedByRoot(kind: String, signer: String)
    /// The record names another mesh.
    case wrongMesh(kind: String, meshID: String)
    /// The record's fields are inconsistent (e.g. seq 0, an empty validity).
    case malformed(kind: String, reason: String)
    /// A batch's origin is not the node that signed it.
    case originMismatch(origin: String, signer: String)
    /// A batch exceeds a size limit.
    case oversized(origin: String, seq: UInt64, reason: String)
    /// A batch claims a creation time beyond the receiver's clock plus the allowed skew.
    case fromTheFuture(origin: String, seq: UInt64, createdMs: Int64, nowMs: Int64)
    /// A measurement of the batch starts later than the batch was created, beyond the allowed skew.
    case measurementFromTheFuture(origin: String, seq: UInt64, aheadMs: Int64)
    /// A measurement of the batch starts longer before the batch than `max_measurement_age` allows.
    case measurementTooOld(origin: String, seq: UInt64, ageMs: Int64, limitMs: Int64)
    /// The origin is excluded for equivocation; its batches are refused.
    case excluded(origin: String)
    /// The origin was revoked before this batch.
    case revoked(origin: String, seq: UInt64)
    /// The batch's predecessor was pruned and its link cannot be checked.
    case brokenChain(origin: String, seq: UInt64, reason: String)
    /// Too many facts are already held waiting for predecessors or enrollments.
    case heldFull(origin: String, limit: Int)
    /// The batch would take its origin past its daily quota of batches or bytes.
    case overQuota(origin: String, seq: UInt64, reason: String)
    /// A window summary counts more than its campaign can produce in a window (SPEC §5.8).
    case summaryCounts(origin: String, seq: UInt64, reason: String)

    public var description: String {
        switch self {
        case .unverified(let reason): return "refused unverified fact: \(reason)"
        case .notSignedByRoot(let kind, let signer):
            return "refused \(kind): signed by \(signer), not by the mesh root"
        case .wrongMesh(let kind, let meshID): return "refused \(kind): it belongs to mesh \(meshID)"
        case .malformed(let kind, let reason): return "refused malformed \(kind): \(reason)"
        case .originMismatch(let origin, let signer):
            return "refused batch: origin \(origin) is not its signer \(signer)"
        case .oversized(let origin, let seq, let reason): return "refused batch \(origin)#\(seq): \(reason)"
        case .fromTheFuture(let origin, let seq, let created, let now):
            return "refused batch \(origin)#\(seq): created \(created - now) ms after this node's clock (beyond the allowed skew)"
        case .measurementFromTheFuture(let origin, let seq, let ahead):
            return "refused batch \(origin)#\(seq): a measurement starts \(ahead) ms after the batch was created (beyond the allowed skew)"
        case .measurementTooOld(let origin, let seq, let age, let limit):
            return "refused batch \(origin)#\(seq): a measurement starts \(age / 1000) s before the batch was created, beyond max_measurement_age (\(limit / 1000) s)"
        case .excluded(let origin): return "refused batch: origin \(origin) is excluded for equivocation"
        case .revoked(let origin, let seq): return "refused \(origin)#\(seq): its signer was revoked before it"
        case .brokenChain(let origin, let seq, let reason): return "refused batch \(origin)#\(seq): \(reason)"
        case .heldFull(let origin, let limit):
            return "refused fact from \(origin): \(limit) facts are already held waiting for predecessors or enrollments"
        case .overQuota(let origin, let seq, let reason), .summaryCounts(let origin, let seq, let reason):
            return "refused batch \(origin)#\(seq): \(reason)"
        }
    }
}

extension LedgerError {
    /// True for a fact whose signature does not hold or whose signer is not its origin: an honest
    /// node forwards only facts it verified, so such a fact marks its sender.
    public var isForgery: Bool {
        switch self {
        case .unverified, .originMismatch, .notSignedByRoot: return true
        default: return false
        }
    }

    /// A short label for metrics (`vantage_refusals_total{reason}`, protocol/SPEC.md §9).
    public var label: String {
        switch self {
        case .unverified: return "bad_signature"
        case .notSignedByRoot: return "not_root"
        case .wrongMesh: return "wrong_mesh"
        case .malformed: return "malformed"
        case .originMismatch: return "origin_mismatch"
        case .oversized: return "oversized"
        case .fromTheFuture, .measurementFromTheFuture: return "future"
        case .measurementTooOld: return "too_old"
        case .excluded: return "excluded"
        case .revoked: return "revoked"
        case .brokenChain: return "broken_chain"
        case .heldFull: return "held_full"
        case .overQuota: return "quota"
        case .summaryCounts: return "summary_counts"
        }
    }
}

/// What inserting a fact did to the ledger.
public enum Admission: Equatable, Sendable {
    /// The fact is now part of the ledger.
    case added
    /// The ledger already held it (or pruned it); nothing changed.
    case duplicate
    /// Held until a predecessor batch or the signer's enrollment arrives.
    case held
    /// A campaign older than the register: kept (batches may be numbered by it), not the register.
    case superseded
    /// The fact proved that its origin equivocated; the origin is now excluded.
    case equivocation(origin: NodeID)
}
