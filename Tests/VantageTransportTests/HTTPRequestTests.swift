import Foundation
import Testing
import VantageTestKit
import VantageTransport

/// The HTTP client of the CLI and of webhook alerts (plain HTTP is exercised by every test that
/// talks to an agent's API): https is checked against the system's trust roots, and each failure
/// says what went wrong.
@Suite struct HTTPRequestTests {
    @Test func anHTTPSServerTheSystemDoesNotTrustIsRefusedAndFailuresSayWhy() async throws {
        let server = try OpenSSLServer(label: "https-client")
        defer { server.stop() }
        let port = server.port

        var said = ""
        for _ in 0..<50 {
            do {
                _ = try await HTTPRequest.send("GET", URL(string: "https://localhost:\(port)/")!, timeout: .seconds(5))
                said = "answered"
            } catch {
                said = "\(error)"
            }
            if !said.hasPrefix("cannot connect") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(said.contains("CERTIFICATE_VERIFY_FAILED"), "a self-signed server is not trusted: \(said)")

        await #expect(throws: HTTPRequest.Failure.self) { try await HTTPRequest.send("GET", URL(string: "ftp://localhost/")!) }
        do {
            _ = try await HTTPRequest.send("GET", URL(string: "http://127.0.0.1:\(try TCPFixtures.closedPort())/")!, timeout: .seconds(5))
            Issue.record("a closed port answered")
        } catch {
            #expect("\(error)".hasPrefix("cannot connect to 127.0.0.1:"), "\(error)")
        }
    }
}
