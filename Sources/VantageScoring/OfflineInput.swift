import Foundation
import VantageWire

/// The files `vantage score` reads: Vantage JSON Lines whose lines name their vantage point, or
/// OONI measurements (protocol/SPEC.md §13a).
public enum InputFormat: String, Sendable, CaseIterable {
    case vantage, ooni
}

/// Turns a file of measurement lines into observations; every unusable line becomes a `LineError`.
public enum OfflineInput {
    /// Observations and the refused lines, in line order. `progress` hears the bytes read so far.
    public static func read(_ data: Data, format: InputFormat, progress: ((Int) -> Void)? = nil)
        -> (observations: [Observation], errors: [LineError]) {
        let (lines, parseErrors) = format == .ooni ? OONILines.parse(data, progress: progress)
                                                   : MeasurementLines.parse(data, progress: progress)
        var errors = parseErrors
        var observations: [Observation] = []
        observations.reserveCapacity(lines.count)
        for line in lines {
            guard let vantage = line.vantage, let asn = line.asn, let cc = line.country else {
                errors.append(LineError(line: line.line, reason: "offline scoring needs \"vantage\", \"asn\" and \"cc\" on every line"))
                continue
            }
            let m = line.measurement
            observations.append(Observation(vantage: vantage, asn: asn, country: cc, target: m.target, timeMs: m.startTimeMs,
                                            outcome: m.outcome, throughputKbps: m.hasThroughputKbps ? m.throughputKbps : nil))
        }
        return (observations, errors.sorted { $0.line < $1.line })
    }
}
