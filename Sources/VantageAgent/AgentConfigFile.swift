import Foundation
import TOMLKit

/// `vantage agent --config node.toml`: every flag of `vantage agent` as a key (dashes become
/// underscores; see deploy/node.example.toml). Flags given on the command line win over the file.
public struct AgentConfigFile: Codable, Sendable, Equatable {
    public var node: String?
    public var listen: String?
    public var api: String?
    public var join: [String]?
    public var gossipInterval: String?
    public var fanout: Int?
    public var attestInterval: String?
    public var logLevel: String?
    public var probes: Bool?
    /// Keep every raw log as an archiver (the flag --archive).
    public var archive: Bool?
    public var resolver: String?
    public var resolve: [String]?
    public var caFile: String?
    public var probeTimeout: String?
    /// The HTML file served to TLS clients without a mesh certificate (the flag --cover-page).
    public var coverPage: String?
    /// Webhook alerts (the `[alerts]` table): receivers and the HMAC secret.
    public var alerts: AlertsTable?

    /// `[alerts]`: `webhooks = ["https://…"]`, `secret = "…"` (or `--alert-secret-file`).
    public struct AlertsTable: Codable, Sendable, Equatable {
        public var webhooks: [String]?
        public var secret: String?
    }

    /// Limits by their names in protocol/SPEC.md §9 (the `[limits]` table).
    public var limits: [String: Int64]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case node, listen, api, join, fanout, probes, archive, resolver, resolve, limits, alerts
        case gossipInterval = "gossip_interval", attestInterval = "attest_interval", logLevel = "log_level"
        case caFile = "ca_file", probeTimeout = "probe_timeout", coverPage = "cover_page"
    }

    /// An empty configuration (every value from flags or defaults).
    public init() {}

    /// Reads a TOML file; an unknown key, a value of the wrong type or bad TOML is an error that
    /// names the file, the key and, for syntax, the line.
    public static func read(_ path: String) throws -> AgentConfigFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError("\(path) does not exist or cannot be read")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError("\(path):\(error.source.begin.line): \(error.description)")
        } catch {
            throw ConfigError("\(path): not TOML: \(error)")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = table.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigError("\(path): unknown key '\(unknown)'; the keys are \(known.sorted().joined(separator: ", "))")
        }
        do {
            return try TOMLDecoder().decode(AgentConfigFile.self, from: table)
        } catch let DecodingError.typeMismatch(type, context) {
            throw ConfigError("\(path): '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type, should be \(type)")
        } catch let DecodingError.keyNotFound(key, _) {
            // TOMLKit reports a value of the wrong type as a missing key.
            throw ConfigError("\(path): '\(key.stringValue)' has the wrong type (see deploy/node.example.toml)")
        } catch {
            throw ConfigError("\(path): \(error)")
        }
    }
}

/// A configuration file that cannot be used.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
