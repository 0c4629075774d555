import Foundation
import VantageDemo

extension AgentProcess {
    /// Starts `vantage agent --node NODE ARGS…` from the build folder of `runner`.
    public convenience init(runner: CommandRunner, node: String, arguments: [String]) throws {
        try self.init(executable: runner.executable, node: node, arguments: arguments)
    }
}
