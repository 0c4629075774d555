import Foundation
import Testing
import VantageWire

/// OONI measurements mapped onto the outcome vocabulary (protocol/SPEC.md §13a).
@Suite struct OONILinesTests {
    func line(test: String = "web_connectivity", input: String? = "https://www.facebook.com/", keys: String,
              asn: String = "AS17557", cc: String = "PK", time: String = "2024-01-20 13:05:00") -> String {
        let inputField = input.map { "\"input\":\"\($0)\"," } ?? ""
        return "{\"probe_asn\":\"\(asn)\",\"probe_cc\":\"\(cc)\",\"measurement_start_time\":\"\(time)\",\"test_name\":\"\(test)\",\(inputField)\"test_runtime\":2.5,\"test_keys\":\(keys)}"
    }

    func outcome(_ text: String) throws -> MeasurementLine {
        let (lines, errors) = OONILines.parse(Data(text.utf8))
        #expect(errors.isEmpty, "\(errors)")
        return try #require(lines.first)
    }

    @Test(arguments: [
        ("{\"blocking\":false,\"accessible\":true}", Outcome.ok),
        ("{\"blocking\":false,\"accessible\":false}", .error),
        ("{\"blocking\":null,\"accessible\":null}", .error),
        ("{\"blocking\":\"dns\",\"dns_experiment_failure\":\"dns_nxdomain_error\"}", .dnsNxdomain),
        ("{\"blocking\":\"dns\",\"dns_experiment_failure\":\"dns_server_failure\"}", .dnsServfail),
        ("{\"blocking\":\"dns\",\"dns_experiment_failure\":\"generic_timeout_error\"}", .dnsTimeout),
        ("{\"blocking\":\"dns\",\"dns_experiment_failure\":null}", .dnsBogon),
        ("{\"blocking\":\"tcp_ip\",\"http_experiment_failure\":\"connection_refused\"}", .tcpRefused),
        ("{\"blocking\":\"tcp_ip\",\"http_experiment_failure\":\"connection_reset\"}", .tcpReset),
        ("{\"blocking\":\"tcp_ip\",\"http_experiment_failure\":\"generic_timeout_error\"}", .tcpTimeout),
        ("{\"blocking\":\"http-failure\",\"http_experiment_failure\":\"connection_reset\"}", .tlsReset),
        ("{\"blocking\":\"http-failure\",\"http_experiment_failure\":\"eof_error\"}", .tlsReset),
        ("{\"blocking\":\"http-failure\",\"http_experiment_failure\":\"generic_timeout_error\"}", .tlsTimeout),
        ("{\"blocking\":\"http-failure\",\"http_experiment_failure\":\"ssl_invalid_hostname\"}", .tlsCertInvalid),
        ("{\"blocking\":\"http-failure\",\"http_experiment_failure\":\"unknown_failure: x\"}", .httpError),
        ("{\"blocking\":\"http-diff\"}", .httpBlockpage),
    ])
    func webConnectivityOutcomes(keys: String, expected: Outcome) throws {
        let parsed = try outcome(line(keys: keys))
        #expect(parsed.measurement.outcome == expected, "\(keys)")
        #expect(parsed.measurement.target == "facebook")
        #expect(parsed.vantage == "ooni-AS17557" && parsed.asn == 17557 && parsed.country == "PK")
        #expect(parsed.measurement.startTimeMs == 1_705_755_900_000)
        #expect(parsed.measurement.runtimeMs == 2500)
    }

    @Test func plainHTTPResetsAreTCPResets() throws {
        let parsed = try outcome(line(input: "http://twitter.com/", keys: "{\"blocking\":\"http-failure\",\"http_experiment_failure\":\"connection_reset\"}"))
        #expect(parsed.measurement.outcome == .tcpReset && parsed.measurement.target == "x")
    }

    @Test func hostsNameTheirPlatforms() {
        #expect(OONILines.platform(ofHost: "www.youtube.com") == "youtube")
        #expect(OONILines.platform(ofHost: "r3---sn-abc.googlevideo.com") == "youtube")
        #expect(OONILines.platform(ofHost: "scontent.xx.fbcdn.net") == "facebook")
        #expect(OONILines.platform(ofHost: "x.com") == "x")
        #expect(OONILines.platform(ofHost: "notx.com") == "notx.com")
        #expect(OONILines.platform(ofHost: "www.dawn.com") == "dawn.com")
    }

    @Test func instantMessagingTests() throws {
        #expect(try outcome(line(test: "facebook_messenger", input: nil, keys: "{\"facebook_tcp_blocking\":true,\"facebook_dns_blocking\":false}")).measurement.outcome == .tcpTimeout)
        #expect(try outcome(line(test: "facebook_messenger", input: nil, keys: "{\"facebook_tcp_blocking\":false,\"facebook_dns_blocking\":false}")).measurement.outcome == .ok)
        #expect(try outcome(line(test: "whatsapp", input: nil, keys: "{\"whatsapp_endpoints_status\":\"blocked\",\"whatsapp_web_status\":\"ok\"}")).measurement.outcome == .tcpTimeout)
        #expect(try outcome(line(test: "whatsapp", input: nil, keys: "{\"whatsapp_endpoints_status\":\"ok\"}")).measurement.target == "whatsapp")
        #expect(try outcome(line(test: "telegram", input: nil, keys: "{\"telegram_http_blocking\":true,\"telegram_tcp_blocking\":false}")).measurement.outcome == .httpError)
        #expect(try outcome(line(test: "telegram", input: nil, keys: "{}")).measurement.outcome == .error)
    }

    @Test func unusableLinesAreNamedAndTheRestIsKept() {
        let text = [
            line(keys: "{\"blocking\":false}"),
            line(keys: "{\"blocking\":false}", asn: "17557"),
            line(test: "ndt", keys: "{}"),
            line(keys: "{\"blocking\":false}", time: "yesterday"),
            line(input: "not a url", keys: "{\"blocking\":false}"),
            "{\"probe_cc\":\"PK\"}",
            line(keys: "{\"blocking\":false}", cc: "pk"),
            line(keys: "{\"blocking\":\"dns\"}"),
        ].joined(separator: "\n")
        let (lines, errors) = OONILines.parse(Data(text.utf8))
        #expect(lines.map(\.line) == [1, 8])
        #expect(errors.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(errors[0].reason.contains("probe_asn '17557'"))
        #expect(errors[1].reason.contains("test_name 'ndt' is not mapped"))
        #expect(errors[2].reason.contains("measurement_start_time 'yesterday'"))
        #expect(errors[3].reason.contains("input URL"))
        #expect(errors[4].reason.contains("missing field 'probe_asn'"))
        #expect(errors[5].reason.contains("probe_cc 'pk'"))
    }
}
