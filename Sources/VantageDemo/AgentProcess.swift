import Foundation

/// A `vantage agent` running as a separate process: for `vantage demo` and integration tests.
public final class AgentProcess: @unchecked Sendable {
    /// The node folder.
    public let node: String
    /// The arguments after `vantage agent --node NODE`.
    public let arguments: [String]
    private let process = Process()
    private let log: FileHandle
    /// The agent's log file (stderr).
    public let logPath: String

    /// Starts `EXECUTABLE agent --node NODE ARGS…`; its output goes to NODE/agent.log.
    public init(executable: URL, node: String, arguments: [String]) throws {
        self.node = node
        self.arguments = arguments
        logPath = node + "/agent.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        try? FileManager.default.removeItem(atPath: node + "/api.url")
        try? FileManager.default.removeItem(atPath: node + "/listen.addr")
        process.executableURL = executable
        process.arguments = ["agent", "--node", node] + arguments
        // The agent exits when this process does, even if it is killed (see `vantage agent`).
        process.environment = ProcessInfo.processInfo.environment.merging(["VANTAGE_PARENT_PID": "\(getpid())"]) { $1 }
        process.standardError = log
        process.standardOutput = log
        try process.run()
    }

    /// Waits until the API (and the listener, when `--listen` was given) are up; returns the listen address.
    @discardableResult
    public func waitUntilReady(timeout: TimeInterval = 60) async throws -> String? {
        let wantsListen = arguments.contains("--listen")
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let api = FileManager.default.fileExists(atPath: node + "/api.url")
            let listen = try? String(contentsOfFile: node + "/listen.addr", encoding: .utf8)
            if api && (!wantsListen || listen != nil) {
                return listen?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard process.isRunning else { throw AgentProcessError("agent \(node) exited early: \(tail())") }
            guard Date() < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw AgentProcessError("agent \(node) not ready after \(timeout) s: \(tail())")
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }
    /// True while the process runs.
    public var isRunning: Bool { process.isRunning }

    /// Sends a signal (SIGTERM, SIGKILL) and waits for the process to end.
    public func stop(signal: Int32 = SIGTERM) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// The exit status after `stop`.
    public var terminationStatus: Int32 { process.terminationStatus }

    /// The last lines of the agent's log.
    public func tail(_ lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    deinit { stop(signal: SIGKILL) }
}

/// A failure to start or reach an agent process.
public struct AgentProcessError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
