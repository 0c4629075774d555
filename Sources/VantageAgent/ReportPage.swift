import Foundation
import VantageIdentity
import VantageScoring
import VantageWire

/// `vantage report render`: one self-contained page (no scripts, fonts or CDNs) that shows a
/// report to readers — the verdict in a sentence, the reachability chart, the heat map, whether
/// and how it verified, the command that checks it, and the evidence by signer.
public enum ReportPage {
    /// The page for `report`; `verification` is what `report verify` found (with `--mesh-key`
    /// when `meshChecked`), `file` the report's file name for the verify command.
    public static func html(_ report: Report, verification: ReportVerification, file: String) -> String {
        let drawn = ReportVerifier.view(of: report)
        let cells = drawn?.view.cells ?? []
        let windowMs = report.policy.windowMs
        let v = report.verdict
        let span = (RFC3339.milliseconds(v.start) ?? 0)..<(RFC3339.milliseconds(v.end) ?? 0)
        let chart = ReachabilityChart.svg(cells, windowMs: windowMs, span: span, title: "\(v.country): who could reach \(v.targets.joined(separator: ", "))")
        let heat = Dashboard.heatMap(ViewResult(country: v.country, policy: report.policy, cells: cells), isps: drawn?.isps ?? [:])
        let escape = Dashboard.escape
        let status: String
        if verification.verified {
            status = "<p class=\"ok\"><strong>VERIFIED</strong> against the mesh key you gave: every signature, the verdict recomputed from the evidence, the attestations.</p>"
        } else if verification.consistent {
            status = "<p class=\"warn\"><strong>The mesh was not checked.</strong> The signatures agree with the report's own mesh key, but anyone can make a mesh whose signatures agree: render or verify it with <code>--mesh-key</code> and the key of the mesh you trust.</p>"
        } else {
            status = "<p class=\"bad\"><strong>NOT VERIFIED:</strong> \(escape(verification.checks.filter { !$0.holds }.map(\.part).joined(separator: ", "))) did not hold.</p>"
        }
        let checks = verification.checks.map { "<tr><td>\($0.holds ? "ok" : "FAIL")</td><td>\(escape($0.part))</td><td>\(escape($0.detail))</td></tr>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(v.sentence))</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:16px;max-width:1000px;color:#222}
            h1{font-size:21px;margin:6px 0 10px}h2{font-size:16px;margin:22px 0 6px}
            table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
            .muted{color:#777}svg{width:100%;height:auto}code,pre{background:#f3f3f3;padding:2px 4px}
            .ok{border-left:6px solid #1a9850;padding:6px 10px;background:#eaf6ee}.warn{border-left:6px solid #d9a400;padding:6px 10px;background:#fff4d6}
            .bad{border-left:6px solid #b2182b;padding:6px 10px;background:#fbeaea}
            </style></head><body>
            <h1 id="verdict">\(escape(v.sentence))</h1>
            <p class="muted">verdict \(escape(v.id)) · mesh “\(escape(report.meshName))” · exported \(escape(report.exportedAt)) by node \(escape(String(report.exportedBy.prefix(12)))) · confidence \(String(format: "%.2f", v.confidence))</p>
            <section id="verification"><h2>Verification</h2>\(status)
            <p>Check it yourself with the Vantage command line and the mesh's key:</p>
            <pre>vantage report verify \(escape(file)) --mesh-key mesh.json</pre>
            <details><summary>Each check</summary><table>\(checks)</table></details></section>
            <section id="chart"><h2>Reachability over time</h2>\(chart)</section>
            <section id="heatmap"><h2>ASN × time</h2>\(heat)</section>
            <section id="evidence"><h2>Evidence</h2>\(evidence(report))</section>
            </body></html>

            """
    }

    /// The evidence by signer: its ASN and ISP (from its enrollment, when the mesh root signed it),
    /// its summary and raw batches.
    static func evidence(_ report: Report) -> String {
        func fact(_ text: String) -> SignedFact? {
            Data(base64Encoded: text).flatMap { try? SignedFact(verifying: Envelope(serializedBytes: $0)) }
        }
        let places = ReportVerifier.places(of: report)
        var counts: [NodeID: (summaries: Int, raw: Int)] = [:]
        for (texts, summary) in [(report.summaries, true), (report.batches, false)] {
            for text in texts {
                guard case .batch(let batch)? = fact(text) else { continue }
                counts[batch.signer.id, default: (0, 0)].summaries += summary ? 1 : 0
                counts[batch.signer.id, default: (0, 0)].raw += summary ? 0 : 1
            }
        }
        let rows = counts.keys.sorted { (places[$0]?.asn ?? 0, $0) < (places[$1]?.asn ?? 0, $1) }.map { signer in
            let place = places[signer]
            return "<tr><td>\(signer.short)</td><td>\(Dashboard.escape(place.map { "\($0.country) AS\($0.asn)" } ?? "?"))</td><td>\(Dashboard.escape(place?.isp ?? ""))</td><td>\(counts[signer]!.summaries)</td><td>\(counts[signer]!.raw)</td></tr>"
        }
        let missing = report.missingEvidence.map { "<p class=\"bad\">\($0.count) raw batches the summaries name were missing when the report was exported.</p>" } ?? ""
        return "<p>\(report.summaries.count) summary batches and \(report.batches.count) raw batches, signed by \(counts.count) nodes; \(report.attestations.count) attestations.</p>\(missing)"
            + "<table><tr><th>signer</th><th>ASN</th><th>ISP</th><th>summary batches</th><th>raw batches</th></tr>\n\(rows.joined(separator: "\n"))</table>"
    }

    /// The chart alone, for posting.
    public static func svg(_ report: Report) -> String {
        let v = report.verdict
        let span = (RFC3339.milliseconds(v.start) ?? 0)..<(RFC3339.milliseconds(v.end) ?? 0)
        let chart = ReachabilityChart.svg(ReportVerifier.view(of: report)?.view.cells ?? [], windowMs: report.policy.windowMs, span: span, title: v.sentence)
        // A file of its own needs the namespace that inline SVG in HTML takes for granted.
        return chart.replacingOccurrences(of: "<svg ", with: "<svg xmlns=\"http://www.w3.org/2000/svg\" ", options: .anchored) + "\n"
    }
}
