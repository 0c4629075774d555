import Foundation
import Testing
import VantageWire

/// The JSON line limit (max_line_bytes): a line of exactly the limit is read, one byte more is
/// refused by number, and the lines around it are kept.
@Suite struct LineLimitTests {
    /// A valid measurement line padded with spaces inside the object to exactly `bytes` bytes.
    func line(bytes: Int) -> String {
        let head = #"{"target":"facebook","input":"https://www.facebook.com/","probe":"tls","time":"2024-01-20T13:00:00Z","outcome":"ok""#
        return head + String(repeating: " ", count: bytes - head.utf8.count - 1) + "}"
    }

    @Test func lineAtTheLimitIsReadAndOnePastIsRefused() {
        let limit = 1_000
        let text = [line(bytes: 200), line(bytes: limit), line(bytes: limit + 1), line(bytes: 300)].joined(separator: "\n") + "\n"
        let (lines, errors) = MeasurementLines.parse(Data(text.utf8), maxLineBytes: limit)
        #expect(lines.map(\.line) == [1, 2, 4])
        #expect(errors == [LineError(line: 3, reason: "line of 1001 bytes exceeds the limit of 1000", label: "line_too_long")])
    }

    @Test func defaultLimitIs64KiB() {
        let limit = MeasurementLines.defaultMaxLineBytes
        #expect(limit == 65_536)
        let text = line(bytes: limit) + "\n" + line(bytes: limit + 1) + "\n"
        let (lines, errors) = MeasurementLines.parse(Data(text.utf8))
        #expect(lines.count == 1 && errors.map(\.line) == [2])
    }

    @Test func measurementsAheadOfTheClockBeyondTheSkewAreRefused() {
        let text = [line(bytes: 200)].joined() + "\n"
        let parsed = MeasurementLines.parse(Data(text.utf8)).lines
        let time = parsed[0].measurement.startTimeMs
        let skew: Int64 = 600_000
        #expect(MeasurementLines.refuseFuture(parsed, nowMs: time - skew, maxSkewMs: skew).lines.count == 1)
        let refused = MeasurementLines.refuseFuture(parsed, nowMs: time - skew - 1000, maxSkewMs: skew)
        #expect(refused.lines.isEmpty && refused.errors.map(\.label) == ["future"])
    }
}
