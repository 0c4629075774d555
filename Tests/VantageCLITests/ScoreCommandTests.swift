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
        let runner = try CommandRunner(directory: dir)
        let refusing = try runner.run("score", "--input", "m.jsonl", "--country", "PK", "--format", "json")
        #expect(refusing.status == 1, "refused lines fail the command unless --skip-bad-lines")
        #expect(refusing.stderr.contains("m.jsonl: 2 of 50 lines refused"), "\(refusing.stderr)")
        let result = try runner.run("score", "--input", "m.jsonl", "--country", "PK", "--format", "json", "--skip-bad-lines")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("line 4: not a JSON object"))
        #expect(result.stderr.contains("m.jsonl: line 50: offline scoring needs"), "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let verdicts = try #require(json["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == 1)
        #expect(verdicts.first?["scope"] as? String == "nation")
        #expect(verdicts.first?["start"] as? String == "2024-01-20T13:20:00Z")
        #expect(verdicts.first?["end"] as? String == "2024-01-20T13:40:00Z")
        #expect(verdicts.first?["asns_affected"] as? Int == 4)
    }

    @Test func scoresOONIMeasurements() throws {
        let dir = CommandRunner.temporaryDirectory("score-ooni")
        var lines: [String] = []
        for asn in 0..<4 {
            for minute in stride(from: 0, to: 60, by: 4) {
                let keys = minute >= 20 && minute < 40 ? #"{"blocking":"http-failure","http_experiment_failure":"connection_reset"}"# : #"{"blocking":false,"accessible":true}"#
                lines.append(#"{"probe_asn":"AS\#(64500 + asn)","probe_cc":"PK","measurement_start_time":"2024-01-20 13:\#(String(format: "%02d", minute)):00","test_name":"web_connectivity","input":"https://www.youtube.com/","test_keys":\#(keys)}"#)
            }
        }
        lines.append(#"{"probe_asn":"AS1","probe_cc":"PK","measurement_start_time":"2024-01-20 13:00:00","test_name":"dash","test_keys":{}}"#)
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("ooni.jsonl"), atomically: true, encoding: .utf8)
        let runner = try CommandRunner(directory: dir)
        let table = try runner.run("score", "--input", "ooni.jsonl", "--country", "PK", "--input-format", "ooni", "--format", "table", "--skip-bad-lines")
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("NATION-SCALE blocking of youtube — 2024-01-20 13:20–13:40 UTC — 4 of 4 ASNs"), "\(table.stdout)")
        #expect(table.stderr.contains("line 61: test_name 'dash' is not mapped"))
        let json = try runner.run("score", "--input", "ooni.jsonl", "--country", "PK", "--input-format", "ooni", "--skip-bad-lines")
        #expect(json.stdout.contains("\"scope\" : \"nation\""), "JSON when not on a terminal")
        // One flag, one meaning: --format is the output; an OONI file read as Vantage lines says so.
        let misnamed = try runner.run("score", "--input", "ooni.jsonl", "--country", "PK", "--format", "ooni")
        #expect(misnamed.status != 0 && misnamed.stderr.contains("--format: 'ooni' is an input format; give --input-format ooni"), "\(misnamed.stderr)")
        let mixed = try runner.run("score", "--input", "ooni.jsonl", "--country", "PK", "--format", "ooni", "--format", "table")
        #expect(mixed.status == 1 && mixed.stderr.contains("if it holds OONI measurements, give --input-format ooni"), "\(mixed.stderr)")
    }

    @Test func decimalAndExponentNumbersAreReadAsJSONDefinesThem() throws {
        let dir = CommandRunner.temporaryDirectory("score-numbers")
        let line = { (asn: Int, minute: Int, extra: String) in
            #"{"vantage":"v\#(asn)","asn":\#(64500 + asn),"cc":"PK","target":"youtube","input":"https://youtube.com/","probe":"throughput","time":"2024-01-20T13:\#(String(format: "%02d", minute)):00Z","outcome":"ok",\#(extra)}"#
        }
        var lines = (0..<4).flatMap { asn in stride(from: 0, to: 60, by: 5).map { line(asn, $0, #""throughput_kbps":6819.9,"runtime_ms":1.2e3"#) } }
        lines.append(line(9, 0, #""throughput_kbps":-5"#))
        lines.append(line(9, 1, #""runtime_ms":1e30"#))
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("m.jsonl"), atomically: true, encoding: .utf8)
        let result = try CommandRunner(directory: dir).run("score", "--input", "m.jsonl", "--country", "PK", "--format", "json")
        #expect(result.status == 1)
        #expect(result.stderr.contains("2 of 50 lines refused"), "\(result.stderr)")
        #expect(result.stderr.contains("line 49: field 'throughput_kbps': -5.0 is out of range"), "\(result.stderr)")
        #expect(result.stderr.contains("line 50: field 'runtime_ms': 1e+30 is out of range"), "\(result.stderr)")
        #expect(!result.stderr.contains("line 1:"), "a decimal throughput and an exponent runtime are read")
    }

    @Test func reportVerifyRefusesWhatIsNotAReport() throws {
        let dir = CommandRunner.temporaryDirectory("report-verify")
        try "{\"format\": 1}".write(to: dir.appendingPathComponent("r.json"), atomically: true, encoding: .utf8)
        let runner = try CommandRunner(directory: dir)
        let bad = try runner.run("report", "verify", "r.json")
        #expect(bad.status == 1 && bad.stderr.contains("r.json is not a Vantage report"), "\(bad.stderr)")
        let missing = try runner.run("report", "verify", "nope.json")
        #expect(missing.status == 1 && missing.stderr.contains("nope.json does not exist"))
    }
}
