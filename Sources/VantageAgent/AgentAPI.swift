import Foundation
import Hummingbird
import Prometheus
import VantageIdentity
import VantageWire

/// The node's HTTP API (DESIGN.md, Interfaces). Reads are open on the bound address to requests
/// for its own host names (`APIHostCheck`); every write needs `Authorization: Bearer <NODE/api.token>`.
struct AgentAPI {
    let agent: NodeAgent
    let registry: PrometheusCollectorRegistry
    let settings: AgentSettings

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: APIHostCheck(configuredHost: (try? NodeAgent.split(settings.api).0) ?? "127.0.0.1", agent: agent))
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: await agent.dashboard())))
        }
        router.get("/v1/status") { _, _ in try json(await agent.status()) }
        router.get("/v1/peers") { _, _ in try json(await agent.peers()) }
        router.get("/v1/view") { request, _ in try json(await agent.view(country: try country(request))) }
        router.get("/v1/verdicts") { request, _ in try json(await agent.verdicts(country: try country(request))) }
        router.get("/v1/reports/:id") { request, context in
            let verdictID = context.parameters.get("id") ?? ""
            guard let report = await agent.report(verdictID: verdictID, country: try country(request)) else {
                throw HTTPError(.notFound, message: "no current verdict has id '\(verdictID)'; see GET /v1/verdicts")
            }
            return try json(report)
        }
        router.get("/v1/evidence/:id") { _, context in
            let batchID = context.parameters.get("id") ?? ""
            guard let answer = await agent.evidence(batchID: batchID) else {
                throw HTTPError(.notFound, message: "no current verdict names batch '\(batchID)' in its supporting_batches; see GET /v1/verdicts")
            }
            return try json(answer)
        }
        router.get("/metrics") { _, _ in
            agent.metrics.copyProcessCounts()
            await agent.updateStoreSize()
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            let text = MetricsText.complete(String(decoding: buffer, as: UTF8.self), startTime: agent.startTime)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/v1/measurements") { request, _ in
            try authorize(request)
            var request = request
            let body = try await collect(&request)
            let (parsed, badLines) = MeasurementLines.parse(Data(buffer: body), maxLineBytes: settings.maxLineBytes)
            let (present, futureLines) = MeasurementLines.refuseFuture(parsed, nowMs: Date().unixMilliseconds,
                                                                       maxSkewMs: settings.ledger.maxClockSkewMs)
            let (lines, oldLines) = await agent.refuseUnsignable(present)
            let errors = (badLines + futureLines + oldLines).sorted { $0.line < $1.line }
            if let reason = await agent.cannotSign {
                return try json(SubmitReport(accepted: 0, refused: lines.count + errors.count, batches: 0, errors: [reason]), status: .serviceUnavailable)
            }
            agent.refusedLines(errors, in: "POST /v1/measurements")
            let signed = await agent.submit(lines.map(\.measurement))
            let report = SubmitReport(accepted: lines.count - signed.unsigned, refused: errors.count + signed.unsigned, batches: signed.batches,
                                      errors: errors.map(\.description) + (signed.reason.map { [$0] } ?? []))
            if signed.reason != nil { return try json(report, status: .tooManyRequests) }
            return try json(report, status: lines.isEmpty && !errors.isEmpty ? .badRequest : .ok)
        }
        // A fact's authority is the mesh root's signature, which the ledger checks; the token keeps
        // strangers from making the node verify and store their files.
        router.post("/v1/facts") { request, _ in
            try authorize(request)
            var request = request
            let body = try await collect(&request)
            let facts: (envelopes: [Envelope], proofs: [EquivocationProof])
            do {
                facts = try FactsBody.decode(Data(buffer: body))
            } catch {
                return try json(SubmitReport(accepted: 0, refused: 1, batches: 0, errors: ["\(error)"]), status: .badRequest)
            }
            let errors = await agent.submitFacts(facts.envelopes, proofs: facts.proofs)
            let total = facts.envelopes.count + facts.proofs.count
            let report = SubmitReport(accepted: total - errors.count, refused: errors.count, batches: 0, errors: errors)
            return try json(report, status: errors.isEmpty ? .ok : .unprocessableContent)
        }
        return router
    }

    /// The `country` query parameter, if given; an error names it when it is not a code like PK.
    private func country(_ request: Request) throws -> String? {
        guard let value = request.uri.queryParameters.get("country") else { return nil }
        guard NodeProfile.countryProblem(value) == nil else {
            throw HTTPError(.badRequest, message: "country '\(value)' is not a two-letter upper-case code such as PK")
        }
        return value
    }

    private func authorize(_ request: Request) throws {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), agent.accepts(token: String(header.dropFirst(7))) else {
            let problem = header.isEmpty ? "no Authorization header" : "a token that is not this node's"
            agent.refusedRequest("api_unauthorized", "\(request.method) \(request.uri.path) with \(problem)")
            throw HTTPError(.unauthorized, message: "a write needs 'Authorization: Bearer <token from NODE/api.token>'")
        }
    }

    private func collect(_ request: inout Request) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: settings.maxRequestBytes)
        } catch {
            let message = "request body exceeds the limit of \(settings.maxRequestBytes) bytes (max_request_bytes)"
            agent.refusedRequest("api_body_too_large", "\(request.method) \(request.uri.path): \(message)")
            throw HTTPError(.contentTooLarge, message: message)
        }
    }
}

/// The body of `POST /v1/facts`: an envelope file (`vantage-envelope-v1`) as written by
/// `vantage admin revoke`, or a ledger file (`vantage ledger export`) of many facts.
enum FactsBody {
    static func decode(_ data: Data) throws -> (envelopes: [Envelope], proofs: [EquivocationProof]) {
        switch try RecordFile.decode(data, path: "request body") {
        case .envelope(let envelope): return ([envelope], [])
        case .ledger(let snapshot): return (snapshot.facts, snapshot.proofs)
        case .vector: throw IdentityError.fileCorrupt(path: "request body", reason: "a version vector holds no facts")
        }
    }
}

/// A JSON response.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value) + Data("\n".utf8)
    return Response(status: status, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}
