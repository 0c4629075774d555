import Testing
@testable import VantageAgent
import VantageScoring
import VantageWire

/// The dashboard answers "what is blocked right now?" first.
@Suite struct DashboardTests {
    /// Five ASNs, two vantage points each, measuring facebook and wikipedia three times a window
    /// for `windows` windows; facebook fails everywhere from window `blockedFrom` on (to `blockedTo`).
    func scored(windows: Int64, blockedFrom: Int64, blockedTo: Int64) -> (ScoreResult, ViewResult) {
        let t0: Int64 = 1_705_741_200_000, window: Int64 = 600_000
        var observations: [Observation] = []
        for w in 0..<windows {
            for asn in (0..<5).map({ 64_501 + UInt32($0) }) {
                for point in 0..<2 {
                    for target in ["facebook", "wikipedia"] {
                        for k in 0..<3 {
                            let blocked = target == "facebook" && w >= blockedFrom && w < blockedTo
                            observations.append(Observation(vantage: "v\(asn)-\(point)", asn: asn, country: "PK", target: target,
                                                            timeMs: t0 + w * window + Int64(k) * 180_000, outcome: blocked ? .tlsReset : .ok))
                        }
                    }
                }
            }
        }
        let parameters = ScoringParameters()
        let (result, view) = Scorer.scoreWithView(observations, country: "PK", parameters: parameters)
        return (result, ViewResult(country: "PK", policy: parameters, cells: view.cells))
    }

    @Test func aBlockingThatReachesTheLastWindowIsBlockedNowSinceItsStart() throws {
        let (result, view) = scored(windows: 24, blockedFrom: 12, blockedTo: 24)
        let now = Dashboard.blockedNow(result, view: view)
        #expect(now.contains("<strong>facebook</strong>: nation blocking since 2024-01-20T11:00:00Z — 5 of 5 ASNs"), "\(now)")
        let ended = scored(windows: 24, blockedFrom: 8, blockedTo: 16)
        #expect(Dashboard.blockedNow(ended.0, view: ended.1).contains("Nothing is blocked now"), "a blocking that ended is not current")
    }
}

extension DashboardTests {
    @Test func alertTextCarriesNoChatMarkup() {
        #expect(AlertSender.chatSafe("<!channel> @everyone & <https://evil.example|click>") == "&lt;!channel&gt; @\u{200B}everyone &amp; &lt;https://evil.example|click&gt;")
    }
}
