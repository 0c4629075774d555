import Crypto
import Foundation
import Logging
import NIOCore
import VantageIdentity
import VantageScoring
import VantageTransport
import VantageWire

/// Webhook alerts (README "Alerts"): when a disruption of the node's country appears, widens,
/// changes scope or ends, each receiver gets one POST of a JSON document signed with HMAC-SHA256
/// of the body under the operator's secret (`X-Vantage-Signature: sha256=HEX`). Failed posts are
/// retried with back-off; what is open and what is still to send survive a restart in
/// `NODE/alerts.json`, so nothing is sent twice. Runs beside gossip, never in its way.
actor AlertSender {
    /// One POST still to make.
    struct Pending: Codable, Sendable, Equatable {
        var receiver: String
        var body: String
        var eventID: String
        var attempts = 0
        var nextMs: Int64 = 0

        enum CodingKeys: String, CodingKey {
            case receiver, body, attempts
            case eventID = "event_id", nextMs = "next_ms"
        }
    }

    /// What `alerts.json` holds.
    struct State: Codable, Sendable, Equatable {
        var tracker = AlertTracker()
        var pending: [Pending] = []
    }

    /// Longest wait between two attempts of one POST.
    static let maxBackoffMs: Int64 = 300_000
    /// How long a receiver has to answer one alert, and the most of its answer read.
    static let answerTimeout = TimeAmount.seconds(10)
    static let maxAnswerBytes = 1 << 20

    let receivers: [String]
    let secret: SymmetricKey
    let statePath: String
    let logger: Logger
    private(set) var state: State
    private var delivering = false

    init(receivers: [String], secret: Data, statePath: String, logger: Logger) {
        self.receivers = receivers
        self.secret = SymmetricKey(data: secret)
        self.statePath = statePath
        self.logger = logger
        state = (FileManager.default.contents(atPath: statePath)).flatMap { try? JSONDecoder().decode(State.self, from: $0) } ?? State()
    }

    /// The changes in `verdicts` (of a scoring whose last closed window starts at
    /// `lastWindowStartMs`) become one POST per receiver each.
    func observe(_ verdicts: [Verdict], lastWindowStartMs: Int64, node: String, apiURL: String?, nowMs: Int64) {
        let changes = state.tracker.observe(verdicts, lastWindowStartMs: lastWindowStartMs)
        for change in changes {
            let body = Self.document(change, node: node, apiURL: apiURL, nowMs: nowMs)
            for receiver in receivers { state.pending.append(Pending(receiver: receiver, body: body, eventID: change.event.id, nextMs: nowMs)) }
            logger.notice("alert", metadata: ["event": "\(change.event.id)", "change": "\(change.what.rawValue)", "receivers": "\(receivers.count)"])
        }
        if !changes.isEmpty { save() }
        deliverSoon()
    }

    /// The JSON document of one change: readable when pasted into a chat (`text`).
    static func document(_ change: AlertChange, node: String, apiURL: String?, nowMs: Int64) -> String {
        struct Document: Encodable {
            var eventID: String
            var change: String
            var text: String
            var event: AlertEvent
            var verdict: Verdict?
            var verdictID: String?
            var node: String
            var dashboardURL: String?
            var reportURL: String?
            var sent: String
            enum CodingKeys: String, CodingKey {
                case change, text, event, verdict, node, sent
                case eventID = "event_id", verdictID = "verdict_id", dashboardURL = "dashboard_url", reportURL = "report_url"
            }
        }
        let e = change.event
        let what = change.verdict?.sentence ?? "\(e.scope) \(e.kind) of \(e.targets.joined(separator: ", ")) in \(e.country) since \(e.start)"
        let text = chatSafe("Vantage \(change.what.rawValue.replacingOccurrences(of: "_", with: " ")): \(what) [event \(e.id)]")
        let document = Document(eventID: e.id, change: change.what.rawValue, text: text, event: e, verdict: change.verdict, verdictID: change.verdict?.id,
                                node: node, dashboardURL: apiURL.map { $0 + "/" }, reportURL: change.verdict.flatMap { v in apiURL.map { "\($0)/v1/reports/\(v.id)" } },
                                sent: Date(timeIntervalSince1970: Double(nowMs) / 1000).rfc3339)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self)
    }

    /// `text` with no markup a chat receiver acts on: `&`, `<` and `>` as HTML entities (Slack,
    /// Mattermost and Matrix read them so), and a zero-width space after each `@`, so no name in
    /// a verdict mentions or pings anyone.
    static func chatSafe(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "@", with: "@\u{200B}")
    }

    /// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`: the signature header's value.
    static func signature(_ body: String, secret: SymmetricKey) -> String {
        "sha256=" + Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: secret))
    }

    private func deliverSoon() {
        guard !delivering, !state.pending.isEmpty else { return }
        delivering = true
        Task { await self.deliver() }
    }

    /// Posts what is due until nothing is pending, each receiver's alerts in the order of the
    /// changes (a failing one holds back the later ones); sleeps until the next is due.
    private func deliver() async {
        while let index = Set(state.pending.map(\.receiver)).compactMap({ r in state.pending.firstIndex { $0.receiver == r } })
            .min(by: { state.pending[$0].nextMs < state.pending[$1].nextMs }) {
            let now = Date().unixMilliseconds
            if state.pending[index].nextMs > now {
                try? await Task.sleep(for: .milliseconds(min(state.pending[index].nextMs - now, 1_000)))
                continue
            }
            let item = state.pending[index]
            let outcome = await post(item)
            guard let at = state.pending.firstIndex(of: item) else { continue }
            if let outcome {
                state.pending[at].attempts += 1
                state.pending[at].nextMs = Date().unixMilliseconds + min(Self.maxBackoffMs, 1_000 << Int64(min(state.pending[at].attempts - 1, 20)))
                logger.warning("alert not delivered, will retry", metadata: ["receiver": "\(item.receiver)", "event": "\(item.eventID)",
                                                                             "attempt": "\(state.pending[at].attempts)", "reason": "\(outcome)"])
            } else {
                state.pending.remove(at: at)
            }
            save()
        }
        delivering = false
    }

    /// POSTs one alert; nil on a 2xx answer, else why not.
    private func post(_ item: Pending) async -> String? {
        guard let url = URL(string: item.receiver) else { return "'\(item.receiver)' is not a URL" }
        let headers = [("Content-Type", "application/json"), ("X-Vantage-Signature", Self.signature(item.body, secret: secret)),
                       ("X-Vantage-Event", item.eventID)]
        do {
            let response = try await HTTPRequest.send("POST", url, headers: headers, body: Array(item.body.utf8), timeout: Self.answerTimeout, maxBodyBytes: Self.maxAnswerBytes)
            return (200..<300).contains(response.status) ? nil : "HTTP \(response.status)"
        } catch {
            return "\(error)"
        }
    }

    private func save() {
        guard let data = try? JSONEncoder().encode(state) else { return }
        try? data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }
}
