import Foundation
import Testing
import VantageAgent

/// Every limit is a named setting whose default protocol/SPEC.md §9 documents, settable by name.
@Suite struct AgentLimitTests {
    /// The rows of SPEC §9's tables, by setting name.
    func specRows() throws -> [String: String] {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../protocol/SPEC.md").standardizedFileURL, encoding: .utf8)
        let section = spec.components(separatedBy: "## 9. Limits")[1].components(separatedBy: "\n## ")[0]
        var rows: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let name = line.dropFirst(3).prefix { $0 != "`" }
            rows[String(name)] = String(line)
        }
        return rows
    }

    @Test func everyLimitIsListedInTheSpecWithItsDefault() throws {
        let rows = try specRows()
        let defaults = AgentSettings(nodePath: "/nonexistent")
        for limit in AgentLimit.allCases {
            let row = try #require(rows[limit.rawValue], "SPEC §9 does not list \(limit.rawValue)")
            let digits = row.split(separator: "|", omittingEmptySubsequences: false)[2].filter(\.isNumber)
            #expect(digits.contains(String(limit.value(in: defaults))),
                    "SPEC §9 gives \(limit.rawValue) a default other than \(limit.value(in: defaults)): \(row)")
        }
    }

    @Test func limitsAreSetByNameAndMistakesAreNamed() throws {
        var settings = AgentSettings(nodePath: "/nonexistent")
        try AgentLimit.apply(["max_peers=16", "frame_timeout_ms=2500"], to: &settings)
        try AgentLimit.apply(["max_clock_skew_ms": 0, "max_line_bytes": 1024], to: &settings)
        #expect(settings.maxPeers == 16 && settings.transport.frameTimeoutMs == 2500)
        #expect(settings.ledger.maxClockSkewMs == 0 && settings.maxLineBytes == 1024)

        func problem(_ texts: [String]) -> String {
            var copy = settings
            do { try AgentLimit.apply(texts, to: &copy); try AgentLimit.validate(copy); return "" } catch { return "\(error)" }
        }
        #expect(problem(["max_peer=3"]).contains("unknown limit 'max_peer'"))
        #expect(problem(["max_peers"]).contains("is not NAME=INTEGER"))
        #expect(problem(["max_peers=0"]).contains("limit max_peers: 0 is not between 1"))
        #expect(problem(["max_clock_skew_ms=-1"]).contains("max_clock_skew_ms"))
        #expect(problem(["max_frame_bytes=1000"]).contains("must be below max_frame_bytes (1000)"))
        #expect(problem(["max_batch_bytes=2097152"]).contains("at most half of max_frame_bytes"))
    }

    @Test func configFileTakesALimitsTable() throws {
        let path = NSTemporaryDirectory() + "limits-\(UUID().uuidString).toml"
        try "node = \"/srv/vantage/node\"\n\n[limits]\nmax_peers = 12\nhello_timeout_ms = 3000\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try AgentConfigFile.read(path)
        #expect(file.limits == ["max_peers": 12, "hello_timeout_ms": 3000])
    }
}

extension AgentLimitTests {
    @Test func aRelaysHandshakeSlotsScaleWithItsPeers() {
        var settings = AgentSettings(nodePath: "/nonexistent")
        #expect(settings.transportSettings(relay: false).maxHandshakes == 32)
        #expect(settings.transportSettings(relay: true).maxHandshakes == 128 && settings.transportSettings(relay: true).maxConnections == 576)
        settings.relayMaxPeers = 2_000
        #expect(settings.transportSettings(relay: true).maxHandshakes == 500)
    }
}
