import Testing
@testable import VantageAgent
import VantageWire

/// What the API answers, and what a peer's text may do to the log.
@Suite struct APIGuardTests {
    @Test(arguments: [
        ("127.0.0.1:7180", true), ("localhost:7180", true), ("[::1]:7180", true), ("10.0.0.5", true),
        ("node.example:7180", true), ("evil.example:7180", false), ("127.0.0.1.evil.example", false), ("", false),
        ("LOCALHOST", true),
    ])
    func onlyLoopbackNamesTheConfiguredHostAndIPLiteralsAreAnswered(authority: String, accepted: Bool) {
        #expect(APIHostRule.accepts(authority, configuredHost: "node.example") == accepted, "\(authority)")
    }

    @Test func peerTextIsBoundedAndCannotForgeLogLines() {
        let hostile = "fine\nlevel=critical msg=\"node compromised\"\r" + String(repeating: "A", count: 5_000)
        let logged = LogText.bounded(hostile)
        #expect(!logged.contains("\n") && !logged.contains("\r"))
        #expect(logged.count == 201 && logged.hasSuffix("…"))
        #expect(LogText.bounded("short") == "short")
    }
}
