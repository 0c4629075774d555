import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VantageIdentity
import VantageScoring

/// A client of a node's HTTP API, for the CLI and tests.
public struct AgentClient: Sendable {
    /// The API's base URL, e.g. http://127.0.0.1:7180.
    public let baseURL: URL
    /// The bearer token for writes, if known.
    public let token: String?

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

    private func get<T: Decodable>(_ path: String, country: String? = nil) async throws -> T {
        var url = baseURL.appendingPathComponent(path)
        if let country { url = url.appending(queryItems: [URLQueryItem(name: "country", value: country)]) }
        return try await send(URLRequest(url: url))
    }

    private func post<T: Decodable>(_ path: String, body: Data) async throws -> T {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return try await send(request)
    }

    private func send<T: Decodable>(_ request: URLRequest) async throws -> T {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ClientError("cannot reach \(request.url?.absoluteString ?? "?"): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if let value = try? JSONDecoder().decode(T.self, from: data) { return value }
        throw ClientError("\(request.url?.absoluteString ?? "?") answered \(status): \(String(decoding: data.prefix(500), as: UTF8.self))")
    }
}

/// A failure talking to a node's API.
public struct ClientError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
