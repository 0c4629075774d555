import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageWire

/// Local writes: measurements this node signs into its own chain, and signed facts posted to it.
extension NodeAgent {
    /// What signing measurements did: batches signed, and the measurements left unsigned with why.
    public struct Signed: Sendable {
        public var batches = 0
        public var unsigned = 0
        public var reason: String?
    }

    /// Signs measurements into batches of this node's chain, numbered by the current campaign;
    /// each is durable against a power cut, and recorded in `signed.head`, before it is pushed.
    /// While the node recovers its own log (`cannotSign`) it signs none; past its daily quota it
    /// signs no more (the mesh would refuse the batch and everything after it).
    @discardableResult
    public func submit(_ measurements: [VantageWire.Measurement]) -> Signed {
        var signed = Signed()
        guard cannotSign == nil else { return Signed(unsigned: measurements.count, reason: cannotSign) }
        guard noteUnsummarised(measurements) else { return Signed(unsigned: measurements.count, reason: "cannot write \(node.unsummarisedPath)") }
        for start in stride(from: 0, to: measurements.count, by: settings.measurementsPerBatch) {
            let chunk = Array(measurements[start..<min(start + settings.measurementsPerBatch, measurements.count)])
            let batch = ledger.nextBatch(of: id, createdMs: Self.creationTime(of: chunk, nowMs: nowMs), measurements: chunk)
            if let reason = unsignable(batch) {
                logger.error("not signed", metadata: ["reason": "\(reason)", "measurements": "\(measurements.count - start)"])
                metrics.refused(reason.hasPrefix("quota") ? "quota" : "not_enrolled")
                return Signed(batches: signed.batches, unsigned: measurements.count - start, reason: reason)
            }
            let envelope = key.sign(batch)
            guard insert([envelope], from: "local", powerSafe: true).isEmpty, storeFailure == nil else { break }
            // Only an admitted batch is announced: a held one would leave the chain's next seq free.
            guard ledger.head(of: id).seq == batch.seq else {
                logger.critical("a batch this node signed was not admitted to its own log; it is not announced", metadata: ["seq": "\(batch.seq)"])
                break
            }
            rememberSigned(ledger.head(of: id), tier: .raw)
            guard storeFailure == nil else { break }
            signed.batches += 1
            perform(gossip.onLocalBatch(envelope, ledger: ledger, using: &rng))
        }
        return signed
    }

    /// Why this node must not sign `batch`: no enrollment covers it, or it would pass the quota.
    func unsignable(_ batch: Batch) -> String? {
        guard ledger.enrollment(of: id, coveringMs: batch.createdMs) != nil else {
            return "no enrollment of this node covers the batch's time \(Date(unixMilliseconds: batch.createdMs).rfc3339)"
        }
        let bytes = (try? batch.serializedBytes() as [UInt8])?.count ?? 0
        return ledger.quotaExcess(of: batch, payloadBytes: bytes).map { "quota: \($0)" }
    }

    /// A batch is created when its last measurement ended (a replayed day is signed at its own
    /// time), never later than now.
    static func creationTime(of measurements: [VantageWire.Measurement], nowMs: Int64) -> Int64 {
        min(nowMs, measurements.map { $0.startTimeMs + Int64($0.runtimeMs) }.max() ?? nowMs)
    }

    /// Lines this node can sign: none older than `max_measurement_age` before the newest of them
    /// or of this node's last batch, and each within an enrollment of this node (else it would
    /// count for nothing, and a batch created outside every enrollment is never admitted).
    public func refuseUnsignable(_ lines: [MeasurementLine]) -> (lines: [MeasurementLine], errors: [LineError]) {
        let newest = max(ledger.head(of: id).createdMs, lines.map(\.measurement.startTimeMs).max() ?? 0)
        let (recent, old) = MeasurementLines.refuseOld(lines, notBeforeMs: newest - ledger.maxMeasurementAgeMs, maxAgeMs: ledger.maxMeasurementAgeMs)
        var kept: [MeasurementLine] = []
        var errors = old
        for line in recent {
            let end = line.measurement.startTimeMs + Int64(line.measurement.runtimeMs)
            if ledger.enrollment(of: id, coveringMs: line.measurement.startTimeMs) != nil, ledger.enrollment(of: id, coveringMs: end) != nil {
                kept.append(line)
            } else {
                errors.append(LineError(line: line.line, reason: "time \(Date(unixMilliseconds: line.measurement.startTimeMs).rfc3339) is outside this node's enrollment", label: "not_enrolled"))
            }
        }
        return (kept, errors)
    }

    /// Inserts signed facts posted to the API: admin facts, or a whole exported ledger.
    public func submitFacts(_ envelopes: [Envelope], proofs: [EquivocationProof] = []) -> [String] {
        let sorted = envelopes.filter { $0.kind != .batch } + envelopes.filter { $0.kind == .batch }
        var errors = insert(sorted, from: "api")
        for (index, proof) in proofs.enumerated() {
            do {
                try ledger.insertProof(ProofFact(verifying: proof), nowMs: nowMs)
            } catch {
                errors.append("proof \(index + 1): \(error)")
            }
        }
        commit()
        return errors
    }
}
