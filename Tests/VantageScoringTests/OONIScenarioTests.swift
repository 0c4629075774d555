import Foundation
import Testing
import VantageScoring
import VantageWire

/// OONI data people already have, scored: the nation-scale scenario written as OONI web_connectivity.
@Suite struct OONIScenarioTests {
    @Test func nationScaleBlockInOONIData() throws {
        var data = ScenarioData()
        data.disruptions = [.init(asns: Set(data.asns.prefix(9)), targets: ["facebook", "instagram", "x", "youtube"], fromWindow: 24, toWindow: 50)]
        let hosts = ["facebook": "www.facebook.com", "instagram": "www.instagram.com", "x": "twitter.com",
                     "youtube": "www.youtube.com", "wikipedia": "en.wikipedia.org"]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let observations = data.observations(seed: 21)
        let lines = observations.map { o in
            let keys = o.outcome == .ok ? "{\"blocking\":false,\"accessible\":true}"
                : o.outcome == .tlsReset ? "{\"blocking\":\"http-failure\",\"accessible\":false,\"http_experiment_failure\":\"connection_reset\"}"
                : "{\"blocking\":\"tcp_ip\",\"accessible\":false,\"http_experiment_failure\":\"generic_timeout_error\"}"
            let time = formatter.string(from: Date(timeIntervalSince1970: Double(o.timeMs) / 1000))
            return "{\"probe_asn\":\"AS\(o.asn)\",\"probe_cc\":\"PK\",\"measurement_start_time\":\"\(time)\",\"test_name\":\"web_connectivity\",\"input\":\"https://\(hosts[o.target]!)/\",\"test_keys\":\(keys)}"
        }
        let (read, errors) = OfflineInput.read(Data(lines.joined(separator: "\n").utf8), format: .ooni)
        #expect(errors.isEmpty)
        #expect(read.count == observations.count)
        let verdicts = Scorer.score(read, country: "PK").verdicts.filter { $0.scope != .insufficient }
        let verdict = try #require(verdicts.first)
        #expect(verdicts.count == 1, "\(verdicts.map(\.sentence))")
        #expect(verdict.scope == .nation && verdict.targets == ["facebook", "instagram", "x", "youtube"])
        #expect(verdict.asnsAffected == 9 && verdict.asnsObserved == 10)
        #expect(verdict.start == "2024-01-20T13:00:00Z" && verdict.end == "2024-01-20T17:30:00Z")
    }
}
