import Foundation
import NIOCore
import VantageIdentity
import VantageScoring
import VantageTransport

/// A client of a node's HTTP API, for the CLI and tests.
public struct AgentClient: Sendable {
    /// The API's base URL, e.g. http://127.0.0.1:7180.
    public let baseURL: URL
    /// The bearer token for writes, if known.
    public let token: String?
    /// How long to wait for an answer (60 s unless set).
    public var timeout: TimeAmount = .seconds(60)

    /// A client for `baseURL`.
    public init(baseURL: URL, token: String?) {
        self.baseURL = baseURL
        self.token = token
    }

    /// A client for the node in `path`: the URL from `api.url`, the token from `api.token`.
    public init(node path: String) throws {
        let directory = NodeDirectory(path: path)
        let urlPath = directory.path + "/api.url"
        guard let text = try? String(contentsOfFile: urlPath, encoding: .utf8),
              let url = URL(string: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ClientError("\(urlPath) is missing or unreadable: is `vantage agent --node \(path)` running?")
        }
        let token = try String(decoding: SecretFile.read(directory.apiTokenPath), as: UTF8.self)
        self.init(baseURL: url, token: token.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `GET /v1/status`.
    public func status() async throws -> AgentStatus { try await get("v1/status") }

    /// `GET /v1/peers`.
    public func peers() async throws -> [PeerStatus] { try await get("v1/peers") }

    /// `GET /v1/verdicts`, of `country` or the node's own.
    public func verdicts(country: String?) async throws -> ScoreResult { try await get("v1/verdicts", country: country) }

    /// `GET /v1/view`, of `country` or the node's own.
    public func view(country: String?) async throws -> ViewResult { try await get("v1/view", country: country) }

    /// `GET /v1/reports/ID`: the report of a current verdict.
    public func report(verdictID: String, country: String?) async throws -> Report {
        try await get("v1/reports/\(verdictID)", country: country)
    }

    /// `GET /v1/evidence/ID`: a supporting batch of a current verdict and the raw batches behind it.
    public func evidence(batchID: String) async throws -> EvidenceAnswer { try await get("v1/evidence/\(batchID)") }

    /// `POST /v1/measurements` with JSON Lines.
    public func submit(jsonLines: Data) async throws -> SubmitReport { try await post("v1/measurements", body: jsonLines) }

    /// `POST /v1/facts` with an envelope or ledger file's bytes.
    public func publish(file: Data) async throws -> SubmitReport { try await post("v1/facts", body: file) }

    /// `GET /metrics`: the Prometheus text.
    public func metrics() async throws -> String {
        String(decoding: try await exchange("GET", baseURL.appendingPathComponent("metrics")).body, as: UTF8.self)
    }

    private func get<T: Decodable>(_ path: String, country: String? = nil) async throws -> T {
        var url = baseURL.appendingPathComponent(path)
        if let country { url = url.appending(queryItems: [URLQueryItem(name: "country", value: country)]) }
        return try decode(await exchange("GET", url), from: url)
    }

    private func post<T: Decodable>(_ path: String, body: Data) async throws -> T {
        let url = baseURL.appendingPathComponent(path)
        return try decode(await exchange("POST", url, body: body, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? []), from: url)
    }

    private func exchange(_ method: String, _ url: URL, body: Data = Data(), headers: [(String, String)] = []) async throws -> HTTPRequest.Response {
        do {
            return try await HTTPRequest.send(method, url, headers: headers, body: Array(body), timeout: timeout)
        } catch {
            throw ClientError("cannot reach \(url.absoluteString): \(error)")
        }
    }

    private func decode<T: Decodable>(_ response: HTTPRequest.Response, from url: URL) throws -> T {
        if let value = try? JSONDecoder().decode(T.self, from: Data(response.body)) { return value }
        throw ClientError("\(url.absoluteString) answered \(response.status): \(String(decoding: response.body.prefix(500), as: UTF8.self))")
    }
}

/// A failure talking to a node's API.
public struct ClientError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
