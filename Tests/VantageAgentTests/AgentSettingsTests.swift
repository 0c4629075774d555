import Testing
import VantageAgent

/// Settings read the way people write them.
@Suite struct AgentSettingsTests {
    @Test func durationsReadLikePeopleWriteThem() {
        #expect(DurationText.milliseconds("200ms") == 200)
        #expect(DurationText.milliseconds("1s") == 1000)
        #expect(DurationText.milliseconds("5m") == 300_000)
        #expect(DurationText.milliseconds("1.5s") == 1500)
        #expect(DurationText.milliseconds("2h") == 7_200_000)
        #expect(DurationText.milliseconds("fast") == nil)
        #expect(DurationText.milliseconds("-1s") == nil)
        #expect(DurationText.milliseconds("10") == nil)
    }
}
