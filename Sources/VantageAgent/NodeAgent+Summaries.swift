import Foundation
import Logging
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageStore
import VantageWire

/// This node's summary log (protocol/SPEC.md §5.8, §13c): when a window its raw batches measured
/// in has closed (its end plus the campaign's grace), the node signs the window's summary; a
/// window that gets more measurements later is summarised again, whole, and the new summary
/// replaces the old.
extension NodeAgent {
    /// Most summaries in one summary batch.
    static let summariesPerBatch = 256

    /// Records, durably and before they are signed, the windows `measurements` fall in; false when
    /// the file cannot be written (then nothing may be signed).
    func noteUnsummarised(_ measurements: [VantageWire.Measurement]) -> Bool {
        let windowMs = ledger.windowMs
        let windows = Set(measurements.map { floorDiv($0.startTimeMs, windowMs) * windowMs })
        guard !windows.isSubset(of: unsummarised) else { return true }
        unsummarised.formUnion(windows)
        return saveUnsummarised()
    }

    /// Signs the summaries of the noted windows that have closed into this node's summary log,
    /// pushes each batch, and forgets those windows.
    func signClosedSummaries() {
        guard cannotSign == nil, !unsummarised.isEmpty, storeFailure == nil else { return }
        let now = nowMs, windowMs = ledger.windowMs, graceMs = ledger.summaryGraceMs
        let closed = Set(unsummarised.map { floorDiv($0, windowMs) * windowMs }).filter { $0 + windowMs + graceMs <= now }.sorted()
        guard !closed.isEmpty else { return }
        for chunk in Self.chunks(closed, windowMs: windowMs, maxAgeMs: ledger.maxMeasurementAgeMs) {
            let records = ledger.summaryRecords(of: id, windowStarts: chunk)
            if !records.isEmpty {
                let batch = ledger.nextSummaryBatch(of: id, createdMs: min(now, chunk.last! + windowMs + graceMs), summaries: records)
                // Unsignable now (no enrollment covers it): the windows stay noted for a later tick.
                // Refused by this node's own ledger (e.g. windows older than the measurement age
                // allows after newer summaries): those windows cannot be summarised; not retried.
                let outcome = signIntoSummaryLog(batch, what: "window summaries", metadata: ["windows": "\(chunk.count)"])
                guard outcome != .unsignable, storeFailure == nil else { return }
            }
            unsummarised.subtract(unsummarised.filter { chunk.contains(floorDiv($0, windowMs) * windowMs) })
            guard saveUnsummarised() else { return }
        }
    }

    /// What became of a batch meant for this node's summary log.
    enum SummaryLogOutcome { case signed, unsignable, refused }

    /// Signs `batch` into this node's summary log, durably before it is announced, and pushes it.
    /// Not `.signed` (and logged why) when this node cannot sign it, its own ledger refuses it, or
    /// the store fails (`.refused`, with `storeFailure` set).
    @discardableResult
    func signIntoSummaryLog(_ batch: Batch, what: String, metadata: Logger.Metadata) -> SummaryLogOutcome {
        if let reason = unsignable(batch) {
            logger.error("\(what) not signed", metadata: metadata.merging(["reason": "\(reason)"]) { a, _ in a })
            return .unsignable
        }
        let envelope = key.sign(batch)
        let refused = insert([envelope], from: "local", powerSafe: true)
        guard storeFailure == nil else { return .refused }
        guard ledger.head(of: id, tier: .summary).seq == batch.seq else {
            logger.error("\(what) refused by this node's ledger; not announced",
                         metadata: metadata.merging(["seq": "\(batch.seq)", "reason": "\(refused.first ?? "not admitted")"]) { a, _ in a })
            return .refused
        }
        rememberSigned(ledger.head(of: id, tier: .summary), tier: .summary)
        guard storeFailure == nil else { return .refused }
        perform(gossip.onLocalBatch(envelope, ledger: ledger, using: &rng))
        return .signed
    }

    /// Closed windows in groups of at most `summariesPerBatch` whose first and last are less than
    /// the measurement age apart, so that one batch created after the last window admits all.
    static func chunks(_ windows: [Int64], windowMs: Int64, maxAgeMs: Int64) -> [[Int64]] {
        var chunks: [[Int64]] = []
        for start in windows {
            if let first = chunks.last?.first, chunks[chunks.count - 1].count < summariesPerBatch, start - first < maxAgeMs - windowMs {
                chunks[chunks.count - 1].append(start)
            } else {
                chunks.append([start])
            }
        }
        return chunks
    }

    /// Writes the noted windows; false (and the store counts as failed) when it cannot.
    private func saveUnsummarised() -> Bool {
        do {
            try UnsummarisedFile.write(unsummarised, to: node.unsummarisedPath)
            return true
        } catch {
            logger.critical("cannot write the windows still to summarise; stopping", metadata: ["reason": "\(error)"])
            storeFailure = StoreError("\(error)")
            return false
        }
    }
}

/// Early summaries of the open window (protocol/SPEC.md §13c, `EarlySummary`).
extension NodeAgent {
    /// After this node signs a raw batch in the open window: when `EarlySummary.isDue`, signs the
    /// open window's summary now. The window stays noted, so its summary after the close (with
    /// the grace) replaces this one.
    func signEarlySummary() {
        let head = ledger.head(of: id).seq
        guard cannotSign == nil, storeFailure == nil, head != earlySummaryCheckedSeq else { return }
        earlySummaryCheckedSeq = head
        let now = nowMs, windowMs = ledger.windowMs
        let open = floorDiv(now, windowMs) * windowMs
        guard unsummarised.contains(open) else { return }
        let records = ledger.summaryRecords(of: id, windowStarts: [open - windowMs, open])
        let (current, previous) = (records.filter { $0.windowStartMs == open }, records.filter { $0.windowStartMs == open - windowMs })
        guard EarlySummary.isDue(open: current, previous: previous) else { return }
        signIntoSummaryLog(ledger.nextSummaryBatch(of: id, createdMs: now, summaries: current),
                           what: "early window summary", metadata: ["window": "\(Date(unixMilliseconds: open).rfc3339)"])
    }
}
