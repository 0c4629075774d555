/// Every limit a node enforces, by its name in protocol/SPEC.md §9. Set one with
/// `vantage agent --limit NAME=VALUE` or in the `[limits]` table of a `--config` file.
public enum AgentLimit: String, CaseIterable, Sendable {
    case maxFrameBytes = "max_frame_bytes"
    case maxBatchBytes = "max_batch_bytes"
    case maxMeasurementsPerBatch = "max_measurements_per_batch"
    case maxHeldPerOrigin = "max_held_per_origin"
    case maxHeldTotal = "max_held_total"
    case maxHeldOther = "max_held_other"
    case maxClockSkewMs = "max_clock_skew_ms"
    case retentionDays = "retention_days"
    case maxConnections = "max_connections"
    case maxHandshakesPerAddress = "max_handshakes_per_address"
    case maxHandshakes = "max_handshakes"
    case maxCoverClients = "max_cover_clients"
    case coverTimeoutMs = "cover_timeout_ms"
    case maxPeers = "max_peers"
    case relayMaxPeers = "relay_max_peers"
    case helloTimeoutMs = "hello_timeout_ms"
    case idleTimeoutMs = "idle_timeout_ms"
    case frameTimeoutMs = "frame_timeout_ms"
    case connectTimeoutMs = "connect_timeout_ms"
    case maxQueuedFrames = "max_queued_frames"
    case maxQueuedBytes = "max_queued_bytes"
    case heldTTLMs = "held_ttl_ms"
    case maxDeltaBytes = "max_delta_bytes"
    case exchangeTimeoutMs = "exchange_timeout_ms"
    case maxAnswersPerInterval = "max_answers_per_interval"
    case maxEvidenceRanges = "max_evidence_ranges"
    case forwardChargeBytes = "forward_charge_bytes"
    case maxForwardsInFlight = "max_forwards_in_flight"
    case maxRequestBytes = "max_request_bytes"
    case maxLineBytes = "max_line_bytes"
    case measurementsPerBatch = "measurements_per_batch"

    /// Where the limit lives in the settings.
    private var path: WritableKeyPath<AgentSettings, Int64> {
        switch self {
        case .maxFrameBytes: return \.transport.wire.maxFrameBytes.asInt64
        case .maxBatchBytes: return \.ledger.maxBatchBytes.asInt64
        case .maxMeasurementsPerBatch: return \.ledger.maxMeasurementsPerBatch.asInt64
        case .maxHeldPerOrigin: return \.ledger.maxHeldPerOrigin.asInt64
        case .maxHeldTotal: return \.ledger.maxHeldTotal.asInt64
        case .maxHeldOther: return \.ledger.maxHeldOther.asInt64
        case .maxClockSkewMs: return \.ledger.maxClockSkewMs
        case .retentionDays: return \.ledger.defaultRetentionDays.asInt64
        case .maxConnections: return \.transport.maxConnections.asInt64
        case .maxHandshakesPerAddress: return \.transport.maxHandshakesPerAddress.asInt64
        case .maxHandshakes: return \.transport.maxHandshakes.asInt64
        case .maxCoverClients: return \.transport.maxCoverClients.asInt64
        case .coverTimeoutMs: return \.transport.coverTimeoutMs
        case .maxPeers: return \.maxPeers.asInt64
        case .relayMaxPeers: return \.relayMaxPeers.asInt64
        case .helloTimeoutMs: return \.transport.helloTimeoutMs
        case .idleTimeoutMs: return \.transport.idleTimeoutMs
        case .frameTimeoutMs: return \.transport.frameTimeoutMs
        case .connectTimeoutMs: return \.transport.connectTimeoutMs
        case .maxQueuedFrames: return \.transport.maxQueuedFrames.asInt64
        case .maxQueuedBytes: return \.transport.maxQueuedBytes.asInt64
        case .heldTTLMs: return \.ledger.heldTTLMs
        case .maxDeltaBytes: return \.gossip.maxDeltaBytes.asInt64
        case .exchangeTimeoutMs: return \.gossip.exchangeTimeoutMs
        case .maxAnswersPerInterval: return \.gossip.maxAnswersPerInterval.asInt64
        case .maxEvidenceRanges: return \.gossip.maxEvidenceRanges.asInt64
        case .forwardChargeBytes: return \.gossip.forwardChargeBytes.asInt64
        case .maxForwardsInFlight: return \.gossip.maxForwardsInFlight.asInt64
        case .maxRequestBytes: return \.maxRequestBytes.asInt64
        case .maxLineBytes: return \.maxLineBytes.asInt64
        case .measurementsPerBatch: return \.measurementsPerBatch.asInt64
        }
    }

    /// The smallest value that keeps a node working (the clock skew may be 0).
    private var minimum: Int64 { self == .maxClockSkewMs ? 0 : 1 }

    /// The limit's value in `settings`.
    public func value(in settings: AgentSettings) -> Int64 { settings[keyPath: path] }

    /// Sets the limit; a value below its minimum or beyond 2^40 is refused naming the limit.
    public func set(_ value: Int64, in settings: inout AgentSettings) throws {
        guard value >= minimum, value <= 1 << 40 else {
            throw ConfigError("limit \(rawValue): \(value) is not between \(minimum) and \(1 << 40)")
        }
        settings[keyPath: path] = value
    }

    /// Applies `NAME=VALUE` texts (as given to `--limit`), naming the text that is wrong.
    public static func apply(_ texts: [String], to settings: inout AgentSettings) throws {
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Int64(parts[1]) else {
                throw ConfigError("--limit '\(text)' is not NAME=INTEGER, e.g. max_peers=16")
            }
            try apply([parts[0]: value], to: &settings)
        }
    }

    /// Applies limits by name (the `[limits]` table of a config file).
    public static func apply(_ values: [String: Int64], to settings: inout AgentSettings) throws {
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let limit = AgentLimit(rawValue: name) else {
                throw ConfigError("unknown limit '\(name)'; the limits are \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try limit.set(value, in: &settings)
        }
    }

    /// Checks that the limits fit together: a delta, and an equivocation proof of two batches,
    /// must fit in a frame.
    public static func validate(_ settings: AgentSettings) throws {
        let frame = settings.transport.wire.maxFrameBytes
        if maxDeltaBytes.value(in: settings) >= Int64(frame) {
            throw ConfigError("limit max_delta_bytes (\(maxDeltaBytes.value(in: settings))) must be below max_frame_bytes (\(frame))")
        }
        if 2 * maxBatchBytes.value(in: settings) + Int64(proofOverheadBytes) > Int64(frame) {
            throw ConfigError("limit max_batch_bytes (\(maxBatchBytes.value(in: settings))) must be at most half of max_frame_bytes (\(frame)) "
                              + "less \(proofOverheadBytes) bytes: an equivocation proof carries two batches in one frame")
        }
    }

    /// Bytes a frame needs beside the two batches of an equivocation proof (keys, signatures, tags).
    static let proofOverheadBytes = 1_024
}

extension Int {
    /// The value as Int64, for key paths over limits of either type.
    fileprivate var asInt64: Int64 {
        get { Int64(self) }
        set { self = Int(newValue) }
    }
}
