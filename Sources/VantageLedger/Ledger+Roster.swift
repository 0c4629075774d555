import VantageIdentity
import VantageWire

/// Root-signed facts: enrollments, revocations, the campaign register; and attestations.
extension Ledger {
    /// Checks that a root-only record was signed by the root and names this mesh.
    func checkRootSigned<R>(_ fact: Verified<R>, kind: String, meshID recordMesh: [UInt8]) throws {
        guard fact.signer == root else {
            throw LedgerError.notSignedByRoot(kind: kind, signer: fact.signer.id.short)
        }
        guard Hash256(bytes: recordMesh) == meshID else {
            throw LedgerError.wrongMesh(kind: kind, meshID: Hex.encode(recordMesh))
        }
    }

    mutating func insertEnrollment(_ fact: Verified<Enrollment>) throws -> Admission {
        try checkRootSigned(fact, kind: "enrollment", meshID: Array(fact.record.meshID))
        let record = fact.record
        guard let key = try? PublicKey(raw: Array(record.nodePublicKey)) else {
            throw LedgerError.malformed(kind: "enrollment", reason: "node_public_key is not a 32-byte Ed25519 key")
        }
        guard record.notBeforeMs < record.notAfterMs else {
            throw LedgerError.malformed(kind: "enrollment", reason: "not_before is not before not_after")
        }
        if let reason = NodeProfile.countryProblem(record.country) {
            throw LedgerError.malformed(kind: "enrollment", reason: "country \(reason)")
        }
        guard enrollments[fact.id] == nil else { return .duplicate }
        enrollments[fact.id] = fact
        smallStamp = LedgerMemo.freshStamp()
        journalize(.fact(fact.id, fact.envelope))
        enrollmentsByNode[key.id, default: []].append(fact)
        releaseHeld(for: key.id)
        return .added
    }

    mutating func insertRevocation(_ fact: Verified<Revocation>) throws -> Admission {
        try checkRootSigned(fact, kind: "revocation", meshID: Array(fact.record.meshID))
        guard let node = Hash256(bytes: fact.record.nodeID) else {
            throw LedgerError.malformed(kind: "revocation", reason: "node_id is not 32 bytes")
        }
        guard revocations[fact.id] == nil else { return .duplicate }
        revocations[fact.id] = fact
        smallStamp = LedgerMemo.freshStamp()
        journalize(.fact(fact.id, fact.envelope))
        revocationsByNode[node, default: []].append(fact)
        applyRevocations(of: node)
        return .added
    }

    mutating func insertCampaign(_ fact: Verified<Campaign>) throws -> Admission {
        try checkRootSigned(fact, kind: "campaign", meshID: Array(fact.record.meshID))
        guard let current = campaign else {
            journalize(.fact(fact.id, fact.envelope))
            campaign = fact
            smallStamp = LedgerMemo.freshStamp()
            settleRetention()
            return .added
        }
        if current.id == fact.id { return .duplicate }
        let newer = (fact.record.version, fact.id) > (current.record.version, current.id)
        guard newer else { return .superseded }
        journalize(.fact(fact.id, fact.envelope))
        campaign = fact
        smallStamp = LedgerMemo.freshStamp()
        settleRetention()
        return .added
    }

    mutating func insertAttestation(_ fact: Verified<Attestation>, nowMs: Int64) throws -> Admission {
        let node = fact.signer.id
        guard Hash256(bytes: fact.record.nodeID) == node else {
            throw LedgerError.malformed(kind: "attestation", reason: "node_id is not its signer")
        }
        guard attestations[fact.id] == nil, heldAttestations[fact.id] == nil else { return .duplicate }
        if isCutByRevocation(node, seq: nil, createdMs: fact.record.createdMs) {
            throw LedgerError.revoked(origin: node.short, seq: 0)
        }
        guard enrollment(of: node, coveringMs: fact.record.createdMs) != nil else {
            guard heldAttestations.count < limits.maxHeldOther else {
                throw LedgerError.heldFull(origin: node.short, limit: limits.maxHeldOther)
            }
            heldAttestations[fact.id] = fact
            heldArrivals[fact.id] = nowMs
            return .held
        }
        attestations[fact.id] = fact
        smallStamp = LedgerMemo.freshStamp()
        journalize(.fact(fact.id, fact.envelope))
        return .added
    }

    /// True when a revocation of `node` cuts a fact with this seq (batches) or creation time.
    public func isCutByRevocation(_ node: NodeID, seq: UInt64?, createdMs: Int64) -> Bool {
        revocations(of: node).contains { revocation in
            if let seq, revocation.record.hasLastAcceptedSeq {
                return seq > revocation.record.lastAcceptedSeq
            }
            return createdMs >= revocation.record.effectiveMs
        }
    }

    /// Removes what the revocations of `node` cut: later batches (admitted or held) and attestations.
    mutating func applyRevocations(of node: NodeID) {
        for (id, attestation) in attestations where Hash256(bytes: attestation.record.nodeID) == node {
            if isCutByRevocation(node, seq: nil, createdMs: attestation.record.createdMs) {
                attestations[id] = nil
                smallStamp = LedgerMemo.freshStamp()
            }
        }
        guard var log = logs[node] else { return }
        let before = log.heldCount
        log.dropHeld { isCutByRevocation(node, seq: $0.record.seq, createdMs: $0.record.createdMs) }
        heldBatchCount -= before - log.heldCount
        if let cut = log.batches.first(where: { isCutByRevocation(node, seq: $0.record.seq, createdMs: $0.record.createdMs) }) {
            log.truncate(from: cut.record.seq)
        }
        logs[node] = log
    }

    /// Re-examines facts held for `node` now that it has a new enrollment.
    mutating func releaseHeld(for node: NodeID) {
        for (id, attestation) in heldAttestations where attestation.signer.id == node {
            heldAttestations[id] = nil
            _ = try? insertAttestation(attestation, nowMs: heldArrivals.removeValue(forKey: id) ?? 0)
        }
        for (id, proof) in heldProofs where proof.origin == node {
            heldProofs[id] = nil
            _ = try? insertProof(proof, nowMs: heldArrivals.removeValue(forKey: id) ?? 0)
        }
        advance(node)
    }
}
