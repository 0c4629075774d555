import Foundation
import VantageIdentity
import VantageWire

/// How many batches, and how many payload bytes, one origin may add to its log per UTC day of the
/// batches' own creation times (protocol/SPEC.md §5.7): decided from the facts alone, so every
/// replica decides alike. A batch beyond it is refused; its successors cannot link and are refused
/// too, so an origin that floods stops at its quota.
public struct DailyQuota: Sendable, Equatable {
    /// Batches per day.
    public var batches: Int
    /// Payload bytes per day.
    public var bytes: Int

    /// The fewest batches a day when the campaign names no quota.
    public static let minimumBatches = 1_000
    /// Batches a day per probing round when the campaign names no quota.
    public static let batchesPerRound = 4
    /// Bytes a day per allowed batch when the campaign names no byte quota (64 KiB).
    public static let bytesPerBatch = 64 * 1024

    /// Summary-log batches a day per scoring window: the window's summary, an early one, an
    /// attestation or two, and some to spare.
    public static let summaryBatchesPerWindow = 6
    /// Bytes a day per allowed summary-log batch (8 KiB: a summary of a window is about 600 bytes).
    public static let summaryBytesPerBatch = 8 * 1024

    /// The quota of a log of `tier` under `campaign`: for the raw log, what the campaign sets;
    /// for the summary log, which every node receives, `summaryBatchesPerWindow` per scoring
    /// window of the campaign (600 s when it names none) and `summaryBytesPerBatch` each.
    public init(_ campaign: Campaign?, tier: LogTier) {
        guard tier == .summary else {
            self.init(campaign)
            return
        }
        let windowSeconds = Int(campaign?.policy.windowSeconds ?? 0)
        let batches = Self.summaryBatchesPerWindow * (86_400 / (windowSeconds > 0 ? windowSeconds : Placement.defaultWindowSeconds))
        self.init(batches: batches, bytes: batches * Self.summaryBytesPerBatch)
    }

    private init(batches: Int, bytes: Int) {
        self.batches = batches
        self.bytes = bytes
    }

    /// The quota a campaign sets (`max_batches_per_day`, `max_batch_bytes_per_day`), with the
    /// defaults for what it leaves out: 4 batches per round of `interval_seconds`, at least 1,000;
    /// 64 KiB per batch. Without a campaign, the defaults for one round a day.
    public init(_ campaign: Campaign?) {
        let rounds = campaign.map { 86_400 / max(1, Int($0.intervalSeconds)) } ?? 1
        let batches = campaign.map { Int($0.maxBatchesPerDay) } ?? 0
        self.batches = batches > 0 ? batches : max(Self.minimumBatches, Self.batchesPerRound * rounds)
        let bytes = campaign.map { Int(clamping: $0.maxBatchBytesPerDay) } ?? 0
        self.bytes = bytes > 0 ? bytes : self.batches * Self.bytesPerBatch
    }

    /// Why a batch of `payloadBytes` created on `day` would exceed the quota after the origin's
    /// log (`index`), or nil when it fits.
    func excess(payloadBytes: Int, day: Int64, after index: OriginIndex) -> String? {
        let sameDay = index.dayBatches > 0 && index.day == day
        let batches = (sameDay ? index.dayBatches : 0) + 1
        let bytes = (sameDay ? index.dayBytes : 0) + payloadBytes
        if batches > self.batches { return "it would be batch \(batches) of its origin on its UTC day; the quota is \(self.batches)" }
        if bytes > self.bytes { return "it would bring its origin's batches on its UTC day to \(bytes) bytes; the quota is \(self.bytes)" }
        return nil
    }
}

extension Ledger {
    /// The next batch of `origin`'s chain for `measurements`, named by the current campaign and
    /// numbered by it (protocol/SPEC.md §5.6).
    public func nextBatch(of origin: NodeID, createdMs: Int64, measurements: [VantageWire.Measurement]) -> Batch {
        var batch = head(of: origin).nextBatch(origin: origin, createdMs: createdMs, measurements: measurements)
        if let (name, numbering) = currentNumbering {
            batch.campaign = name
            batch.measurements = measurements.map(numbering.numbered)
        }
        return batch
    }

    /// The next batch of `origin`'s summary log for `summaries` and `attestations`, named by the
    /// current campaign and its targets numbered by it (protocol/SPEC.md §5.6).
    public func nextSummaryBatch(of origin: NodeID, createdMs: Int64, summaries: [WindowSummaryRecord], attestations: [Attestation] = []) -> Batch {
        var batch = head(of: origin, tier: .summary).nextBatch(origin: origin, createdMs: createdMs, measurements: [])
        batch.tier = .summary
        batch.summaries = summaries
        batch.attestations = attestations
        if let (name, numbering) = currentNumbering {
            batch.campaign = name
            batch.summaries = summaries.map(numbering.numbered)
        }
        return batch
    }

    /// The name and numbering of the current campaign, which a node numbers what it signs by.
    private var currentNumbering: (name: Data, numbering: CampaignNumbering)? {
        campaign.flatMap { campaign in numberings[campaign.id].map { (CampaignName.of(campaign.id), $0) } }
    }

    /// Why `batch` (of `payloadBytes`) would take its origin past its daily quota, or nil.
    public func quotaExcess(of batch: Batch, payloadBytes: Int) -> String? {
        guard let origin = Hash256(bytes: batch.origin) else { return nil }
        return quotaExcess(of: batch, payloadBytes: payloadBytes, after: logs[origin.logID(batch.tier)]?.index ?? OriginIndex())
    }

    /// Why `batch` would exceed the quota of the campaign it names (the defaults when it names
    /// none) after the log `index`, or nil.
    func quotaExcess(of batch: Batch, payloadBytes: Int, after index: OriginIndex) -> String? {
        DailyQuota(campaign(named: batch.campaign)?.record, tier: batch.tier)
            .excess(payloadBytes: payloadBytes, day: OriginIndex.day(of: batch.createdMs), after: index)
    }
}
