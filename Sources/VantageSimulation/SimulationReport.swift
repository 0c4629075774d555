/// The figures and checker results of one run. Deterministic: the same settings give the same report.
public struct SimulationReport: Codable, Sendable, Equatable {
    /// One checker's verdict.
    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    /// Distribution of per-batch times until every node held the batch.
    public struct Delivery: Codable, Sendable, Equatable {
        public var medianMs: Int64
        public var p99Ms: Int64
        public var maxMs: Int64
        public var medianRounds: Double
        public var p99Rounds: Double
        public var maxRounds: Double

        enum CodingKeys: String, CodingKey {
            case medianMs = "median_ms", p99Ms = "p99_ms", maxMs = "max_ms"
            case medianRounds = "median_rounds", p99Rounds = "p99_rounds", maxRounds = "max_rounds"
        }
    }

    public var nodes: Int
    public var seed: UInt64
    public var scenario: Scenario
    public var batches: Int
    public var converged: Bool
    public var healToConvergenceMs: Int64?
    public var delivery: Delivery
    /// The same for the batches of summary logs alone (nil when none was signed).
    public var summaryDelivery: Delivery?
    public var bytesSent: Int
    public var deliveries: Int
    public var bytesPerDeliveredBatch: Double
    /// Frame bytes delivered to a node: the median and the largest over the nodes (the ordinary
    /// ones when there are archivers), and the median over the archivers (0 without).
    public var bytesReceivedMedian: Int
    public var bytesReceivedMax: Int
    public var bytesReceivedArchiverMedian: Int
    /// Frame bytes sent by a node: the median and the largest over the same nodes.
    public var bytesSentMedian: Int
    public var bytesSentMax: Int
    /// The medians over the same nodes of the bytes received and sent on their links, TLS and
    /// TCP/IP included (`NodeTraffic`'s estimate).
    public var wireBytesReceivedMedian: Int
    public var wireBytesSentMedian: Int
    /// Frame bytes delivered, by frame type: to the ordinary nodes (all nodes without archivers),
    /// and to the archivers.
    public var bytesReceivedByKind: [String: Int]
    public var archiverBytesByKind: [String: Int]
    /// Measurements signed by all nodes, and the bytes of their batches (as deltas count them).
    public var measurements: Int
    public var signedBatchBytes: Int
    public var lostBatches: Int
    public var realVerifications: Int
    public var virtualMs: Int64
    public var checks: [Check]
    public var reproduce: String

    /// True when every checker passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey {
        case nodes, seed, scenario, batches, converged, delivery, deliveries, checks, reproduce
        case healToConvergenceMs = "heal_to_convergence_ms", summaryDelivery = "summary_delivery"
        case bytesSent = "bytes_sent"
        case bytesPerDeliveredBatch = "bytes_per_delivered_batch"
        case bytesReceivedMedian = "bytes_received_median", bytesReceivedMax = "bytes_received_max", measurements
        case bytesReceivedArchiverMedian = "bytes_received_archiver_median"
        case bytesSentMedian = "bytes_sent_median", bytesSentMax = "bytes_sent_max"
        case wireBytesReceivedMedian = "wire_bytes_received_median", wireBytesSentMedian = "wire_bytes_sent_median"
        case bytesReceivedByKind = "bytes_received_by_kind", archiverBytesByKind = "archiver_bytes_by_kind", signedBatchBytes = "signed_batch_bytes"
        case lostBatches = "lost_batches"
        case realVerifications = "real_verifications"
        case virtualMs = "virtual_ms"
    }
}
