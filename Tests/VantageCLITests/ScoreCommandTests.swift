import Foundation
import Testing
import VantageTestKit

/// `vantage score` as a process: JSON on stdout, bad lines on stderr with their numbers.
@Suite struct ScoreCommandTests {
    @Test func scoresAFileAndReportsBadLinesByNumber() throws {
        let dir = CommandRunner.temporaryDirectory("score")
        var lines: [String] = []
        for asn in 0..<4 {
            for minute in stride(from: 0, to: 60, by: 5) {
                let outcome = minute >= 20 && minute < 40 ? "tls_reset" : "ok"
                lines.append(#"{"vantage":"v\#(asn)","asn":\#(64500 + asn),"cc":"PK","target":"x","input":"https://x.com/","probe":"tls","time":"2024-01-20T13:\#(String(format: "%02d", minute)):00Z","outcome":"\#(outcome)","runtime_ms":10}"#)
            }
        }
        lines.insert("{not json", at: 3)
        lines.append(#"{"target":"x","input":"x","probe":"tls","time":"2024-01-20T13:00:00Z","outcome":"ok"}"#)
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("m.jsonl"), atomically: true, encoding: .utf8)
        let result = try CommandRunner(directory: dir).run("score", "--input", "m.jsonl", "--country", "PK", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("line 4: not a JSON object"))
        #expect(result.stderr.contains("offline scoring needs"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let verdicts = try #require(json["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == 1)
        #expect(verdicts.first?["scope"] as? String == "nation")
        #expect(verdicts.first?["start"] as? String == "2024-01-20T13:20:00Z")
        #expect(verdicts.first?["end"] as? String == "2024-01-20T13:40:00Z")
        #expect(verdicts.first?["asns_affected"] as? Int == 4)
    }
}
