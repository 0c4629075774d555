import Foundation
import Testing
import VantageTestKit
import VantageTransport

/// The HTTP client of the CLI and of webhook alerts (plain HTTP is exercised by every test that
/// talks to an agent's API): https is checked against the system's trust roots, and each failure
/// says what went wrong.
@Suite struct HTTPRequestTests {
    @Test func anHTTPSServerTheSystemDoesNotTrustIsRefusedAndFailuresSayWhy() async throws {
        let dir = CommandRunner.temporaryDirectory("https-client")
        let (cert, key) = (dir.appendingPathComponent("cert.pem").path, dir.appendingPathComponent("key.pem").path)
        let made = try ExternalProgram.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                       "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                                                       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        #expect(made.status == 0, "\(made.output)")
        let port = try TCPFixtures.closedPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the server inherits the test thread's blocked signals, SIGTERM among them.
        defer { kill(server.processIdentifier, SIGKILL) }

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
