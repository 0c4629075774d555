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
}

/// A line that could not be used, with its 1-based number and the reason.
public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
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
        var runtime_ms: UInt32?
        var throughput_kbps: UInt64?
        var details: [String: String]?
        var vantage: String?
        var asn: UInt32?
        var cc: String?
    }

    /// Parses every line of `data`; blank lines are skipped.
    public static func parse(_ data: Data, maxLineBytes: Int = defaultMaxLineBytes) -> (lines: [MeasurementLine], errors: [LineError]) {
        var lines: [MeasurementLine] = []
        var errors: [LineError] = []
        let decoder = JSONDecoder()
        var number = 0
        for slice in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let text = slice.last == UInt8(ascii: "\r") ? slice.dropLast() : slice
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard text.count <= maxLineBytes else {
                errors.append(LineError(line: number, reason: "line of \(text.count) bytes exceeds the limit of \(maxLineBytes)"))
                continue
            }
            do {
                lines.append(try convert(try decoder.decode(Line.self, from: Data(text))))
            } catch let error as LineProblem {
                errors.append(LineError(line: number, reason: error.reason))
            } catch let error as DecodingError {
                errors.append(LineError(line: number, reason: describe(error)))
            } catch {
                errors.append(LineError(line: number, reason: "\(error)"))
            }
        }
        return (lines, errors)
    }

    struct LineProblem: Error { var reason: String }

    private static func convert(_ line: Line) throws -> MeasurementLine {
        guard let probe = ProbeKind(name: line.probe) else {
            throw LineProblem(reason: "unknown probe '\(line.probe)'; expected one of \(ProbeKind.names.map(\.1).joined(separator: ", "))")
        }
        guard let outcome = Outcome(name: line.outcome) else {
            throw LineProblem(reason: "unknown outcome '\(line.outcome)'; expected one of \(Outcome.names.map(\.1).joined(separator: ", "))")
        }
        guard let time = parseTime(line.time) else {
            throw LineProblem(reason: "time '\(line.time)' is not RFC 3339, e.g. 2024-01-20T13:05:00Z")
        }
        guard !line.target.isEmpty else { throw LineProblem(reason: "target is empty") }
        if let cc = line.cc, cc.count != 2 || cc.uppercased() != cc {
            throw LineProblem(reason: "cc '\(cc)' is not a two-letter upper-case country code")
        }
        var m = Measurement()
        m.target = line.target
        m.input = line.input
        m.probe = probe
        m.startTimeMs = time
        m.runtimeMs = line.runtime_ms ?? 0
        m.outcome = outcome
        if let kbps = line.throughput_kbps { m.throughputKbps = kbps }
        m.details = line.details ?? [:]
        return MeasurementLine(measurement: m, vantage: line.vantage, asn: line.asn, country: line.cc)
    }

    /// Unix milliseconds of an RFC 3339 time, with or without fractional seconds.
    public static func parseTime(_ text: String) -> Int64? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field '\(field)' has the wrong type"
        case .dataCorrupted: return "not a JSON object"
        @unknown default: return "not a measurement"
        }
    }
}
