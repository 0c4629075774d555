import VantageIdentity
import VantageWire

/// Root-signed facts: enrollments, revocations, campaigns.
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
        store.putFact(fact.id, fact.envelope)
        enrollmentsByNode[key.id, default: []].append(fact)
        noteLogs(of: key.id)
        // A new enrollment may place the node's measurements (or admit its summaries) elsewhere.
        if [key.id, key.id.summaryLogID].contains(where: { (logs[$0]?.index.batchCount ?? 0) > 0 }) { recountTallies(of: key.id) }
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
        store.putFact(fact.id, fact.envelope)
        revocationsByNode[node, default: []].append(fact)
        applyRevocations(of: node)
        return .added
    }

    /// Campaigns form a grow-only set (batches are numbered by the one they name); the register is
    /// its newest. A new register may change retention, the quotas and what the tallies count.
    mutating func insertCampaign(_ fact: Verified<Campaign>) throws -> Admission {
        try checkRootSigned(fact, kind: "campaign", meshID: Array(fact.record.meshID))
        guard campaigns[fact.id] == nil else { return .duplicate }
        let basis = tallyBasis
        store.putFact(fact.id, fact.envelope)
        let becameRegister = addCampaign(fact)
        smallStamp = LedgerMemo.freshStamp()
        if becameRegister {
            if tallyBasis != basis { recountTallies(of: nil) }
            settleRetention()
        }
        if heldBatchCount > 0 {
            for origin in logs.keys.sorted() where logs[origin]!.heldCount > 0 { advance(origin) }
            settleRetention()
        }
        return becameRegister ? .added : .superseded
    }

    /// Adds a campaign to the set and its numbering; true when it became the register.
    @discardableResult
    mutating func addCampaign(_ fact: Verified<Campaign>) -> Bool {
        campaigns[fact.id] = fact
        numberings[fact.id] = CampaignNumbering(fact.record)
        let name = CampaignName.of(fact.id)
        if campaignIDs[name].map({ fact.id < $0 }) ?? true { campaignIDs[name] = fact.id }
        guard let current = campaign, (current.record.version, current.id) > (fact.record.version, fact.id) else {
            campaign = fact
            archivers = Set(fact.record.archivers.compactMap { Hash256(bytes: $0) })
            relays = Dictionary(fact.record.relays.compactMap { r in Hash256(bytes: r.nodeID).map { ($0, r.address) } }) { first, _ in first }
            return true
        }
        return false
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

    /// Removes what the revocations of `node` cut: later batches of both its logs (admitted or
    /// held), and with its summary batches their attestations.
    mutating func applyRevocations(of node: NodeID) {
        for logID in [node, node.summaryLogID] {
            guard var log = logs[logID] else { continue }
            let before = log.heldCount
            log.dropHeld { isCut($0.record, of: node) }
            heldBatchCount -= before - log.heldCount
            logs[logID] = log
            if let cut = firstCut(of: logID, owner: node, in: log) { truncate(logID, from: cut) }
        }
    }

    /// The first kept seq of log `logID` (of `node`) that its revocations cut. Seqs and creation
    /// times both grow along a chain, so the cut batches are a suffix, found by bisection.
    private func firstCut(of logID: NodeID, owner node: NodeID, in log: OriginLog) -> UInt64? {
        let raw = logID == node
        func cut(_ seq: UInt64) -> Bool {
            guard let batch = store.batch(of: logID, seq: seq) else { return false }
            return isCutByRevocation(node, seq: raw ? seq : nil, createdMs: batch.createdMs)
        }
        guard log.headSeq > log.floorSeq, cut(log.headSeq) else { return nil }
        var (low, high) = (log.floorSeq + 1, log.headSeq)
        while low < high {
            let middle = low + (high - low) / 2
            if cut(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Deletes the kept batches of log `origin` from `seq` on, with what they counted for.
    private mutating func truncate(_ origin: NodeID, from seq: UInt64) {
        var index = logs[origin]!.index
        let seqs = seq...index.head.seq
        index.measurements -= uncount(origin, seqs: seqs)
        deleteBatches(of: origin, seqs: seqs)
        let last = seq - 1
        index.head = last > index.floor.seq ? (store.batch(of: origin, seq: last).map { ChainHead(seq: last, hash: $0.id, createdMs: $0.createdMs) } ?? index.floor)
                                            : index.floor
        if index.head.seq == index.floor.seq { index.firstCreatedMs = nil }
        (index.day, index.dayBatches, index.dayBytes) = (OriginIndex.day(of: index.head.createdMs), 0, 0)
        logs[origin]!.index = index
        for batch in storedBatches(of: origin) where OriginIndex.day(of: batch.createdMs) == index.day {
            index.dayBatches += 1
            index.dayBytes += batch.payloadBytes
        }
        logs[origin]!.index = index
        changedOrigins.insert(origin)
        noteTimes()
        // A summary log cut to nothing: the owner's raw batches count again.
        if let owner = summaryLogOwners[origin], index.head.seq == 0 { recountTallies(of: owner) }
    }

    /// Re-examines facts held for `node` now that it has a new enrollment.
    mutating func releaseHeld(for node: NodeID) {
        for (id, proof) in heldProofs where proof.origin == node {
            heldProofs[id] = nil
            _ = try? insertProof(proof, nowMs: heldArrivals.removeValue(forKey: id) ?? 0)
        }
        advance(node)
        advance(node.summaryLogID)
    }
}
