import Foundation
import Testing
import VantageIdentity
import VantageWire

/// The hand-written UTC parser agrees with Foundation's formatter, and refuses what it refuses.
@Suite struct RFC3339Tests {
    @Test func agreesWithTheFormatterOnRandomTimes() {
        var rng = SplitMix64(seed: 11)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<2000 {
            let ms = Int64.random(in: -2_000_000_000_000...7_000_000_000_000, using: &rng)
            let text = formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
            #expect(RFC3339.milliseconds(text) == ms, "\(text)")
            let seconds = String(text.prefix(19)) + "Z"
            #expect(RFC3339.milliseconds(seconds) == ms - ((ms % 1000) + 1000) % 1000, "\(seconds)")
        }
    }

    @Test func fractionsAndOffsets() {
        #expect(RFC3339.milliseconds("2024-01-20T13:05:00Z") == 1_705_755_900_000)
        #expect(RFC3339.milliseconds("2024-01-20T13:05:00.5Z") == 1_705_755_900_500)
        #expect(RFC3339.milliseconds("2024-01-20T13:05:00.123456Z") == 1_705_755_900_123)
        #expect(RFC3339.milliseconds("2024-01-20T18:05:00+05:00") == 1_705_755_900_000)
        #expect(RFC3339.milliseconds("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.milliseconds("2024-01-20T08:35:00.25-04:30") == 1_705_755_900_250)
        #expect(RFC3339.milliseconds("2024-01-01T00:30:00+01:00") == 1_704_065_400_000)
    }

    /// The local time of an offset is the formatter's UTC text of the instant shifted by that offset.
    @Test func offsetsShiftTheLocalTime() {
        var rng = SplitMix64(seed: 12)
        let formatter = ISO8601DateFormatter()
        for _ in 0..<500 {
            let ms = Int64.random(in: 0...4_000_000_000, using: &rng) * 1000
            let minutes = Int64.random(in: -(23 * 60 + 59)...(23 * 60 + 59), using: &rng)
            let local = formatter.string(from: Date(timeIntervalSince1970: Double(ms + minutes * 60_000) / 1000)).prefix(19)
            let offset = (minutes < 0 ? "-" : "+") + String(format: "%02d:%02d", abs(minutes) / 60, abs(minutes) % 60)
            #expect(RFC3339.milliseconds(local + offset) == ms, "\(local + offset)")
        }
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-20 13:05:00", "2024-01-20T25:00:00Z",
                      "2024-01-20T13:05:00.Z", "yesterday", "", "2024-01-20T13:05:0aZ", "2024-01-20T13:05:00+5:00",
                      "2024-01-20T13:05:00+24:00", "2024-01-20T13:05:00*05:00", "2024-01-20T13:05:00+05:60", "2024-01-20T13:05:00.1234567890Z",
                      "+0000-00-00T00:00:00Z", "2024-01-20T13:05:00+05:00Z"])
    func refusesWhatIsNotATime(_ text: String) {
        #expect(RFC3339.milliseconds(text) == nil, "\(text)")
    }
}
