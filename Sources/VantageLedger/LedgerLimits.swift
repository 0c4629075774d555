/// Every bound the ledger enforces, with its documented default (protocol/SPEC.md §9).
public struct LedgerLimits: Sendable, Equatable {
    /// Largest batch payload accepted, in bytes (default 1 MiB).
    public var maxBatchBytes: Int
    /// Most measurements in one batch (default 10,000).
    public var maxMeasurementsPerBatch: Int
    /// Most batches held for one origin while waiting for a predecessor or an enrollment (default 1,024).
    public var maxHeldPerOrigin: Int
    /// Most batches held in all (default 16,384).
    public var maxHeldTotal: Int
    /// Most equivocation proofs held while their signer is not yet enrolled (default 4,096).
    public var maxHeldOther: Int
    /// How far ahead of the receiver's clock a batch's creation time may be, in ms (default 10 min).
    public var maxClockSkewMs: Int64
    /// Retention when the campaign names none, in days (default 30).
    public var defaultRetentionDays: Int
    /// How long a held fact (waiting for a predecessor or its signer's enrollment) is kept in
    /// memory, in ms (default 10 min). Held facts are never written to the store.
    public var heldTTLMs: Int64

    /// Limits with their documented defaults.
    public init(
        maxBatchBytes: Int = 1 << 20,
        maxMeasurementsPerBatch: Int = 10_000,
        maxHeldPerOrigin: Int = 1_024,
        maxHeldTotal: Int = 16_384,
        maxHeldOther: Int = 4_096,
        maxClockSkewMs: Int64 = 10 * 60 * 1000,
        defaultRetentionDays: Int = 30,
        heldTTLMs: Int64 = 600_000
    ) {
        precondition(maxBatchBytes > 0 && maxMeasurementsPerBatch > 0, "batch limits must be positive")
        precondition(maxHeldPerOrigin > 0 && maxHeldTotal >= maxHeldPerOrigin && maxHeldOther > 0, "held limits must be positive")
        precondition(maxClockSkewMs >= 0 && defaultRetentionDays > 0, "skew must be >= 0 and retention > 0")
        self.maxBatchBytes = maxBatchBytes
        self.maxMeasurementsPerBatch = maxMeasurementsPerBatch
        self.maxHeldPerOrigin = maxHeldPerOrigin
        self.maxHeldTotal = maxHeldTotal
        self.maxHeldOther = maxHeldOther
        self.maxClockSkewMs = maxClockSkewMs
        self.defaultRetentionDays = defaultRetentionDays
        self.heldTTLMs = heldTTLMs
    }
}
