import Foundation

/// Runs a program of the machine (openssl, curl) for a test, under `timeout`.
public enum ExternalProgram {
    /// Runs `program ARGS…` for at most `seconds`, writes `input` to its stdin, and returns its
    /// status and what it printed (stdout and stderr together). Its stdin is closed after `input`
    /// (`openssl s_client -quiet` keeps the connection open until the timeout all the same).
    public static func run(_ program: String, _ arguments: [String], input: Data = Data(), seconds: Int = 8) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["\(seconds)", program] + arguments
        let stdin = Pipe(), output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// `openssl s_client` against `port` on 127.0.0.1 (TLS 1.3, quiet), writing `input` after the handshake.
    public static func opensslClient(port: Int, arguments: [String], input: Data, seconds: Int = 8) throws -> (status: Int32, output: String) {
        try run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-quiet"] + arguments, input: input, seconds: seconds)
    }
}
