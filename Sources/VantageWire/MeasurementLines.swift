import Foundation

/// One measurement in JSON Lines, as submitted to a node or scored offline (DESIGN.md, Interfaces):
/// `{"target":"facebook","input":"https://www.facebook.com/","probe":"tls","time":"2024-01-20T13:05:00Z",
///   "outcome":"tls_reset","runtime_ms":5012}` with optional `throughput_kbps` and `details`, and for
/// offline scoring `vantage`, `asn` and `cc`.
public struct MeasurementLine: Sendable {
    /// The measurement as it goes into a batch.
    public var measurement: Measurement
    /// The vantage point's name, for offline scoring.
    public var vantage: String?
    /// The vantage point's ASN, for offline scoring.
    public var asn: UInt32?
    /// The vantage point's country, for offline scoring.
    public var country: String?
    /// The line's 1-based number in its file or body.
    public var line: Int
}

/// A line that could not be used, with its 1-based number and the reason.
public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    /// A short label for metrics: `line_too_long`, `future` or `bad_line`.
    public var label: String
    public var description: String { "line \(line): \(reason)" }

    /// The refusal of line `line` (1-based) for `reason`.
    public init(line: Int, reason: String, label: String = "bad_line") {
        self.line = line
        self.reason = reason
        self.label = label
    }
}

/// Parses JSON Lines of measurements. A bad line is reported with its number and reason; every
/// other line is still parsed.
public enum MeasurementLines {
    /// Longest line accepted, in bytes (default 64 KiB).
    public static let defaultMaxLineBytes = 64 * 1024

    struct Line: Decodable {
        var target: String
        var input: String
        var probe: String
        var time: String
        var outcome: String
        var runtime_ms: WholeNumber<UInt32>?
        var throughput_kbps: WholeNumber<UInt64>?
        var details: [String: String]?
        var vantage: String?
        var asn: WholeNumber<UInt32>?
        var cc: String?
    }

    /// Splits parsed lines into those a node may sign now and those whose time is more than
    /// `maxSkewMs` ahead of `nowMs` (refused: a batch may not carry measurements from the future).
    public static func refuseFuture(_ lines: [MeasurementLine], nowMs: Int64, maxSkewMs: Int64) -> (lines: [MeasurementLine], errors: [LineError]) {
        var kept: [MeasurementLine] = []
        var errors: [LineError] = []
        for line in lines {
            let ahead = line.measurement.startTimeMs - nowMs
            if ahead > maxSkewMs {
                errors.append(LineError(line: line.line, reason: "time is \(ahead / 1000) s ahead of this node's clock; at most \(maxSkewMs / 1000) s is allowed",
                                        label: "future"))
            } else {
                kept.append(line)
            }
        }
        return (kept, errors)
    }

    /// Splits lines into those at or after `notBeforeMs` and those before it (refused: a batch may
    /// not carry measurements older than `max_measurement_age`, named in the reason).
    public static func refuseOld(_ lines: [MeasurementLine], notBeforeMs: Int64, maxAgeMs: Int64) -> (lines: [MeasurementLine], errors: [LineError]) {
        var kept: [MeasurementLine] = []
        var errors: [LineError] = []
        for line in lines {
            if line.measurement.startTimeMs < notBeforeMs {
                errors.append(LineError(line: line.line, reason: "time is \((notBeforeMs - line.measurement.startTimeMs) / 1000) s older than "
                                        + "the newest measurement or batch allows: max_measurement_age is \(maxAgeMs / 86_400_000) days", label: "too_old"))
            } else {
                kept.append(line)
            }
        }
        return (kept, errors)
    }

    /// Parses every line of `data`; blank lines are skipped. `progress` is told the bytes read so far.
    public static func parse(_ data: Data, maxLineBytes: Int = defaultMaxLineBytes,
                             progress: ((Int) -> Void)? = nil) -> (lines: [MeasurementLine], errors: [LineError]) {
        let decoder = JSONDecoder()
        return JSONLines.each(data, maxLineBytes: maxLineBytes, progress: progress) { text, number in
            try convert(try decoder.decode(Line.self, from: text), number: number)
        }
    }

    private static func convert(_ line: Line, number: Int) throws -> MeasurementLine {
        guard let probe = ProbeKind(name: line.probe) else {
            throw LineProblem(reason: "unknown probe '\(line.probe)'; expected one of \(ProbeKind.names.map(\.1).joined(separator: ", "))")
        }
        guard let outcome = Outcome(name: line.outcome) else {
            throw LineProblem(reason: "unknown outcome '\(line.outcome)'; expected one of \(Outcome.names.map(\.1).joined(separator: ", "))")
        }
        guard let time = RFC3339.milliseconds(line.time) else {
            throw LineProblem(reason: "time '\(line.time)' is not RFC 3339, e.g. 2024-01-20T13:05:00Z")
        }
        if let problem = TargetName.problem(of: line.target) { throw LineProblem(reason: problem) }
        if let cc = line.cc, cc.count != 2 || cc.uppercased() != cc {
            throw LineProblem(reason: "cc '\(cc)' is not a two-letter upper-case country code")
        }
        var m = Measurement()
        m.target = line.target
        m.input = line.input
        m.probe = probe
        m.startTimeMs = time
        m.runtimeMs = line.runtime_ms?.value ?? 0
        m.outcome = outcome
        if let kbps = line.throughput_kbps?.value { m.throughputKbps = kbps }
        m.details = line.details ?? [:]
        return MeasurementLine(measurement: m, vantage: line.vantage, asn: line.asn?.value, country: line.cc, line: number)
    }
}
