import Foundation

/// `openssl s_server -www` on 127.0.0.1 with a fresh self-signed certificate for `localhost` and
/// 127.0.0.1: a real TLS web server the system does not trust. Stop it with `stop()`.
public struct OpenSSLServer {
    public let port: Int
    /// The PEM file of its certificate.
    public let certificatePath: String
    private let process: Process

    /// Makes the certificate and starts the server (it may need a moment before it accepts).
    public init(label: String) throws {
        let dir = CommandRunner.temporaryDirectory(label)
        let (cert, key) = (dir.appendingPathComponent("cert.pem").path, dir.appendingPathComponent("key.pem").path)
        let made = try ExternalProgram.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                       "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                                                       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        guard made.status == 0 else { throw FixtureError("openssl req failed: \(made.output)") }
        port = try TCPFixtures.closedPort()
        certificatePath = cert
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Kills the server with SIGKILL: it inherits the test thread's blocked signals, SIGTERM among them.
    public func stop() { kill(process.processIdentifier, SIGKILL) }
}
