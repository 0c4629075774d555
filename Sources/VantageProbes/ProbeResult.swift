import Foundation
import VantageWire

/// One step a probe took, for a person: "tls: handshake with SNI x.com in 42 ms".
public struct ProbeStep: Sendable, Codable, Equatable {
    public var step: String
    public var detail: String
}

/// What one probe of one input found.
public struct ProbeResult: Sendable, Codable, Equatable {
    public var target: String
    public var input: String
    public var probe: String
    public var outcome: String
    /// Start time, RFC 3339 UTC.
    public var time: String
    public var runtimeMs: UInt32
    public var throughputKbps: UInt64?
    public var steps: [ProbeStep]
    public var details: [String: String]

    enum CodingKeys: String, CodingKey {
        case target, input, probe, outcome, time, steps, details
        case runtimeMs = "runtime_ms", throughputKbps = "throughput_kbps"
    }

    /// The measurement to sign into a batch.
    public var measurement: VantageWire.Measurement {
        VantageWire.Measurement.with {
            $0.target = target
            $0.input = input
            $0.probe = ProbeKind(name: probe) ?? .unspecified
            $0.startTimeMs = RFC3339.milliseconds(time) ?? 0
            $0.runtimeMs = runtimeMs
            $0.outcome = Outcome(name: outcome) ?? .error
            if let throughputKbps { $0.throughputKbps = throughputKbps }
            $0.details = details
        }
    }
}
