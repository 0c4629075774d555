import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// Local writes: measurements to sign, admin facts to spread; and what the API reads.
extension NodeAgent {
    /// Signs measurements into batches of this node's chain; each is durable before it is pushed.
    public func submit(_ measurements: [VantageWire.Measurement]) -> Int {
        var signed = 0
        var start = 0
        while start < measurements.count {
            let chunk: [VantageWire.Measurement] = Array(measurements[start..<min(start + settings.measurementsPerBatch, measurements.count)])
            start += chunk.count
            let log = ledger.logs[id]
            var batch = Batch()
            batch.origin = Data(id.bytes)
            batch.seq = (log?.headSeq ?? 0) + 1
            batch.previousHash = Data((log?.headHash ?? .zero).bytes)
            batch.previousCreatedMs = log?.headCreatedMs ?? 0
            batch.createdMs = max(nowMs, batch.previousCreatedMs)
            batch.measurements = chunk
            let envelope = key.sign(batch, as: .batch)
            guard insert([envelope], from: "local").isEmpty, storeFailure == nil else { break }
            signed += 1
            perform(gossip.onLocalBatch(envelope, using: &rng))
        }
        return signed
    }

    /// Inserts signed facts posted to the API: admin facts, or a whole exported ledger.
    public func submitFacts(_ envelopes: [Envelope], proofs: [EquivocationProof] = []) -> [String] {
        let sorted = envelopes.filter { $0.kind != .batch } + envelopes.filter { $0.kind == .batch }
        var errors = insert(sorted, from: "api")
        for (index, proof) in proofs.enumerated() {
            do {
                try ledger.insertProof(ProofFact(verifying: proof))
            } catch {
                errors.append("proof \(index + 1): \(error)")
            }
        }
        persist()
        return errors
    }

    /// The status of `GET /v1/status`.
    public func status() -> AgentStatus {
        AgentStatus(
            nodeID: id.hex, meshID: ledger.meshID.hex, meshName: mesh.name, country: enrollment.record.country,
            asn: enrollment.record.asn, isp: enrollment.record.isp, listen: settings.listen,
            ledger: .init(digest: ledger.digest.hex, origins: ledger.versionVector.entries.count, batches: ledger.batchCount,
                          measurements: ledger.measurementCount, held: ledger.heldCount, excluded: ledger.excluded.count),
            peers: peers().filter(\.connected))
    }

    /// The peers of `GET /v1/peers`, connected or not.
    public func peers() -> [PeerStatus] {
        gossip.peers.values.sorted { $0.id < $1.id }.map { state in
            let bytes = connections[state.id]?.bytes.totals ?? (0, 0)
            return PeerStatus(nodeID: state.id.hex, asn: state.asn, connected: state.connected,
                              lastContact: state.lastContactMs.map { Date(unixMilliseconds: $0).rfc3339 },
                              failures: state.failures, exchanges: state.exchanges, bytesIn: bytes.0, bytesOut: bytes.1,
                              digest: state.lastDigest?.hex, sameDigest: state.lastDigest == ledger.digest)
        }
    }

    /// Logs and counts an API request (or one line of it) that was refused; never logs a secret.
    public nonisolated func refusedRequest(_ label: String, _ what: String) {
        metrics.refused(label)
        logger.warning("API request refused", metadata: ["reason": "\(what)"])
    }

    /// Counts every refused line of a request by reason and logs the first ten, then how many more,
    /// so a body of bad lines cannot flood the log.
    public nonisolated func refusedLines(_ errors: [LineError], in request: String) {
        for (index, error) in errors.enumerated() {
            if index < 10 {
                refusedRequest(error.label, "\(request) \(error)")
            } else {
                metrics.refused(error.label)
            }
        }
        if errors.count > 10 {
            logger.warning("API request refused", metadata: ["reason": "\(request): \(errors.count - 10) more lines refused"])
        }
    }

    /// True when `token` is this node's API token.
    public nonisolated func accepts(token: String) -> Bool {
        guard let data = try? SecretFile.read(NodeDirectory(path: settings.nodePath).apiTokenPath),
              let expected = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !expected.isEmpty else { return false }
        return Array(expected.utf8).count == Array(token.utf8).count
            && zip(expected.utf8, token.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
