import Foundation
import VantageIdentity
import VantageWire

/// The API's gate: the token check, and refusals logged so that a flood of bad requests cannot
/// fill the log.
extension NodeAgent {
    /// Logs and counts an API request (or one line of it) that was refused; never logs a secret.
    public nonisolated func refusedRequest(_ label: String, _ what: String) {
        metrics.refused(label)
        logger.warning("API request refused", metadata: ["reason": "\(what)"])
    }

    /// Counts every refused line of a request by reason and logs the first
    /// `AgentSettings.refusedLinesLogged`, then how many more.
    public nonisolated func refusedLines(_ errors: [LineError], in request: String) {
        let logged = AgentSettings.refusedLinesLogged
        for (index, error) in errors.enumerated() {
            if index < logged {
                refusedRequest(error.label, "\(request) \(error)")
            } else {
                metrics.refused(error.label)
            }
        }
        if errors.count > logged {
            logger.warning("API request refused", metadata: ["reason": "\(request): \(errors.count - logged) more lines refused"])
        }
    }

    /// True when `token` is this node's API token (compared in constant time).
    public nonisolated func accepts(token: String) -> Bool {
        guard let data = try? SecretFile.read(NodeDirectory(path: settings.nodePath).apiTokenPath),
              let expected = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !expected.isEmpty else { return false }
        return Array(expected.utf8).count == Array(token.utf8).count
            && zip(expected.utf8, token.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
