import Foundation
import VantageWire
import VantageScoring

/// The dashboard of `GET /`: what is blocked right now and since when, the reachability chart of
/// the last 24 hours, the verdicts, a heat map of ISP × target over time as inline SVG, and mesh
/// health. One self-contained page: no scripts, fonts or CDNs; it reloads itself every
/// 10 seconds and fits a phone (the SVG scales to the screen's width).
enum Dashboard {
    /// What the page shows.
    struct Content {
        var status: AgentStatus
        var peers: [PeerStatus]
        var view: ViewResult
        var verdicts: ScoreResult
        /// ISP names by ASN, from the enrollments.
        var isps: [UInt32: String]
    }

    static func page(_ c: Content) -> String {
        let agreeing = c.peers.filter(\.sameDigest).count
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="10">
            <title>Vantage — \(escape(c.view.country)) — \(escape(c.status.meshName))</title>
            <style>
            body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;padding:12px;max-width:1200px;color:#222}
            h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:18px 0 6px}
            .verdict{padding:8px 10px;margin:6px 0;border-left:6px solid #b2182b;background:#fbeaea}
            .verdict.regional,.verdict.local{border-color:#ef8a62;background:#fdf1ea}
            .verdict.global{border-color:#2166ac;background:#eaf1fb}.verdict.insufficient{border-color:#999;background:#f3f3f3}
            table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}
            .muted{color:#777}.now{font-size:17px;padding:8px 10px;border-left:6px solid #b2182b;background:#fbeaea}.now.clear{border-color:#1a9850;background:#eaf6ee}.warn{padding:6px 10px;background:#fff4d6;border-left:6px solid #d9a400}svg{width:100%;height:auto}
            .legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
            </style></head><body>
            <h1>\(escape(c.view.country)): national view of mesh “\(escape(c.status.meshName))”</h1>
            <p class="muted">node \(c.status.nodeID.prefix(12)) · AS\(c.status.asn) \(escape(c.status.isp)) · ledger digest \(c.status.ledger.digest.prefix(16)) · \(c.status.ledger.batches) batches, \(c.status.ledger.measurements) measurements · this page reloads every 10 s</p>
            <h2 id="now">What is blocked right now?</h2>
            \(blockedNow(c.verdicts, view: c.view))
            <h2>The last 24 hours</h2>
            \(ReachabilityChart.svg(c.view.cells, windowMs: c.view.policy.windowMs, title: "\(c.view.country): share of ASNs that could reach each target"))
            <h2>Verdicts</h2>
            \(verdicts(c.verdicts))
            <h2>Heat map: ISP × target over time</h2>
            <p class="legend"><span style="background:\(colour(.anomalous, throttled: false))"></span>blocked
            <span style="background:\(colour(.anomalous, throttled: true))"></span>throttled
            <span style="background:\(colour(.ok, throttled: false))"></span>ok
            <span style="background:\(colour(.inconclusive, throttled: false))"></span>inconclusive
            <span style="background:\(colour(.offline, throttled: false))"></span>vantage point offline
            <span style="background:\(colour(.outage, throttled: false))"></span>ISP outage</p>
            \(heatMap(c.view, isps: c.isps, byISP: true))
            <h2>Mesh health</h2>
            <p>\(c.peers.filter(\.connected).count) of \(c.peers.count) known peers connected; \(agreeing) announced the same ledger digest as this node at last contact.</p>
            \(replication(c.status.replication))
            \(peerTable(c.peers, isps: c.isps))
            </body></html>
            """
    }

    static func verdicts(_ result: ScoreResult) -> String {
        guard !result.verdicts.isEmpty else { return "<p class=\"muted\">No disruption found over the closed windows.</p>" }
        return result.verdicts.map { v in
            "<div class=\"verdict \(v.scope.rawValue)\"><strong>\(escape(v.sentence))</strong><br><span class=\"muted\">id \(v.id) · ASNs \(v.affectedASNs.map { "AS\($0)" }.joined(separator: ", ")) · \(v.supportingBatches.count) supporting batches</span></div>"
        }.joined(separator: "\n")
    }

    /// The verdicts that reach the last window enough ASNs have measured: what is blocked now,
    /// and since when.
    static func blockedNow(_ result: ScoreResult, view: ViewResult) -> String {
        let windowMs = view.policy.windowMs
        guard let last = NationalView.lastCoveredWindow(view.cells, minASNs: view.policy.minASNs) else { return "<p class=\"muted\">No measurements yet.</p>" }
        let current = result.verdicts.filter { $0.isCurrent(lastWindowStartMs: last * windowMs) }
        guard !current.isEmpty else { return "<p class=\"now clear\">Nothing is blocked now, as far as the closed windows show.</p>" }
        return current.map { v in
            let since = RFC3339.milliseconds(v.start).map { Date(timeIntervalSince1970: Double($0) / 1000).rfc3339 } ?? v.start
            return "<p class=\"now \(v.scope.rawValue)\"><strong>\(escape(v.targets.joined(separator: ", ")))</strong>: \(v.scope.rawValue) \(v.kind.rawValue) since \(escape(since)) — \(v.asnsAffected) of \(v.asnsObserved) ASNs</p>"
        }.joined(separator: "\n")
    }

    /// One row per (target, ASN) — or, `byISP`, per (ISP, ASN, target) — one column per window,
    /// one `rect.cell` per cell of the view.
    static func heatMap(_ view: ViewResult, isps: [UInt32: String], byISP: Bool = false) -> String {
        guard !view.cells.isEmpty else { return "<p class=\"muted\">No measurements yet.</p>" }
        let windows = Array(Set(view.cells.map(\.window))).sorted()
        let column = Dictionary(uniqueKeysWithValues: windows.enumerated().map { ($1, $0) })
        struct Row: Hashable { var target: String; var control: Bool; var asn: UInt32 }
        let rows = Array(Set(view.cells.map { Row(target: $0.target, control: $0.control, asn: $0.asn) })).sorted { a, b in
            byISP ? (a.control ? 1 : 0, isps[a.asn] ?? "", a.asn, a.target) < (b.control ? 1 : 0, isps[b.asn] ?? "", b.asn, b.target)
                : (a.target, a.control ? 1 : 0, a.asn) < (b.target, b.control ? 1 : 0, b.asn)
        }
        let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let (label, cellWidth, cellHeight, top) = (290, max(2, min(14, 900 / max(1, windows.count))), 14, 20)
        let width = label + windows.count * cellWidth + 10
        let height = top + rows.count * cellHeight + 10
        var svg = ["<svg viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"heat map\" font-size=\"11\">"]
        let windowMs = Int64(view.policy.windowSeconds) * 1000
        // Time labels every three hours (UTC).
        for (i, window) in windows.enumerated() where (window * windowMs) % 10_800_000 == 0 {
            let hour = Date(timeIntervalSince1970: Double(window * windowMs) / 1000).rfc3339.dropFirst(11).prefix(5)
            svg.append("<text x=\"\(label + i * cellWidth)\" y=\"12\">\(hour)</text>")
        }
        for (i, row) in rows.enumerated() {
            let isp = isps[row.asn].map { " " + escape($0) } ?? ""
            let name = byISP ? "\(isp.isEmpty ? "" : isp.dropFirst() + " · ")AS\(row.asn) · \(escape(row.target))" : "\(escape(row.target)) · AS\(row.asn)\(isp)"
            svg.append("<text x=\"0\" y=\"\(top + i * cellHeight + 11)\">\(name)\(row.control ? " (control)" : "")</text>")
        }
        for cell in view.cells {
            guard let x = column[cell.window], let y = rowIndex[Row(target: cell.target, control: cell.control, asn: cell.asn)] else { continue }
            let start = Date(timeIntervalSince1970: Double(cell.window * windowMs) / 1000).rfc3339
            svg.append("<rect class=\"cell \(cell.state.rawValue)\" data-target=\"\(escape(cell.target))\" data-asn=\"\(cell.asn)\" data-window=\"\(cell.window)\" x=\"\(label + x * cellWidth)\" y=\"\(top + y * cellHeight)\" width=\"\(cellWidth - 1)\" height=\"\(cellHeight - 2)\" fill=\"\(colour(cell.state, throttled: cell.throttled))\"><title>\(escape(cell.target)) AS\(cell.asn) \(start): \(cell.throttled ? "throttled" : cell.state.rawValue); \(cell.failures) of \(cell.measurements) measurements failed, baseline \(cell.baselinePercent) %, p = \(String(format: "%.2g", cell.pValue)); \(cell.anomalousPoints) of \(cell.vantagePoints) vantage points above their baseline\(cell.offlinePoints > 0 ? ", \(cell.offlinePoints) offline" : "")</title></rect>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// Raw evidence against the campaign's replication goal: a warning when it falls short.
    static func replication(_ state: Replication?) -> String {
        guard let state else { return "" }
        let goal = "\(state.named.goalArchivers) archivers in \(state.named.goalCountries) countries"
        guard let shortfall = state.shortfall else {
            return "<p>Raw evidence: this node's raw batches are held by \(state.ownRaw.archivers) archivers in \(state.ownRaw.countries.joined(separator: ", ")) (goal: \(goal)).</p>"
        }
        return "<p class=\"warn\"><strong>Evidence below the replication goal:</strong> \(escape(shortfall)).</p>"
    }

    static func peerTable(_ peers: [PeerStatus], isps: [UInt32: String]) -> String {
        guard !peers.isEmpty else { return "<p class=\"muted\">No peers yet.</p>" }
        let rows = peers.map { p in
            "<tr><td>\(p.nodeID.prefix(12))</td><td>AS\(p.asn) \(escape(isps[p.asn] ?? ""))</td><td>\(p.connected ? "connected" : "disconnected")</td><td>\(p.sameDigest ? "same" : "differs")</td><td>\(escape(p.lastContact ?? "never"))</td><td>\(p.failures)</td></tr>"
        }
        return "<table><tr><th>peer</th><th>ISP</th><th>state</th><th>digest</th><th>last contact</th><th>failures</th></tr>\n\(rows.joined(separator: "\n"))</table>"
    }

    static func colour(_ state: PointState, throttled: Bool) -> String {
        switch state {
        case .anomalous: return throttled ? "#f1a340" : "#b2182b"
        case .ok: return "#7fbf7b"
        case .inconclusive: return "#d9d9d9"
        case .offline: return "#8c8c8c"
        case .outage: return "#40004b"
        }
    }

    /// HTML-escapes text that may come from the network (targets are chosen by enrolled nodes).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
